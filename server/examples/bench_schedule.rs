//! Benchmark: the public schedule page for one month and the session listing API, with at
//! least 100,000 sessions in the database. Target (issue 4): p95 < 50 ms on the CI machine
//! (2 cores). Prints p50/p95/p99 and the ratio of p95 to the 50 ms baseline.
//!
//! Run with `cargo xtask bench` (release build, SQLite in a temp dir; set
//! `BENCH_DATABASE_URL` to a PostgreSQL URL to measure that instead). The data: 200
//! programs with a weekly series each since January 2016, 20 of them published, so the
//! table is large, most of it history or hidden, and a public month holds ~90 sessions, as a
//! library with a long archive would have.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::app::App;
use server::config::Config;
use server::db::entities::sessions;
use server::services;
use shared::dto::programs::{DEFAULT_TZ, ProgramInput};
use shared::dto::schedule::SeriesInput;
use shared::recurrence::{RecurrenceRule, Weekday};
use shared::words::{ProgramKind, ProgramStatus};

const PROGRAMS: usize = 200;
const PUBLISHED: usize = 20;
const REQUESTS: usize = 400;
const WARM_UP: usize = 30;
const TARGET_MS: f64 = 50.0;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let mut vars = HashMap::from([
        ("SIAR_BIND".to_owned(), "127.0.0.1:0".to_owned()),
        ("DATABASE_URL".to_owned(), database_url.clone()),
        (
            "SIAR_STORAGE".to_owned(),
            dir.path().join("files").display().to_string(),
        ),
        (
            "SIAR_SITE_ROOT".to_owned(),
            dir.path().join("site").display().to_string(),
        ),
        ("RUST_LOG".to_owned(), "warn".to_owned()),
    ]);
    let schema = format!("siar_bench_{}", uuid::Uuid::new_v4().simple());
    let postgres = database_url.starts_with("postgres");
    if postgres {
        vars.insert("SIAR_DATABASE_SCHEMA".into(), schema.clone());
    }
    let config = Config::from_vars(&vars).expect("config");
    let app = App::build(config).await.expect("app");
    let addr = app.local_addr().expect("address");
    let db = app.state().db.clone();
    tokio::spawn(app.serve(std::future::pending()));

    let seeding = Instant::now();
    seed(&db).await;
    let total = sessions::Entity::find().count(&db).await.expect("count");
    println!(
        "seeded {total} sessions in {:.1} s ({})",
        seeding.elapsed().as_secs_f64(),
        if database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    assert!(
        total >= 100_000,
        "the benchmark needs at least 100,000 sessions"
    );

    let month = next_month(Utc::now().date_naive());
    let base = format!("http://{addr}");
    let end = next_month(month);
    let targets = [
        (
            "schedule page, one month",
            format!("{base}/schedule?month={}", month.format("%Y-%m")),
        ),
        (
            "GET /api/v1/sessions, one month",
            format!(
                "{base}/api/v1/sessions?from={month}T00:00:00Z&to={end}T00:00:00Z&per_page=100"
            ),
        ),
    ];
    let client = reqwest::Client::new();
    // What one response holds, so the figures below are for real pages.
    let html = client
        .get(&targets[0].1)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let listed = html.matches("data-session-id=").count();
    let api: serde_json::Value = client
        .get(&targets[1].1)
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    println!(
        "the month page lists {listed} sessions ({} bytes); the API page holds {} of {}",
        html.len(),
        api["items"].as_array().map_or(0, Vec::len),
        api["total"]
    );
    assert!(listed >= 50, "a month of 20 weekly programs");
    println!(
        "{REQUESTS} sequential requests each after {WARM_UP} to warm up; baseline: p95 target {TARGET_MS} ms"
    );
    for (name, url) in targets {
        let mut times = Vec::with_capacity(REQUESTS);
        for i in 0..WARM_UP + REQUESTS {
            let started = Instant::now();
            let response = client.get(&url).send().await.expect("request");
            assert!(
                response.status().is_success(),
                "{url}: {}",
                response.status()
            );
            let body = response.bytes().await.expect("body");
            assert!(
                body.len() > 1000,
                "{url}: a month of sessions, not an empty page"
            );
            if i >= WARM_UP {
                times.push(started.elapsed());
            }
        }
        times.sort_unstable();
        let p = |q: f64| ms(times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)]);
        let p95 = p(0.95);
        println!(
            "{name}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; p95 / target = {:.2} ({})",
            p(0.50),
            p95,
            p(0.99),
            p95 / TARGET_MS,
            if p95 < TARGET_MS { "met" } else { "NOT met" }
        );
    }
    if postgres {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .expect("drop the benchmark schema");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn next_month(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).expect("first of month");
    (first + chrono::Duration::days(32))
        .with_day(1)
        .expect("first of next month")
}

async fn seed(db: &sea_orm::DatabaseConnection) {
    let now = Utc::now();
    let since = NaiveDate::from_ymd_opt(2016, 1, 2).expect("date");
    for i in 0..PROGRAMS {
        let program = services::programs::create_program(
            db,
            ProgramInput {
                name: format!("Program {i:03}"),
                slug: format!("program-{i:03}"),
                kind: ProgramKind::ALL[i % ProgramKind::ALL.len()],
                description: "Program arsip untuk uji beban.".into(),
                cover_image_url: None,
                tz: DEFAULT_TZ.into(),
                default_duration_minutes: 60,
                stream_url: None,
                platform: Some("YouTube".into()),
                place: None,
                status: if i < PUBLISHED {
                    ProgramStatus::Published
                } else {
                    ProgramStatus::Archived
                },
            },
            now,
        )
        .await
        .expect("program");
        let day = Weekday::ALL[i % 7];
        services::series::create_series(
            db,
            SeriesInput {
                program_id: program.id,
                start_local: (since + chrono::Duration::days((i % 7) as i64))
                    .and_hms_opt(8 + (i % 10) as u32, 0, 0)
                    .expect("time"),
                duration_minutes: 60,
                rule: RecurrenceRule::weekly(&[day]),
                title: None,
                host: Some(format!("Pemandu {}", i % 17)),
            },
            now,
        )
        .await
        .expect("series");
    }
}
