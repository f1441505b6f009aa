//! Benchmark (issue 8): a 2 GiB video uploaded through tus over loopback, against `cp` of
//! the same file on the same disk in the same run. Targets: the server's peak RSS less than
//! 64 MiB above its idle RSS, and upload throughput at least 0.7 × cp's.
//!
//! The server runs as its own process (this program, started again with `serve`), so its
//! memory is measured alone: VmRSS from /proc, sampled every 5 ms. The client sends the file
//! in one PATCH with sendfile(2). SQLite and local files under `target/`, the disk `cp`
//! writes to. Run with `cargo xtask bench`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/upload.rs"]
mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;

const FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const RSS_BUDGET_MIB: f64 = 64.0;
const THROUGHPUT_TARGET: f64 = 0.7;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        support::serve(&args[2], &args[3], &args[4]);
        return;
    }
    bench();
}

fn bench() {
    let scratch = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-upload");
    std::fs::create_dir_all(&scratch).unwrap();
    let dir = tempfile::tempdir_in(&scratch).expect("scratch dir");
    let source = dir.path().join("video.mp4");
    support::write_video(&source, FILE_BYTES);
    support::sync();

    // Baseline: cp of the same file onto the same disk, until the copy is on disk (the server
    // flushes each piece before it answers, so both times end with the data durable).
    let copy = dir.path().join("copy.mp4");
    let started = Instant::now();
    let status = Command::new("cp").arg(&source).arg(&copy).status().unwrap();
    assert!(status.success());
    let cp_cached_secs = started.elapsed().as_secs_f64();
    let status = Command::new("sync").arg(&copy).status().unwrap();
    assert!(status.success());
    let cp_secs = started.elapsed().as_secs_f64();
    std::fs::remove_file(&copy).unwrap();
    support::sync();

    let database = dir.path().join("bench.db");
    let files = dir.path().join("files");
    let token = support::seed(&database, &files);
    let (mut server, base) = support::start_server(&database, &files);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let idle = rss_kib(server.id());

    let peak = Arc::new(AtomicU64::new(idle));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done, pid) = (peak.clone(), done.clone(), server.id());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let started = Instant::now();
    let stored = runtime.block_on(upload(&base, &token, &source));
    let upload_secs = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    support::stop(&mut server);
    assert_eq!(stored, FILE_BYTES, "the server stored every byte");
    let on_disk: u64 = support::walk(&files)
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .sum();
    assert_eq!(
        on_disk, FILE_BYTES,
        "the segments on disk hold the whole file"
    );

    let mib = FILE_BYTES as f64 / (1024.0 * 1024.0);
    let cp_rate = mib / cp_secs;
    let upload_rate = mib / upload_secs;
    let ratio = upload_rate / cp_rate;
    let peak_kib = peak.load(Ordering::Relaxed);
    let above_idle = (peak_kib.saturating_sub(idle)) as f64 / 1024.0;
    println!(
        "bench_upload: 2 GiB through tus (one PATCH sent with sendfile), server on SQLite + local files"
    );
    println!("  cp + sync (baseline): {cp_secs:>7.2} s  {cp_rate:>8.1} MiB/s");
    println!(
        "  (cp alone, before its data reached the disk: {cp_cached_secs:.2} s, {:.1} MiB/s; upload/cp-alone {:.2})",
        mib / cp_cached_secs,
        (mib / upload_secs) / (mib / cp_cached_secs)
    );
    println!("  tus upload:           {upload_secs:>7.2} s  {upload_rate:>8.1} MiB/s");
    println!(
        "  throughput ratio upload/(cp + sync): {ratio:.2} (target ≥ {THROUGHPUT_TARGET}) {}",
        verdict(ratio >= THROUGHPUT_TARGET)
    );
    println!(
        "  server RSS: idle {:.1} MiB, peak {:.1} MiB, {above_idle:.1} MiB above idle (target < {RSS_BUDGET_MIB}) {}",
        idle as f64 / 1024.0,
        peak_kib as f64 / 1024.0,
        verdict(above_idle < RSS_BUDGET_MIB)
    );
    println!(
        "  ratio of RSS growth to its budget: {:.2}",
        above_idle / RSS_BUDGET_MIB
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// Uploads the file by tus; returns the server's final offset.
async fn upload(base: &str, token: &str, source: &Path) -> u64 {
    let client = reqwest::Client::new();
    let metadata = format!(
        "entry {},filename {}",
        base64::engine::general_purpose::STANDARD.encode(token),
        base64::engine::general_purpose::STANDARD.encode("video.mp4")
    );
    let created = client
        .post(format!("{base}/uploads/tus/"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", FILE_BYTES.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = format!("{base}{}", created.headers()["location"].to_str().unwrap());
    // One PATCH, its body sent with sendfile(2) straight from the page cache: a client that
    // takes as little of the shared 2 cores as possible, so the server is what is measured.
    let host = base.trim_start_matches("http://").to_owned();
    let path = location.trim_start_matches(base).to_owned();
    let source = source.to_path_buf();
    let answer = tokio::task::spawn_blocking(move || patch_with_sendfile(&host, &path, &source))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    let head = client
        .head(&location)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Sends the whole file as one tus PATCH at offset 0; returns the response head.
fn patch_with_sendfile(host: &str, path: &str, source: &Path) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "PATCH {path} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: {FILE_BYTES}\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let file = std::fs::File::open(source).unwrap();
    let mut offset = 0u64;
    while offset < FILE_BYTES {
        let left = (FILE_BYTES - offset).min(1 << 30) as usize;
        let sent = rustix::fs::sendfile(&stream, &file, Some(&mut offset), left).unwrap();
        assert!(sent > 0, "sendfile stopped at {offset}");
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}
