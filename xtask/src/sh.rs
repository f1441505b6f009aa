//! Running commands and finding the workspace.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An error for the user: what failed.
pub type Result<T> = std::result::Result<T, String>;

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into())
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Where the built client (wasm, JS, static files) is served from.
pub fn site_root() -> PathBuf {
    root().join("target").join("site")
}

/// The `cargo` that runs this tool (rustup's, normally).
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs `command`, echoing it; fails with its name when it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}").replace('"', "");
    eprintln!("\n▶ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed ({status}): {shown}"))
    }
}

/// The trimmed standard output of `command`, if it ran successfully.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Installs Debian packages (as root, where apt-get exists), updating the package lists first
/// if a fresh machine has none. Elsewhere it fails, saying what `needed_for` needs.
pub fn apt_install(packages: &[&str], needed_for: &str) -> Result<()> {
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return Err(format!("{needed_for} needs: {}", packages.join(", ")));
    }
    let install = || {
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    install().or_else(|_| {
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        install()
    })
}
