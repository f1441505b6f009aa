//! `cargo xtask bench`: the benchmarks, built in release mode and run the same way every
//! time. Each prints its figures and the ratio against its named baseline; BENCHMARKS.md
//! records the results.

use std::process::Command;

use crate::sh::{self, Result, output};
use crate::{client, toolchain};

/// Runs every benchmark, or only the group named (`server` or `client`).
pub fn bench(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None => {
            server_benches()?;
            client_benches()
        }
        Some("server") => server_benches(),
        Some("client") => client_benches(),
        Some(other) => Err(format!("no benchmark group {other:?} (server, client)")),
    }
}

fn server_benches() -> Result<()> {
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
    run_example("bench_upload_link")
}

/// What a phone pays for the client (issue 21): the code each kind of page downloads on a
/// first visit, as served, and the time until its controls work on an emulated slow phone
/// (Playwright driving Chromium, as the browser tests do).
fn client_benches() -> Result<()> {
    client::build(&toolchain::ensure(true)?)?;
    run_example("bench_client_bytes")?;
    sh::run(
        std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(sh::root().join("e2e")),
    )?;
    run_example("bench_slow_phone")
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
