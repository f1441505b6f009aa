//! `cargo xtask run`: build everything and start Siar with demo data.

use std::process::Command;

use crate::sh::{self, Result};
use crate::{client, toolchain};

/// Builds the client and the server, then runs `siar serve --demo` in the foreground.
/// `DATABASE_URL`, `SIAR_*` and `RUST_LOG` pass through from the environment.
pub fn run() -> Result<()> {
    let tools = toolchain::ensure(false)?;
    client::build(&tools)?;
    sh::run(sh::cargo().args(["build", "-p", "server", "--bin", "siar"]))?;
    let siar = sh::target_dir().join("debug/siar");
    let mut serve = Command::new(siar);
    serve.current_dir(sh::root()).args(["serve", "--demo"]);
    if std::env::var_os("SIAR_SITE_ROOT").is_none() {
        serve.env("SIAR_SITE_ROOT", sh::site_root());
    }
    sh::run(&mut serve)
}
