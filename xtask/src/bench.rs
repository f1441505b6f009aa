//! `cargo xtask bench`: the benchmarks, built in release mode and run the same way every
//! time. Each prints its figures and the ratio against its named baseline; BENCHMARKS.md
//! records the results.

use std::process::Command;

use crate::sh::{self, Result, output};
use crate::{client, toolchain};

/// Runs every benchmark.
pub fn bench() -> Result<()> {
    // The schedule page and session listing with 100,000+ sessions (issue 4).
    run_example("bench_schedule")?;
    // all.ics under load, against nginx serving the same bytes (issue 5).
    ensure_load_tools()?;
    run_example("bench_feeds")?;
    // 1,000 concurrent sign-ups for 10 places, on SQLite, PostgreSQL and two instances on one
    // PostgreSQL, five runs each (issues 6 and 23).
    run_example("bench_signups")?;
    // A 2 GiB video through tus against cp of the same file (issue 8).
    run_example("bench_upload")?;
    // 300 MB over an emulated 2 Mbit/s link that drops every 30 s: bytes sent / size (issue 19).
    run_example("bench_upload_link")?;
    // Client code each kind of page downloads on a first visit, as served (issue 21). Last:
    // it fails until pages ship only the code they need.
    client::build(&toolchain::ensure(false)?)?;
    run_example("bench_client_bytes")
}

fn run_example(name: &str) -> Result<()> {
    sh::run(
        sh::cargo()
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "server",
                "--example",
                name,
            ])
            .current_dir(sh::root()),
    )
}

/// nginx (the baseline) and wrk (the load), from Debian's packages when we can install them.
fn ensure_load_tools() -> Result<()> {
    let missing: Vec<&str> = ["nginx", "wrk"]
        .into_iter()
        .filter(|p| output(Command::new("sh").args(["-c", &format!("command -v {p}")])).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    sh::apt_install(&missing, "the feed benchmark")
}
