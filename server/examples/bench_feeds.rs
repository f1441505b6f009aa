//! Benchmark: `/calendar/all.ics` with 500 sessions over a year, served by Siar and by nginx
//! serving the same bytes as a static file, each loaded by `wrk -t2 -c64 -d10s` on loopback
//! in one run, for fresh requests (200) and revalidations (If-None-Match → 304).
//! Targets (issue 5): Siar ≥ 0.5× nginx's requests per second on 200s and ≥ 0.8× on 304s.
//!
//! Run with `cargo xtask bench` (release build; needs `nginx` and `wrk`, which xtask installs
//! on Debian). Siar runs in this process with the server's own logging set-up and SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{Datelike, Duration as Days, Utc, Weekday as ChronoWeekday};
use server::app::App;
use server::config::{Config, LogFormat};
use server::services;
use shared::dto::programs::{DEFAULT_TZ, ProgramInput};
use shared::dto::schedule::{CancelRequest, SeriesInput, SessionEdit};
use shared::recurrence::{RecurrenceRule, RuleEnd, Weekday};
use shared::words::{EditScope, ProgramKind, ProgramStatus};

const PROGRAMS: usize = 10;
const WEEKS: u32 = 50;
const CONNECTIONS: &str = "64";
const SECONDS: &str = "10s";

#[tokio::main]
async fn main() {
    server::telemetry::init(LogFormat::Pretty);
    let dir = tempfile::tempdir().expect("temp dir");
    let vars = HashMap::from([
        (
            "DATABASE_URL".to_owned(),
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("bench.db").display()
            ),
        ),
        ("SIAR_BIND".to_owned(), "127.0.0.1:0".to_owned()),
        (
            "SIAR_STORAGE".to_owned(),
            dir.path().join("files").display().to_string(),
        ),
    ]);
    let app = App::build(Config::from_vars(&vars).expect("config"))
        .await
        .expect("app");
    let siar = app.local_addr().expect("address");
    let sessions = seed(&app.state().db).await;
    tokio::spawn(app.serve(std::future::pending()));

    // The bytes Siar serves become nginx's static file.
    let feed_url = format!("http://{siar}/calendar/all.ics");
    let client = reqwest::Client::new();
    let response = client.get(&feed_url).send().await.expect("feed");
    let siar_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = response.bytes().await.expect("feed bytes");
    let www = dir.path().join("www/calendar");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("all.ics"), &bytes).unwrap();
    let (mut nginx, nginx_addr) = start_nginx(dir.path());
    let nginx_url = format!("http://{nginx_addr}/calendar/all.ics");
    let nginx_etag = wait_for_etag(&client, &nginx_url).await;
    for (url, etag) in [(&feed_url, &siar_etag), (&nginx_url, &nginx_etag)] {
        let status = client
            .get(url.as_str())
            .header("if-none-match", etag.as_str())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 304, "{url} revalidates");
    }
    println!(
        "all.ics: {sessions} sessions over a year, {} bytes; wrk -t2 -c{CONNECTIONS} -d{SECONDS}",
        bytes.len()
    );

    // Interleaved, so both servers see the same machine state.
    let nginx_200 = wrk(&nginx_url, None);
    let siar_200 = wrk(&feed_url, None);
    let nginx_304 = wrk(&nginx_url, Some(&nginx_etag));
    let siar_304 = wrk(&feed_url, Some(&siar_etag));
    let _ = nginx.kill();
    let _ = nginx.wait();

    let ratio_200 = siar_200 / nginx_200;
    let ratio_304 = siar_304 / nginx_304;
    println!("| response | nginx req/s | Siar req/s | Siar / nginx | target |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| 200 (full feed) | {nginx_200:.0} | {siar_200:.0} | {ratio_200:.2} | ≥ 0.5 {} |",
        verdict(ratio_200 >= 0.5)
    );
    println!(
        "| 304 (If-None-Match) | {nginx_304:.0} | {siar_304:.0} | {ratio_304:.2} | ≥ 0.8 {} |",
        verdict(ratio_304 >= 0.8)
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}

