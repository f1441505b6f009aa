//! `cargo xtask bench`: the benchmarks, built in release mode and run the same way every
//! time. Each prints its figures and the ratio against its named baseline; BENCHMARKS.md
//! records the results.

use crate::sh::{self, Result};

/// Runs every benchmark.
pub fn bench() -> Result<()> {
    // The schedule page and session listing with 100,000+ sessions (issue 4).
    sh::run(
        sh::cargo()
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "server",
                "--example",
                "bench_schedule",
            ])
            .current_dir(sh::root()),
    )
}
