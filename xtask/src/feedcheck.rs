//! The Python test tools: a virtual environment under the target directory with the pinned
//! `icalendar` and `recurring-ical-events` (the feed check) and `aiosmtpd` (the SMTP server
//! the mail tests start), made once and reused while `tools/requirements.txt` stays the same;
//! and libical's side of the feed check, a small C program built against Debian's
//! `libical-dev`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sh::{self, Result, output};

/// The environment's Python, ready to run `tools/feeds/check_feeds.py` and
/// `tools/mail/smtp_sink.py`.
pub fn python() -> Result<PathBuf> {
    let root = sh::root();
    let requirements = root.join("tools/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).map_err(|e| e.to_string())?;
    let venv = sh::target_dir().join("python-tools-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    let _ = std::fs::remove_dir_all(&venv);
    if !make_venv(&venv) {
        // Debian keeps `venv` in a separate package.
        sh::apt_install(&["python3-venv"], "the Python test tools")?;
        if !make_venv(&venv) {
            return Err("cannot make a Python virtual environment (install python3-venv)".into());
        }
    }
    sh::run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python)
}

fn make_venv(venv: &Path) -> bool {
    Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .is_ok_and(|s| s.success())
}

/// Checks every feed of the server at `url` with recurring-ical-events, libical and ical.js
/// (`npm install` in e2e/ first), then random edit sequences, each step read back through the
/// three (they add programs to the server's data).
pub fn check(python: &Path, url: &str) -> Result<()> {
    let libical = libical_expand()?;
    for script in ["check_feeds.py", "edit_sequences.py"] {
        sh::run(
            Command::new(python)
                .arg(sh::root().join("tools/feeds").join(script))
                .arg(url)
                .arg(&libical),
        )?;
    }
    Ok(())
}

/// `tools/feeds/libical_expand.c`, built when missing or older than its source; libical's
/// headers are installed first where they are missing (Debian, as root).
fn libical_expand() -> Result<PathBuf> {
    let source = sh::root().join("tools/feeds/libical_expand.c");
    let binary = sh::target_dir().join("libical-expand");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&binary).is_some() && modified(&binary) >= modified(&source) {
        return Ok(binary);
    }
    if !Path::new("/usr/include/libical/ical.h").exists() {
        sh::apt_install(&["libical-dev", "pkg-config", "gcc"], "the feed check")?;
    }
    let flags = output(Command::new("pkg-config").args(["--cflags", "--libs", "libical"]))
        .ok_or("pkg-config does not know libical")?;
    sh::run(
        Command::new("cc")
            .args(["-O1", "-Wall", "-o"])
            .arg(&binary)
            .arg(&source)
            .args(flags.split_whitespace()),
    )?;
    Ok(binary)
}
