//! Building the wasm client into `target/site`: cargo (wasm32, `hydrate`), wasm-bindgen,
//! wasm-opt, then the static files from `public/`.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::sh::{self, Result};
use crate::toolchain::Tools;

/// The bundle name; must match `LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`.
pub const OUTPUT_NAME: &str = "siar";

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Builds the client; skips wasm-bindgen and wasm-opt when the wasm did not change.
pub fn build(tools: &Tools) -> Result<()> {
    let root = sh::root();
    let mut cargo = Command::new(&tools.wasm_cargo);
    cargo
        .current_dir(&root)
        .envs(tools.wasm_env.iter().map(|(k, v)| (k, v)))
        // The outer rustup cargo's variables would point the Debian cargo at the wrong rustc.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .args([
            "build",
            "-p",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args([
            "--no-default-features",
            "--features",
            "hydrate",
            "--profile",
            "wasm-release",
        ]);
    if tools.build_std {
        cargo.args(["-Z", "build-std=std,panic_abort"]);
    }
    sh::run(&mut cargo)?;

    let wasm = sh::target_dir().join("wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let site = sh::site_root();
    let pkg = site.join("pkg");
    let served = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    let fresh =
        matches!((modified(&served), modified(&wasm)), (Some(out), Some(input)) if out > input);
    if !fresh {
        std::fs::create_dir_all(&pkg)
            .map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
        sh::run(
            Command::new("wasm-bindgen")
                .args(["--target", "web", "--out-name", OUTPUT_NAME, "--out-dir"])
                .arg(&pkg)
                .arg(&wasm),
        )?;
        let bound = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
        std::fs::rename(&bound, &served)
            .map_err(|e| format!("cannot rename {}: {e}", bound.display()))?;
        sh::run(
            Command::new("wasm-opt")
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                ])
                .arg(&served)
                .arg("-o")
                .arg(&served),
        )?;
    }
    copy_dir(&root.join("public"), &site)?;
    let size = std::fs::metadata(&served).map(|m| m.len()).unwrap_or(0);
    eprintln!("client built: {} ({size} bytes)", served.display());
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("cannot copy to {}: {e}", target.display()))?;
        }
    }
    Ok(())
}
