//! Installing the build and test tools, idempotently: `tools/install-toolchain.sh` (a copy of
//! the team's verified recipe) installs the wasm toolchain, wasm-bindgen-cli, binaryen's
//! wasm-opt, node and Chromium on Debian as root; elsewhere, what is found is used and what
//! is missing is reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sh::{self, Result, output};

/// How to build the wasm client on this machine.
pub struct Tools {
    /// Extra environment and flags for the wasm build; empty when rustup has the target.
    pub wasm_env: Vec<(String, String)>,
    /// The cargo binary for the wasm build.
    pub wasm_cargo: PathBuf,
    /// Whether std must be built from source (`-Z build-std`).
    pub build_std: bool,
}

fn rustup_has_wasm_std() -> bool {
    let Some(sysroot) = output(Command::new("rustc").args(["--print", "sysroot"])) else {
        return false;
    };
    let lib = Path::new(&sysroot).join("lib/rustlib/wasm32-unknown-unknown/lib");
    std::fs::read_dir(lib)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
        })
        .unwrap_or(false)
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

fn has(program: &str) -> bool {
    output(Command::new("sh").args(["-c", &format!("command -v {program}")])).is_some()
}

/// Makes sure the tools are there (installing them when we can) and says how to use them.
/// `browser` also asks for Chromium.
pub fn ensure(browser: bool) -> Result<Tools> {
    let root = sh::root();
    if is_root() && Path::new("/usr/bin/apt-get").exists() {
        let mut script = Command::new("bash");
        script
            .arg(root.join("tools/install-toolchain.sh"))
            .arg(root.join("Cargo.lock"))
            .current_dir(&root);
        if !browser {
            script.arg("--no-chromium");
        }
        sh::run(&mut script)?;
    } else {
        let mut missing: Vec<&str> = ["wasm-bindgen", "wasm-opt", "node", "npm"]
            .into_iter()
            .filter(|p| !has(p))
            .collect();
        if browser && !Path::new(&chromium()).exists() {
            missing.push("chromium (set CHROMIUM_PATH)");
        }
        if !missing.is_empty() {
            return Err(format!(
                "missing tools: {}. On Debian run this as root; elsewhere install them \
                 (wasm-bindgen-cli at the version in Cargo.lock, binaryen's wasm-opt, node 20+).",
                missing.join(", ")
            ));
        }
    }

    if rustup_has_wasm_std() {
        return Ok(Tools {
            wasm_env: Vec::new(),
            wasm_cargo: "cargo".into(),
            build_std: false,
        });
    }
    let llvm_major = output(Command::new("/usr/bin/rustc").arg("-vV"))
        .and_then(|v| {
            v.lines()
                .find_map(|l| l.strip_prefix("LLVM version: ").map(str::to_owned))
        })
        .and_then(|v| v.split('.').next().map(str::to_owned))
        .ok_or("no wasm32 target in rustup and no Debian rustc-web at /usr/bin/rustc")?;
    let linker = [
        format!("/usr/bin/wasm-ld-{llvm_major}"),
        "/usr/bin/wasm-ld".to_owned(),
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .ok_or("no wasm-ld linker found (Debian package lld-<LLVM major>)")?;
    Ok(Tools {
        wasm_env: vec![
            ("RUSTC".into(), "/usr/bin/rustc".into()),
            ("RUSTC_BOOTSTRAP".into(), "1".into()),
            ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER".into(), linker),
        ],
        wasm_cargo: "/usr/bin/cargo".into(),
        build_std: true,
    })
}

/// The Chromium the browser tests drive.
pub fn chromium() -> String {
    std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}
