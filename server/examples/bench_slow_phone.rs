//! Benchmark (issue 21): on an emulated slow phone (1.6 Mbit/s, 150 ms round trip, CPU 4×
//! slower; Chromium's own throttling, driven by Playwright) with a cold cache, the time from
//! navigation until the volunteer sign-up button, the subscribe panel's copy button and the
//! contest uploader work. Target ≤ 2.5 s each; prints the figures and their ratio. Starts
//! Siar on the demo data here and runs `e2e/bench/slow-phone.mjs` against it. Run with
//! `cargo xtask bench client`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/demo_site.rs"]
mod demo_site;

#[tokio::main]
async fn main() {
    let site = demo_site::start().await;
    let e2e = demo_site::root().join("e2e");
    let base = site.base.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg("bench/slow-phone.mjs")
            .current_dir(&e2e)
            .env("SIAR_URL", base)
            .status()
            .expect("node (installed by `cargo xtask test`)")
    })
    .await
    .unwrap();
    if !status.success() {
        std::process::exit(1);
    }
}
