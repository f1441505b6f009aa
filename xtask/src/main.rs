//! Project tooling, so that a fresh machine needs only `cargo`:
//!
//! - `cargo xtask run`: installs what is missing, builds the wasm client and the server, and
//!   starts `siar serve --demo` (SQLite under ./data, demo logins printed).
//! - `cargo xtask test`: installs what is missing and runs every check CI runs: formatting,
//!   clippy, the tests on SQLite and on PostgreSQL, the wasm build, and the browser tests.
//! - `cargo xtask bench [server|client]`: the benchmarks, in release mode (results go in
//!   BENCHMARKS.md).
//!
//! Plain std only, so the tool itself compiles in seconds.

mod bench;
mod client;
mod feedcheck;
mod run;
mod sh;
mod test;
mod toolchain;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("build-client") => toolchain::ensure(false).and_then(|tools| client::build(&tools)),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 run            install what is missing, build, and start Siar with demo data\n  \
                 test           install what is missing and run every check CI runs\n  \
                 \x20              (--skip-e2e / --only-e2e to narrow it while iterating)\n  \
                 bench          run the benchmarks (release build) and print their ratios\n  \
                 \x20              (`server` or `client` to run one group)\n  \
                 build-client   build the wasm client into target/site"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}