/// Ten published weekly programs with 50 sessions each, one in ten cancelled or moved.
async fn seed(db: &sea_orm::DatabaseConnection) -> usize {
    let now = Utc::now();
    let mut start = now.date_naive() + Days::days(1);
    while start.weekday() != ChronoWeekday::Mon {
        start += Days::days(1);
    }
    let days = [
        Weekday::Mo,
        Weekday::Tu,
        Weekday::We,
        Weekday::Th,
        Weekday::Fr,
    ];
    let mut total = 0;
    for i in 0..PROGRAMS {
        let program = services::programs::create_program(
            db,
            ProgramInput {
                name: format!("Program baca {i}"),
                slug: format!("program-baca-{i}"),
                kind: ProgramKind::StorytellingBroadcast,
                description: "Dongeng dan bacaan bersama relawan; siaran langsung di YouTube."
                    .into(),
                cover_image_url: None,
                tz: DEFAULT_TZ.into(),
                default_duration_minutes: 60,
                stream_url: Some("https://www.youtube.com/@dispusipmakassar".into()),
                platform: Some("YouTube".into()),
                place: None,
                status: ProgramStatus::Published,
            },
            now,
        )
        .await
        .expect("program");
        let mut rule = RecurrenceRule::weekly(&[days[i % days.len()]]);
        rule.end = RuleEnd::Count { count: WEEKS };
        let day = start + Days::days((i % days.len()) as i64);
        services::series::create_series(
            db,
            SeriesInput {
                program_id: program.id,
                start_local: day.and_hms_opt(8 + i as u32, 0, 0).unwrap(),
                duration_minutes: 60,
                rule,
                title: None,
                host: Some(format!("Kak Relawan {i}")),
            },
            now,
        )
        .await
        .expect("series");
        let filter = services::sessions::SessionFilter {
            program_id: Some(program.id),
            ..Default::default()
        };
        let page = services::sessions::list_sessions(
            db,
            &filter,
            services::programs::Audience::Staff,
            1,
            500,
        )
        .await
        .expect("sessions");
        total += page.items.len();
        for (n, session) in page.items.iter().enumerate() {
            if n % 10 == 3 {
                services::sessions::cancel_session(
                    db,
                    session.id,
                    CancelRequest {
                        reason: "Libur nasional".into(),
                    },
                    now,
                )
                .await
                .expect("cancel");
            } else if n % 10 == 7 {
                services::sessions::edit_session(
                    db,
                    session.id,
                    SessionEdit {
                        scope: EditScope::This,
                        start_local: session.start_local + Days::hours(1),
                        duration_minutes: 60,
                        title: Some("Edisi khusus".into()),
                        host: session.host.clone(),
                        reset_individual_edits: false,
                    },
                    now,
                )
                .await
                .expect("move");
            }
        }
    }
    total
}

fn start_nginx(dir: &std::path::Path) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.join("nginx.conf");
    std::fs::write(
        &config,
        format!(
            "worker_processes auto;\ndaemon off;\npid {dir}/nginx.pid;\nerror_log stderr warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 100000;\n\
             client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;\n\
             uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;\n\
             types {{ text/calendar ics; }}\n  charset utf-8;\n  charset_types text/calendar;\n\
             server {{ listen 127.0.0.1:{port}; root {dir}/www; }}\n}}\n",
            dir = dir.display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let child = Command::new("nginx")
        .args([
            "-c",
            &config.display().to_string(),
            "-p",
            &dir.display().to_string(),
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx (apt-get install nginx)");
    (child, format!("127.0.0.1:{port}"))
}

async fn wait_for_etag(client: &reqwest::Client, url: &str) -> String {
    for _ in 0..50 {
        if let Ok(response) = client.get(url).send().await
            && let Some(etag) = response.headers().get("etag")
        {
            return etag.to_str().unwrap().to_owned();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nginx did not start");
}

/// Requests per second `wrk` reached on `url`, with `If-None-Match: etag` when given.
fn wrk(url: &str, etag: Option<&str>) -> f64 {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c", CONNECTIONS, "-d", SECONDS, "--latency"]);
    if let Some(etag) = etag {
        command.args(["-H", &format!("If-None-Match: {etag}")]);
    }
    let output = command
        .arg(url)
        .output()
        .expect("wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout);
    let label = if etag.is_some() { "304" } else { "200" };
    println!("--- {label} {url}\n{text}");
    assert!(
        !text.contains("Socket errors") && !text.contains("Non-2xx"),
        "errors or unexpected statuses under load"
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("wrk's Requests/sec")
}
