//! What the upload benchmarks share: the server process they start, the contest entry they
//! upload for, and a video file that never repeats a block.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use server::app::App;
use server::config::{Config, LogFormat};
use server::services;
use shared::dto::contests::{CategoryInput, ContestInput, CriterionInput, EntryInput};
use shared::dto::programs::ProgramInput;
use shared::words::{ProgramKind, ProgramStatus, VideoFormat};

pub fn config(database: &Path, files: &Path, bind: &str) -> Config {
    let vars = HashMap::from([
        (
            "DATABASE_URL".to_owned(),
            format!("sqlite://{}?mode=rwc", database.display()),
        ),
        ("SIAR_BIND".to_owned(), bind.to_owned()),
        ("SIAR_STORAGE".to_owned(), files.display().to_string()),
        ("SIAR_JOBS_INTERVAL_MS".to_owned(), "0".to_owned()),
    ]);
    Config::from_vars(&vars).expect("config")
}

/// The server process: `siar serve`'s code, on the prepared database.
#[tokio::main]
pub async fn serve(database: &str, files: &str, bind: &str) {
    server::telemetry::init(LogFormat::Pretty);
    let app = App::build(config(Path::new(database), Path::new(files), bind))
        .await
        .expect("app");
    app.serve(std::future::pending()).await.expect("serve");
}

/// `bytes` (a multiple of 8 MiB, or more) that start like an MP4 and never repeat a block (nothing compresses or dedupes).
pub fn write_video(path: &Path, bytes: u64) {
    let mut file = std::io::BufWriter::with_capacity(8 << 20, std::fs::File::create(path).unwrap());
    let mut block = vec![0u8; 8 << 20];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut written = 0;
    while written < bytes {
        for word in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        if written == 0 {
            block[..32].copy_from_slice(b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41");
        }
        file.write_all(&block).unwrap();
        written += block.len() as u64;
    }
    file.flush().unwrap();
}

pub fn sync() {
    let _ = Command::new("sync").status();
}

/// The program, contest and entry the upload belongs to; returns the entry's token.
pub fn seed(database: &Path, files: &Path) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = config(database, files, "127.0.0.1:0");
        let db = server::db::connect(&config).await.unwrap();
        server::db::migrate(&db).await.unwrap();
        let now = chrono::Utc::now();
        let program = services::programs::create_program(
            &db,
            ProgramInput {
                name: "Lomba Bercerita".into(),
                slug: "lomba-bercerita".into(),
                kind: ProgramKind::Contest,
                description: String::new(),
                cover_image_url: None,
                tz: "Asia/Makassar".into(),
                default_duration_minutes: 60,
                stream_url: None,
                platform: None,
                place: None,
                status: ProgramStatus::Published,
            },
            now,
        )
        .await
        .unwrap();
        let local_now = (now + chrono::Duration::hours(8)).naive_utc();
        services::contests::create(
            &db,
            &ContestInput {
                program_id: program.id,
                rules: String::new(),
                opens_at: local_now - chrono::Duration::hours(1),
                closes_at: local_now + chrono::Duration::hours(6),
                age_reference_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
                max_video_mib: 2048,
                max_video_minutes: 10,
                formats: vec![VideoFormat::Mp4],
                entries_per_person: 1,
                categories: vec![CategoryInput {
                    id: None,
                    name: "7–12".into(),
                    min_age: 7,
                    max_age: 12,
                }],
                criteria: vec![CriterionInput {
                    id: None,
                    name: "Ekspresi".into(),
                    weight: 1,
                }],
            },
            now,
        )
        .await
        .unwrap();
        let receipt = services::contests::register(
            &db,
            "lomba-bercerita",
            &EntryInput {
                entrant_name: "Andi".into(),
                birth_date: chrono::NaiveDate::from_ymd_opt(2017, 5, 1),
                school: "SD 1".into(),
                city: "Makassar".into(),
                contact_email: "andi@example.id".into(),
                guardian_name: Some("Ibu Andi".into()),
                consent_rules: true,
                title: "Dongeng".into(),
                ..EntryInput::default()
            },
            "127.0.0.1",
            now,
            // The server started on this database later uses the same generated key.
            &server::token_vault::TokenVault::load(&db, config.secret.as_deref())
                .await
                .unwrap(),
            "http://localhost",
        )
        .await
        .unwrap();
        receipt.access_token
    })
}

pub async fn wait_until_up(base: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

pub fn stop(server: &mut Child) {
    let _ = server.kill();
    let _ = server.wait();
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// This benchmark program started again as the server (`serve`) on the prepared database, on
/// a free port; returns the process and its base URL once it answers.
pub fn start_server(database: &Path, files: &Path) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let server = Command::new(std::env::current_exe().unwrap())
        .args([
            "serve",
            &database.display().to_string(),
            &files.display().to_string(),
            &bind,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{bind}");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(wait_until_up(&base));
    (server, base)
}
