//! Building the wasm client into `target/site`: cargo (wasm32, `hydrate`), wasm-bindgen,
//! wasm-opt, then the static files from `public/`. The client files are also published
//! under a name carrying their content hash, with brotli and gzip copies beside them, so that
//! the server can let browsers keep them for a year and send them compressed without work.

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
    let published = publish_hashed(&pkg)?;
    copy_dir(&root.join("public"), &site)?;
    eprintln!("client published as pkg/{published}.{{js,wasm}} (+ .br, .gz)");
    let size = std::fs::metadata(&served).map(|m| m.len()).unwrap_or(0);
    eprintln!("client built: {} ({size} bytes)", served.display());
    Ok(())
}

/// The file in `pkg/` that names the current hashed bundle; the server reads it at start-up.
const CURRENT: &str = "current";

/// Copies `siar.js` and `siar.wasm` to `siar-<hash>.js` and `.wasm` (one hash over both, as
/// the script loads that very wasm), writes their `.br` and `.gz` copies, removes earlier
/// bundles and names the new one in `pkg/current`. Returns the bundle's name.
fn publish_hashed(pkg: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let read = |name: String| {
        let path = pkg.join(&name);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let js = read(format!("{OUTPUT_NAME}.js"))?;
    let wasm = read(format!("{OUTPUT_NAME}.wasm"))?;
    let digest = Sha256::new()
        .chain_update(&js)
        .chain_update(&wasm)
        .finalize();
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("{OUTPUT_NAME}-{hash}");
    let current = pkg.join(CURRENT);
    if std::fs::read_to_string(&current).is_ok_and(|c| c.trim() == name) {
        return Ok(name);
    }
    let stale_prefix = format!("{OUTPUT_NAME}-");
    for entry in std::fs::read_dir(pkg).map_err(|e| e.to_string())?.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(&stale_prefix)
        {
            std::fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    for (extension, bytes) in [("js", &js), ("wasm", &wasm)] {
        let file = pkg.join(format!("{name}.{extension}"));
        write(&file, bytes)?;
        write(
            &file.with_extension(format!("{extension}.br")),
            &brotli(bytes)?,
        )?;
        write(
            &file.with_extension(format!("{extension}.gz")),
            &gzip(bytes)?,
        )?;
    }
    // Last, so that a server never reads a name whose files are not all there.
    write(&current, name.as_bytes())?;
    Ok(name)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
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
