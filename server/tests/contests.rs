//! The storytelling contest on the real server: the submission window in the program's zone,
//! age categories and consent, resumable uploads with the reference tus client (tuspy) and a
//! dropped connection, early refusals, judging with conflicts and anonymity, the ranking
//! maths, publication, and storage on local files and on an S3-compatible server (moto).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use common::{StaffClient, TestApp, problem, see_other};
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use shared::dto::auth::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TUS: &str = "/uploads/tus/";
const MIB: usize = 1024 * 1024;

fn python() -> String {
    std::env::var("SIAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Wall-clock time in Makassar now, shifted by `minutes`.
fn makassar_now(minutes: i64) -> NaiveDateTime {
    (Utc::now() + chrono::Duration::hours(8) + chrono::Duration::minutes(minutes)).naive_utc()
}

fn local(time: NaiveDateTime) -> String {
    time.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A `contest` program (published, Asia/Makassar) with its contest; returns (contest, slug).
async fn contest(
    staff: &StaffClient,
    opens_in_minutes: i64,
    closes_in_minutes: i64,
    extra: Value,
) -> (Value, String) {
    let slug = format!("lomba-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": "Lomba Bercerita", "slug": slug, "kind": "contest",
                "tz": "Asia/Makassar", "default_duration_minutes": 60, "status": "published",
            }),
            201,
        )
        .await;
    let mut body = json!({
        "program_id": program["id"],
        "rules": "Video 3–7 menit, satu cerita rakyat.",
        "opens_at": local(makassar_now(opens_in_minutes)),
        "closes_at": local(makassar_now(closes_in_minutes)),
        "age_reference_date": "2027-01-31",
        "max_video_minutes": 7,
        "formats": ["mp4", "webm", "mov"],
        "entries_per_person": 1,
        "categories": [
            {"name": "7–9 tahun", "min_age": 7, "max_age": 9},
            {"name": "10–12 tahun", "min_age": 10, "max_age": 12},
        ],
        "criteria": [
            {"name": "Ekspresi", "weight": 3},
            {"name": "Suara", "weight": 1},
        ],
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            body.insert(key.clone(), value.clone());
        }
    }
    let contest = staff
        .expect(Method::POST, "/api/v1/contests", body, 201)
        .await;
    (contest, slug)
}

fn entry(name: &str, birth: &str, email: &str) -> Value {
    json!({
        "entrant_name": name, "birth_date": birth, "school": format!("SD Inpres {name}"),
        "city": "Makassar", "contact_email": email, "guardian_name": format!("Ibu dari {name}"),
        "consent_rules": true, "consent_publication": true,
        "title": format!("Dongeng nomor {}", name.len()), "description": "Dongeng rakyat Bugis.",
    })
}

async fn register(app: &TestApp, slug: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.at(&format!("/api/v1/public/contests/{slug}/entries")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn registered(app: &TestApp, slug: &str, body: Value) -> Value {
    let response = register(app, slug, body).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{json}");
    json
}

/// Moves a contest's closing time, as if it had been set so (or that much time had passed).
async fn set_closes_at(app: &TestApp, contest_id: &str, at: chrono::DateTime<Utc>) {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    use server::db::entities::contests;
    contests::Entity::update_many()
        .col_expr(contests::Column::ClosesAt, Expr::value(at))
        .filter(contests::Column::Id.eq(uuid::Uuid::parse_str(contest_id).unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
}

/// An MP4-looking file: an `ftyp` box, then bytes that differ everywhere.
fn mp4_bytes(len: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    let mut state: u32 = 0x2545_f491;
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push((state >> 24) as u8);
    }
    bytes.truncate(len);
    bytes
}

/// Runs the tuspy client (tools/contest/tus_upload.py).
async fn tuspy(
    app: &TestApp,
    file: &std::path::Path,
    token: &str,
    chunk: usize,
    extra: &[&str],
) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tools/contest/tus_upload.py"
    );
    let mut command = Command::new(python());
    command
        .arg(script)
        .arg(app.at(TUS))
        .arg(file)
        // `--entry=…` in one piece: a token may start with `-`, which argparse would take
        // for an option of its own.
        .arg(format!("--entry={token}"))
        .args(["--chunk-size", &chunk.to_string()])
        .args(extra);
    // Off the runtime, so the server on this test's runtime keeps answering meanwhile.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("cannot run python: {e}; run `cargo xtask test`"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "tuspy printed {stdout:?}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

async fn tus_request(app: &TestApp, method: Method, path: &str) -> reqwest::RequestBuilder {
    app.new_browser()
        .request(method, app.at(path))
        .header("Tus-Resumable", "1.0.0")
}

async fn offset_of(app: &TestApp, upload_path: &str) -> Option<u64> {
    let response = tus_request(app, Method::HEAD, upload_path)
        .await
        .send()
        .await
        .unwrap();
    if response.status() == 404 {
        return None;
    }
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    assert_eq!(response.headers()["cache-control"], "no-store");
    Some(
        response.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

/// Sends a PATCH that promises `declared` bytes, sends `bytes`, and drops the connection.
async fn broken_patch(
    app: &TestApp,
    upload_path: &str,
    offset: u64,
    declared: usize,
    bytes: &[u8],
) {
    let host = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "PATCH {upload_path} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: {declared}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);
}

/// Waits until the upload's offset is `expected`.
async fn wait_for_offset(app: &TestApp, upload_path: &str, expected: u64) {
    for _ in 0..100 {
        if offset_of(app, upload_path).await == Some(expected) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "offset stayed {:?}, expected {expected}",
        offset_of(app, upload_path).await
    );
}

/// Creates an upload of `length` bytes with a raw tus request; returns its path.
async fn create_upload(app: &TestApp, token: &str, length: usize) -> String {
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let created = tus_request(app, Method::POST, TUS)
        .await
        .header("Upload-Length", length.to_string())
        .header(
            "Upload-Metadata",
            format!("entry {},filename {}", b64(token), b64("cerita.mp4")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    created.headers()["location"].to_str().unwrap().to_owned()
}

/// Creates an upload with raw tus requests and sends `bytes` in one PATCH.
async fn upload_whole(app: &TestApp, token: &str, bytes: &[u8]) -> String {
    let location = create_upload(app, token, bytes.len()).await;
    let patched = tus_request(app, Method::PATCH, &location)
        .await
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204, "{}", patched.text().await.unwrap());
    location
}

async fn bytes_of(
    client: &reqwest::Client,
    url: &str,
    range: Option<&str>,
) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    let mut request = client.get(url);
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.bytes().await.unwrap().to_vec(), headers)
}

/// An MP4 whose header says it runs `seconds`: `ftyp`, the media data, then `moov` with its
/// `mvhd` (time scale 600), as a phone writes a file it recorded.
fn mp4_running(seconds: u32) -> Vec<u8> {
    let sized = |kind: &[u8; 4], body: &[u8]| {
        [&((body.len() + 8) as u32).to_be_bytes()[..], kind, body].concat()
    };
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&600u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&(600 * seconds).to_be_bytes());
    [
        mp4_bytes(32),
        sized(b"mdat", &mp4_bytes(200_000)),
        sized(b"moov", &sized(b"mvhd", &mvhd)),
    ]
    .concat()
}

/// A WebM whose segment `Info` says it runs `seconds` (time scale 1 ms), then media data.
fn webm_running(seconds: f64) -> Vec<u8> {
    let element = |id: &[u8], body: &[u8]| [id, &[0x80 | body.len() as u8], body].concat();
    let header = element(&[0x1A, 0x45, 0xDF, 0xA3], &element(&[0x42, 0x82], b"webm"));
    let info = element(
        &[0x15, 0x49, 0xA9, 0x66],
        &[
            element(&[0x2A, 0xD7, 0xB1], &1_000_000u32.to_be_bytes()),
            element(&[0x44, 0x89], &(seconds * 1000.0).to_be_bytes()),
        ]
        .concat(),
    );
    let segment = [
        0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
    [
        header,
        segment.to_vec(),
        info,
        vec![0x1F, 0x43, 0xB6, 0x75],
        mp4_bytes(100_000),
    ]
    .concat()
}

#[tokio::test]
async fn a_video_longer_than_the_limit_is_refused_and_the_entry_kept() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    // Seven minutes at most (the contest helper's limit).
    let (_, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();
    let entry_state = || async {
        app.get(&format!("/api/v1/contest-entries/{token}"))
            .await
            .json::<Value>()
            .await
            .unwrap()
    };

    for (bytes, said) in [
        (mp4_running(8 * 60 + 12), "8 menit 12 detik"),
        (webm_running(9.0 * 60.0 + 0.5), "9 menit 0 detik"),
    ] {
        let location = create_upload(&app, token, bytes.len()).await;
        let patched = tus_request(&app, Method::PATCH, &location)
            .await
            .header("Upload-Offset", "0")
            .header("Content-Type", "application/offset+octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let refused = problem(patched, 422).await;
        let message = refused["errors"]["file"][0].as_str().unwrap_or_default();
        assert!(
            message.contains(said) && message.contains("maksimal 7 menit"),
            "{refused}"
        );
        // The upload is gone; the entry stays, still waiting for its video.
        assert_eq!(offset_of(&app, &location).await, None);
        assert!(entry_state().await["video"].is_null());
    }

    // Exactly at the limit: kept.
    upload_whole(&app, token, &mp4_running(7 * 60)).await;
    assert!(entry_state().await["video"].is_object());
    upload_whole(&app, token, &webm_running(6.0 * 60.0)).await;
    assert_eq!(entry_state().await["video"]["format"], "webm");
}

#[tokio::test]
async fn the_window_is_enforced_in_the_programs_zone() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;

    // Open from an hour ago to an hour ahead, Makassar time: read as UTC it would open in
    // seven hours, and this entry would be refused.
    let (_, open) = contest(&staff, -60, 60, json!({})).await;
    registered(&app, &open, entry("Andi", "2018-03-01", "a@example.id")).await;

    let (_, upcoming) = contest(&staff, 30, 600, json!({})).await;
    let refused = register(&app, &upcoming, entry("Budi", "2018-03-01", "b@example.id")).await;
    let body = problem(refused, 409).await;
    assert_eq!(body["type"], "/problems/contest-not-open");

    let (_, closed) = contest(&staff, -600, -1, json!({})).await;
    let refused = register(&app, &closed, entry("Cici", "2018-03-01", "c@example.id")).await;
    assert_eq!(
        problem(refused, 409).await["type"],
        "/problems/contest-closed"
    );

    let view: Value = app
        .get(&format!("/api/v1/public/contests/{open}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["window"], "open");
    assert_eq!(view["time_zone"], "Asia/Makassar");
}

/// The plain entry form, refused for a minor without a guardian: the child's details come
/// back in the form, carried in the session, never in the URL.
#[tokio::test]
async fn a_refused_entry_form_keeps_the_childs_details_out_of_the_url() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, slug) = contest(&staff, -60, 600, json!({})).await;
    let browser = app.new_browser();
    let csrf = app.csrf_token_from_page(&browser).await;
    let refused = browser
        .post(app.at(&format!("/contests/{slug}/entries")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("entrant_name", "Andi Kecil"),
            ("birth_date", "2017-06-01"),
            ("school", "SD Inpres Tamalanrea"),
            ("city", "Makassar"),
            ("contact_email", "ortu.andi@example.id"),
            ("title", "La Dana dan Kerbaunya"),
            ("description", "Dongeng rakyat Bugis."),
        ])
        .send()
        .await
        .unwrap();
    let location = see_other(&refused);
    assert!(
        location.starts_with(&format!("/contests/{slug}?errors=")),
        "{location}"
    );
    for private in ["Andi", "2017", "ortu.andi", "Tamalanrea"] {
        assert!(!location.contains(private), "{private} in {location}");
    }
    let html = app.html(&browser, &location).await;
    assert!(html.contains("value=\"Andi Kecil\""), "the name is back");
    assert!(
        html.contains("value=\"2017-06-01\""),
        "the birth date is back"
    );
    assert!(
        html.contains("id=\"entry-guardian_name-error\""),
        "the guardian is asked for"
    );
    let again = app.html(&browser, &location).await;
    assert!(!again.contains("Andi Kecil"), "shown once");
}

#[tokio::test]
async fn ages_decide_the_category_and_minors_need_a_guardian() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (contest, slug) = contest(&staff, -60, 600, json!({})).await;

    // Ages on the reference day, 2027-01-31: 9 the day before the tenth birthday, then 10.
    registered(
        &app,
        &slug,
        entry("Sembilan", "2017-02-01", "nine@example.id"),
    )
    .await;
    registered(
        &app,
        &slug,
        entry("Sepuluh", "2017-01-31", "ten@example.id"),
    )
    .await;

    let mut minor = entry("Tanpa Wali", "2017-06-01", "wali@example.id");
    minor["guardian_name"] = Value::Null;
    minor["consent_rules"] = json!(false);
    let body = problem(register(&app, &slug, minor).await, 422).await;
    assert!(body["errors"]["guardian_name"].is_array(), "{body}");
    assert!(body["errors"]["consent_rules"].is_array(), "{body}");

    let too_young = entry("Kecil", "2022-01-01", "kecil@example.id");
    let body = problem(register(&app, &slug, too_young).await, 422).await;
    let message = body["errors"]["birth_date"][0].as_str().unwrap();
    assert!(message.contains("7–12"), "{message}");

    // The limit is one entry per contact address.
    let second = entry("Adik", "2018-05-05", "nine@example.id");
    let body = problem(register(&app, &slug, second).await, 409).await;
    assert_eq!(body["type"], "/problems/entry-limit-reached");

    let entries = staff
        .get_json(&format!(
            "/api/v1/contests/{}/entries",
            contest["id"].as_str().unwrap()
        ))
        .await;
    let by_name = |name: &str| {
        entries
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["entrant_name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_name("Sembilan")["category"], "7–9 tahun");
    assert_eq!(by_name("Sembilan")["age"], 9);
    assert_eq!(by_name("Sepuluh")["category"], "10–12 tahun");
    assert_eq!(by_name("Sepuluh")["guardian_name"], "Ibu dari Sepuluh");
    assert!(by_name("Sepuluh")["rules_consent_at"].is_string());
    assert!(by_name("Sepuluh")["publication_consent_at"].is_string());
    assert_eq!(by_name("Sepuluh")["state"], "registered");
}

#[tokio::test]
async fn a_video_arrives_in_pieces_survives_a_break_and_resumes_with_tuspy() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (contest, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dongeng.mp4");
    let video = mp4_bytes(3 * MIB + 123);
    std::fs::write(&file, &video).unwrap();

    // Two chunks of 1 MiB with the reference client, then the connection drops in the third.
    let first = tuspy(&app, &file, token, MIB, &["--chunks", "2"]).await;
    assert_eq!(first["offset"], 2 * MIB, "{first}");
    let url = first["url"].as_str().unwrap().to_owned();
    let path = url.trim_start_matches(&app.url).to_owned();
    let status: Value = app
        .get(&format!("/api/v1/contest-entries/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["upload"]["received"], 2 * MIB);

    let sent = 300_000;
    broken_patch(
        &app,
        &path,
        2 * MIB as u64,
        MIB,
        &video[2 * MIB..2 * MIB + sent],
    )
    .await;
    // The bytes that arrived before the break are kept.
    wait_for_offset(&app, &path, (2 * MIB + sent) as u64).await;

    // The client resumes from the server's offset and finishes.
    let resumed = tuspy(&app, &file, token, MIB, &["--url", &url]).await;
    assert_eq!(resumed["offset"], video.len(), "{resumed}");

    let status: Value = app
        .get(&format!("/api/v1/contest-entries/{token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "received");
    assert_eq!(status["video"]["format"], "mp4");
    assert_eq!(status["video"]["size_bytes"], video.len());
    assert!(status["upload"].is_null());

    // Staff play it back: whole, and ranges across the pieces (seeking).
    let video_url = app.at(&format!(
        "/api/v1/contests/{}/entries/{}/video",
        contest["id"].as_str().unwrap(),
        receipt["id"].as_str().unwrap()
    ));
    let (code, whole, headers) = bytes_of(&staff.client, &video_url, None).await;
    assert_eq!(code, 200);
    assert_eq!(headers["content-type"], "video/mp4");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert!(whole == video, "the stored video differs from the sent one");
    let start = 2 * MIB - 10;
    let (code, part, headers) = bytes_of(
        &staff.client,
        &video_url,
        Some(&format!("bytes={start}-{}", start + 400_000)),
    )
    .await;
    assert_eq!(code, 206);
    assert_eq!(
        headers["content-range"],
        format!("bytes {start}-{}/{}", start + 400_000, video.len()).as_str()
    );
    assert!(part == video[start..=start + 400_000]);
    let (code, _, headers) = bytes_of(&staff.client, &video_url, Some("bytes=99999999-")).await;
    assert_eq!(code, 416);
    assert_eq!(
        headers["content-range"],
        format!("bytes */{}", video.len()).as_str()
    );

    // Receipt and "video received" went to the outbox, in Indonesian.
    let mail = server::db::entities::outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = mail
        .iter()
        .filter(|m| m.recipient == "andi@example.id")
        .map(|m| m.kind.as_str())
        .collect();
    assert_eq!(kinds, ["contest_receipt", "contest_video_received"]);
    assert!(
        mail[0].subject.contains("Tanda terima"),
        "{}",
        mail[0].subject
    );
    assert!(mail[0].body.contains(&format!("/contest-entry/{token}")));
}

#[tokio::test]
async fn thirty_entrants_at_once_are_all_numbered_without_an_error() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, slug) = contest(&staff, -60, 600, json!({})).await;
    let registrations = (0..30).map(|i| {
        let body = entry(
            &format!("Anak{i}"),
            "2018-03-01",
            &format!("anak{i}@example.id"),
        );
        register(&app, &slug, body)
    });
    let mut numbers = Vec::new();
    for response in futures_util::future::join_all(registrations).await {
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{} : {body}", app.backend);
        numbers.push(body["number"].as_i64().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=30).collect::<Vec<i64>>());
    // The per-person limit holds under the same race.
    let twice = (0..5).map(|_| {
        register(
            &app,
            &slug,
            entry("Kembar", "2018-03-01", "kembar@example.id"),
        )
    });
    let created = futures_util::future::join_all(twice)
        .await
        .iter()
        .filter(|r| r.status() == 201)
        .count();
    assert_eq!(created, 1);
}

#[tokio::test]
async fn a_retried_patch_at_the_same_offset_never_deletes_the_committed_video() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (contest, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();
    let video = mp4_bytes(2 * MIB + 77);
    let path = create_upload(&app, token, video.len()).await;

    // The phone's first PATCH stalls halfway on a flaky link…
    let host = app.url.trim_start_matches("http://");
    let mut stalled = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        video.len()
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&video[..MIB]).await.unwrap();
    stalled.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // …so its client retries at the same offset, and the retry brings the whole video.
    let retried = tus_request(&app, Method::PATCH, &path)
        .await
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(video.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 204, "{}", retried.text().await.unwrap());

    // Then the first one gets its bytes through after all: too late, it is refused…
    stalled.write_all(&video[MIB..]).await.unwrap();
    stalled.flush().await.unwrap();
    let mut answer = String::new();
    stalled.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 409"), "{answer}");

    // …and what it leaves behind is its own: the committed video is whole.
    let video_url = app.at(&format!(
        "/api/v1/contests/{}/entries/{}/video",
        contest["id"].as_str().unwrap(),
        receipt["id"].as_str().unwrap()
    ));
    let (code, stored, _) = bytes_of(&staff.client, &video_url, None).await;
    assert_eq!(code, 200);
    assert_eq!(stored.len(), video.len());
    assert!(stored == video, "the stored bytes differ from the video");
}

/// A piece lost from storage before the last one arrives: the video is not called received,
/// and the offset goes back to the lost piece, so the client sends it again and then it is.
#[tokio::test]
async fn a_piece_lost_from_storage_is_asked_for_again_before_the_video_counts() {
    use sea_orm::{ColumnTrait, QueryFilter};
    use server::db::entities::{contest_entries, upload_segments};
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();
    let video = mp4_bytes(2 * MIB);
    let path = create_upload(&app, token, video.len()).await;
    let patch = |offset: usize, bytes: Vec<u8>| {
        let (app, path) = (&app, path.clone());
        async move {
            tus_request(app, Method::PATCH, &path)
                .await
                .header("Upload-Offset", offset.to_string())
                .header("Content-Type", "application/offset+octet-stream")
                .body(bytes)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(patch(0, video[..MIB].to_vec()).await, 204);

    // The first piece's object goes missing (a storage fault, a wrong clean-up).
    let upload_id: uuid::Uuid = path.rsplit('/').next().unwrap().parse().unwrap();
    let pieces = upload_segments::Entity::find()
        .filter(upload_segments::Column::UploadId.eq(upload_id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(pieces.len(), 1);
    let storage_dir = std::path::Path::new(&app.vars["SIAR_STORAGE"]);
    std::fs::remove_file(storage_dir.join(&pieces[0].storage_key)).unwrap();

    let has_video = || async {
        contest_entries::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .any(|e| e.video_upload_id == Some(upload_id))
    };
    assert_eq!(
        patch(MIB, video[MIB..].to_vec()).await,
        409,
        "the last piece cannot finish it"
    );
    assert_eq!(
        offset_of(&app, &path).await,
        Some(0),
        "back to the lost piece"
    );
    assert!(!has_video().await, "not called received");

    assert_eq!(patch(0, video.clone()).await, 204);
    assert!(has_video().await, "received once whole");
}

#[tokio::test]
async fn wrong_types_and_sizes_are_refused_early() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, slug) = contest(
        &staff,
        -60,
        600,
        json!({"max_video_mib": 1, "formats": ["mp4", "webm"]}),
    )
    .await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };

    // Over the limit: refused at creation, from the declared length alone.
    let refused = tus_request(&app, Method::POST, TUS)
        .await
        .header("Upload-Length", (MIB + 1).to_string())
        .header("Upload-Metadata", format!("entry {}", b64(token)))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers()["tus-resumable"], "1.0.0");
    let body = problem(refused, 413).await;
    assert!(body["detail"].as_str().unwrap().contains("1 MiB"), "{body}");

    // A PDF named .mp4 is refused from its first bytes, by the real client.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("video.mp4");
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.resize(200_000, b' ');
    std::fs::write(&pdf, &bytes).unwrap();
    let answer = tuspy(&app, &pdf, token, 64 * 1024, &[]).await;
    assert_eq!(answer["status"], 422, "{answer}");
    assert!(answer["body"].as_str().unwrap().contains("MP4"), "{answer}");

    // A PATCH promising more than the upload's length is refused before its body is read:
    // the answer comes although no byte of the body is ever sent.
    let created = tus_request(&app, Method::POST, TUS)
        .await
        .header("Upload-Length", "1000")
        .header("Upload-Metadata", format!("entry {}", b64(token)))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let host = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: 10000000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]);
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");

    // Protocol errors: wrong offset, wrong body type, wrong version.
    let wrong_offset = tus_request(&app, Method::PATCH, &location)
        .await
        .header("Upload-Offset", "10")
        .header("Content-Type", "application/offset+octet-stream")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(wrong_offset, 409).await["type"],
        "/problems/upload-offset-mismatch"
    );
    let wrong_type = tus_request(&app, Method::PATCH, &location)
        .await
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/octet-stream")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let old_client = app
        .new_browser()
        .patch(app.at(&location))
        .header("Tus-Resumable", "0.2.2")
        .send()
        .await
        .unwrap();
    assert_eq!(old_client.status(), 412);
    assert_eq!(old_client.headers()["tus-version"], "1.0.0");
    let options = app
        .new_browser()
        .request(Method::OPTIONS, app.at(TUS))
        .send()
        .await
        .unwrap();
    assert_eq!(options.status(), 204);
    assert_eq!(options.headers()["tus-extension"], "creation,termination");

    // Termination ends the upload.
    let ended = tus_request(&app, Method::DELETE, &location)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    assert_eq!(offset_of(&app, &location).await, None);
}

#[tokio::test]
async fn abandoned_uploads_are_cleaned_up() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dongeng.mp4");
    std::fs::write(&file, mp4_bytes(2 * MIB)).unwrap();
    let started = tuspy(&app, &file, token, MIB, &["--chunks", "1"]).await;
    let path = started["url"]
        .as_str()
        .unwrap()
        .trim_start_matches(&app.url)
        .to_owned();
    let files = std::path::PathBuf::from(&app.vars["SIAR_STORAGE"]);
    let stored = || {
        walk(&files)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("/uploads/"))
            .count()
    };
    assert_eq!(stored(), 1);

    let storage =
        server::storage::Storage::open(&server::config::StorageConfig::Local(files.clone()))
            .unwrap();
    let now = Utc::now();
    let idle = chrono::Duration::hours(24);
    let kept = server::services::contests::videos::clean_abandoned(&app.db, &storage, now, idle)
        .await
        .unwrap();
    assert_eq!(kept, 0, "a fresh upload is not abandoned");
    let cleaned = server::services::contests::videos::clean_abandoned(
        &app.db,
        &storage,
        now + chrono::Duration::hours(25),
        idle,
    )
    .await
    .unwrap();
    assert_eq!(cleaned, 1);
    assert_eq!(offset_of(&app, &path).await, None);
    assert_eq!(stored(), 0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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

/// Personal fields that must never reach a judge.
const PERSONAL: &[&str] = &[
    "Andi",
    "Budi",
    "Cici",
    "SD Inpres",
    "Makassar",
    "example.id",
    "Ibu dari",
    "2018-03-01",
];

#[tokio::test]
async fn judging_is_anonymous_respects_conflicts_ranks_by_the_rubric_and_publishes_once() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (contest, slug) = contest(&staff, -60, 600, json!({})).await;
    let contest_id = contest["id"].as_str().unwrap().to_owned();
    let mut entries = Vec::new();
    for name in ["Andi", "Budi", "Cici"] {
        let mut body = entry(
            name,
            "2018-03-01",
            &format!("{}@example.id", name.to_lowercase()),
        );
        if name == "Budi" {
            body["consent_publication"] = json!(false);
        }
        let receipt = registered(&app, &slug, body).await;
        upload_whole(
            &app,
            receipt["access_token"].as_str().unwrap(),
            &mp4_bytes(100_000),
        )
        .await;
        staff
            .expect(
                Method::POST,
                &format!(
                    "/api/v1/contests/{contest_id}/entries/{}/review",
                    receipt["id"].as_str().unwrap()
                ),
                json!({"eligible": true}),
                204,
            )
            .await;
        entries.push(receipt);
    }
    let (andi, budi, cici) = (&entries[0], &entries[1], &entries[2]);
    let category = contest["categories"][0]["id"].clone();

    // Two judges on the 7–9 category.
    let judge_one = StaffClient::new(&app, Role::Judge).await;
    let judge_two = StaffClient::new(&app, Role::Judge).await;
    let panel = staff
        .get_json(&format!("/api/v1/contests/{contest_id}/judges"))
        .await;
    let judge_ids: Vec<Value> = panel["judges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].clone())
        .collect();
    assert_eq!(judge_ids.len(), 2);
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/contests/{contest_id}/judges"),
            json!(
                judge_ids
                    .iter()
                    .map(|id| json!({"user_id": id, "category_id": category}))
                    .collect::<Vec<_>>()
            ),
            200,
        )
        .await;
    let me_one = judge_one.get_json("/api/v1/auth/me").await;

    // Anonymity: nothing personal in any judge response.
    let list = judge_one.get_json("/api/v1/judging/entries").await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    let one = judge_one
        .get_json(&format!(
            "/api/v1/judging/entries/{}",
            andi["id"].as_str().unwrap()
        ))
        .await;
    for text in [list.to_string(), one.to_string()] {
        for personal in PERSONAL {
            assert!(!text.contains(personal), "judge sees {personal:?}: {text}");
        }
    }
    // Judges play the video with ranges.
    let (code, part, _) = bytes_of(
        &judge_one.client,
        &app.at(one["video_url"].as_str().unwrap()),
        Some("bytes=4-11"),
    )
    .await;
    assert_eq!(code, 206);
    assert_eq!(part, b"ftypisom");
    // Staff video routes are not the judge's.
    let forbidden = judge_one
        .send(
            Method::GET,
            &format!("/api/v1/contests/{contest_id}/entries"),
            None,
        )
        .await;
    assert_eq!(forbidden.status(), 403);

    // Judge one knows Cici: the entry leaves their list and cannot be fetched or scored.
    let cici_path = format!("/api/v1/judging/entries/{}", cici["id"].as_str().unwrap());
    judge_one
        .expect(
            Method::POST,
            &format!("{cici_path}/conflict"),
            json!({"note": "keponakan"}),
            204,
        )
        .await;
    assert_eq!(
        judge_one
            .get_json("/api/v1/judging/entries")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        judge_one.send(Method::GET, &cici_path, None).await.status(),
        404
    );
    let refused = judge_one
        .send(
            Method::PUT,
            &format!("{cici_path}/scores"),
            Some(json!({"scores": []})),
        )
        .await;
    assert_eq!(refused.status(), 404);
    let conflicts = staff
        .get_json(&format!("/api/v1/contests/{contest_id}/conflicts"))
        .await;
    assert_eq!(conflicts[0]["user_id"], me_one["id"]);
    assert_eq!(conflicts[0]["number"], cici["number"]);

    // Scores. Weights: Ekspresi 3, Suara 1.
    let criteria: Vec<Value> = contest["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    async fn score(
        judge: &StaffClient,
        criteria: &[Value],
        entry: &Value,
        expression: i32,
        voice: i32,
    ) -> Value {
        let path = format!(
            "/api/v1/judging/entries/{}/scores",
            entry["id"].as_str().unwrap()
        );
        let body = json!({"scores": [
            {"criterion_id": criteria[0], "score": expression},
            {"criterion_id": criteria[1], "score": voice},
        ], "comment": "Bagus"});
        judge.expect(Method::PUT, &path, body, 200).await
    }
    // Judge one: Andi (8,6) → 7.5; Budi (7,9) → 7.5.
    assert_eq!(
        score(&judge_one, &criteria, andi, 8, 6).await["complete"],
        true
    );
    score(&judge_one, &criteria, budi, 7, 9).await;
    // A comment is text wherever it shows (the judge's own page), whatever it holds.
    let hostile = "</textarea><script>window.siarInjected=1</script><img src=x onerror=alert(1)>";
    let andi_path = format!("/api/v1/judging/entries/{}", andi["id"].as_str().unwrap());
    judge_one
        .expect(
            Method::PUT,
            &format!("{andi_path}/scores"),
            json!({"scores": [
                {"criterion_id": criteria[0], "score": 8},
                {"criterion_id": criteria[1], "score": 6},
            ], "comment": hostile}),
            200,
        )
        .await;
    let page = judge_one
        .client
        .get(app.at(&format!("/judge/entries/{}", andi["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("&lt;/textarea&gt;&lt;script&gt;") && !page.contains("<img src=x"),
        "the comment became markup: {page}"
    );
    // Judge two: Andi (6,6) → 6; Budi (6,6) → 6; Cici (9,5) → 8.
    score(&judge_two, &criteria, andi, 6, 6).await;
    score(&judge_two, &criteria, budi, 6, 6).await;
    score(&judge_two, &criteria, cici, 9, 5).await;
    let out_of_range = judge_two
        .send(
            Method::PUT,
            &format!(
                "/api/v1/judging/entries/{}/scores",
                andi["id"].as_str().unwrap()
            ),
            Some(json!({"scores": [{"criterion_id": criteria[0], "score": 11}]})),
        )
        .await;
    assert!(problem(out_of_range, 422).await["errors"]["scores"].is_array());

    let progress = staff
        .get_json(&format!("/api/v1/contests/{contest_id}/progress"))
        .await;
    let of = |id: &Value| {
        progress
            .as_array()
            .unwrap()
            .iter()
            .find(|p| &p["user_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(of(&me_one["id"])["to_judge"], 2);
    assert_eq!(of(&me_one["id"])["scored"], 2);
    assert_eq!(of(&me_one["id"])["conflicts"], 1);

    // Ranking: Cici 8; Andi and Budi tie at 6.75, Andi ahead on the weight-3 criterion (7 vs 6.5).
    let ranking = staff
        .get_json(&format!("/api/v1/contests/{contest_id}/ranking"))
        .await;
    let rows = ranking[0]["rows"].as_array().unwrap();
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["entrant_name"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["Cici", "Andi", "Budi"]);
    assert_eq!(
        rows.iter()
            .map(|r| r["rank"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!((rows[0]["score"].as_f64().unwrap() - 8.0).abs() < 1e-9);
    assert!((rows[1]["score"].as_f64().unwrap() - 6.75).abs() < 1e-9);
    assert!((rows[2]["score"].as_f64().unwrap() - 6.75).abs() < 1e-9);
    assert_eq!(rows[0]["reviews"], 1, "judge one's conflict does not count");

    // Nothing is public before publishing.
    let results_path = format!("/api/v1/public/contests/{slug}/results");
    assert_eq!(
        problem(app.get(&results_path).await, 409).await["type"],
        "/problems/results-not-published"
    );
    // The page says why and when, not that something went wrong.
    let page = app.get(&format!("/contests/{slug}/results")).await;
    assert_eq!(page.status(), 409);
    let html = page.text().await.unwrap();
    let shown = html
        .split(r#"data-testid="results-pending""#)
        .nth(1)
        .map(|rest| rest.chars().take(400).collect::<String>())
        .unwrap_or_default();
    assert!(shown.contains("Hasil lomba belum diumumkan."), "{html}");
    assert!(
        shown.contains("hasil diumumkan setelah penjurian"),
        "{shown}"
    );
    assert!(!html.contains("Terjadi kesalahan"), "not an error page");
    let gallery_path = format!("/contests/{slug}/videos/{}", cici["number"]);
    assert_eq!(app.get(&gallery_path).await.status(), 404);
    let cici_token = cici["access_token"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/contest-entries/{cici_token}/certificate"))
            .await
            .status(),
        409
    );
    let cici_status: Value = app
        .get(&format!("/api/v1/contest-entries/{cici_token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cici_status["state"], "under_review");
    assert!(cici_status["result"].is_null());

    // Publishing is one step (a judge cannot take it), and scores lock.
    assert_eq!(
        judge_one
            .send(
                Method::POST,
                &format!("/api/v1/contests/{contest_id}/publish"),
                None
            )
            .await
            .status(),
        403
    );
    // Not while entries are still open: what still arrives would never be judged.
    let early = staff
        .send(
            Method::POST,
            &format!("/api/v1/contests/{contest_id}/publish"),
            None,
        )
        .await;
    assert_eq!(
        problem(early, 409).await["type"],
        "/problems/entries-still-open"
    );
    set_closes_at(&app, &contest_id, Utc::now() - chrono::Duration::seconds(1)).await;
    // The page's form wants its box ticked: without it nothing is published.
    let unticked = staff
        .client
        .post(app.at(&format!("/staff/contests/{contest_id}/publish")))
        .form(&[("csrf_token", staff.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(see_other(&unticked).contains("errors="), "{unticked:?}");
    assert_eq!(
        problem(app.get(&results_path).await, 409).await["type"],
        "/problems/results-not-published",
        "an unticked form publishes nothing"
    );
    let published = staff
        .expect(
            Method::POST,
            &format!("/api/v1/contests/{contest_id}/publish"),
            json!({}),
            200,
        )
        .await;
    // Published is final: moving the dates reopens nothing.
    set_closes_at(&app, &contest_id, Utc::now() + chrono::Duration::days(7)).await;
    let late = register(&app, &slug, entry("Dedi", "2018-03-01", "dedi@example.id")).await;
    assert_eq!(problem(late, 409).await["type"], "/problems/contest-closed");
    let again = staff
        .expect(
            Method::POST,
            &format!("/api/v1/contests/{contest_id}/publish"),
            json!({}),
            200,
        )
        .await;
    assert_eq!(published, again);
    let locked = judge_two
        .send(
            Method::PUT,
            &format!(
                "/api/v1/judging/entries/{}/scores",
                andi["id"].as_str().unwrap()
            ),
            Some(json!({"scores": []})),
        )
        .await;
    assert_eq!(
        problem(locked, 409).await["type"],
        "/problems/results-published"
    );

    let results: Value = app.get(&results_path).await.json().await.unwrap();
    let rows = results["categories"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // Nobody entered 10–12: the page says so instead of showing an empty table.
    assert_eq!(results["categories"][1]["rows"], json!([]));
    let page = app
        .get(&format!("/contests/{slug}/results"))
        .await
        .text()
        .await
        .unwrap();
    let empty_category = page.rsplit("10–12 tahun").next().unwrap_or_default();
    assert!(
        empty_category.contains("data-testid=\"no-entries\"") && !empty_category.contains("<table"),
        "{page}"
    );
    assert!(rows[0]["entrant"].as_str().unwrap().starts_with("Cici"));
    // The guardian agreed to the name and the video: nothing about where the child lives or
    // goes to school.
    assert!(
        !results.to_string().contains("SD Inpres"),
        "results show a school: {results}"
    );
    // Budi's guardian did not consent: no name, no video.
    let budi_row = rows.iter().find(|r| r["number"] == budi["number"]).unwrap();
    assert!(budi_row["entrant"].is_null());
    assert!(budi_row["video_url"].is_null());
    assert_eq!(rows[0]["video_url"], gallery_path.as_str());
    let (code, part, headers) = bytes_of(
        &app.new_browser(),
        &app.at(&gallery_path),
        Some("bytes=0-99"),
    )
    .await;
    assert_eq!(code, 206);
    assert_eq!(part.len(), 100);
    assert_eq!(headers["content-type"], "video/mp4");
    let budi_video = format!("/contests/{slug}/videos/{}", budi["number"]);
    assert_eq!(app.get(&budi_video).await.status(), 404);

    let certificate: Value = app
        .get(&format!("/api/v1/contest-entries/{cici_token}/certificate"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(certificate["winning_place"], 1);
    assert_eq!(certificate["entrant_name"], "Cici");
    let cici_status: Value = app
        .get(&format!("/api/v1/contest-entries/{cici_token}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cici_status["state"], "result");
    assert_eq!(cici_status["result"]["rank"], 1);

    let results_mail = server::db::entities::outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "contest_results")
        .count();
    assert_eq!(
        results_mail, 3,
        "one results letter per entry, even after publishing twice"
    );
}

/// `moto` in server mode: an S3-compatible server on a free port.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(python())
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto: {e}; run `cargo xtask test`"));
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        // moto logs "Running on http://…" once it listens.
        let ready = lines
            .by_ref()
            .take(50)
            .any(|line| line.is_ok_and(|l| l.contains("Running on")));
        assert!(
            ready,
            "moto did not start (is it installed? `cargo xtask test` installs it)"
        );
        std::thread::spawn(move || for _ in lines {});
        Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn videos_are_stored_on_an_s3_compatible_server() {
    let moto = Moto::start();
    let bucket = "siar-videos";
    let created = reqwest::Client::new()
        .put(format!("{}/{bucket}", moto.url))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "bucket: {}",
        created.status()
    );
    let app = TestApp::spawn_with(&[
        ("SIAR_STORAGE", &format!("s3://{bucket}/contest")),
        ("AWS_ENDPOINT", &moto.url),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ])
    .await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (contest, slug) = contest(&staff, -60, 600, json!({})).await;
    let receipt = registered(&app, &slug, entry("Andi", "2018-03-01", "andi@example.id")).await;
    let token = receipt["access_token"].as_str().unwrap();

    // 20 MiB in a 12 MiB piece (a multipart object of two parts), a broken piece, the rest.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dongeng.mp4");
    let video = mp4_bytes(20 * MIB + 7);
    std::fs::write(&file, &video).unwrap();
    let first = tuspy(&app, &file, token, 12 * MIB, &["--chunks", "1"]).await;
    let url = first["url"].as_str().unwrap().to_owned();
    let path = url.trim_start_matches(&app.url).to_owned();
    broken_patch(
        &app,
        &path,
        12 * MIB as u64,
        8 * MIB,
        &video[12 * MIB..12 * MIB + 1_000_000],
    )
    .await;
    wait_for_offset(&app, &path, (12 * MIB + 1_000_000) as u64).await;
    let resumed = tuspy(&app, &file, token, 12 * MIB, &["--url", &url]).await;
    assert_eq!(resumed["offset"], video.len(), "{resumed}");

    // The objects are in the bucket, under the prefix.
    let listing = reqwest::get(format!("{}/{bucket}?list-type=2&prefix=contest/", moto.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        listing.matches("<Key>contest/contests/").count(),
        3,
        "{listing}"
    );

    let video_url = app.at(&format!(
        "/api/v1/contests/{}/entries/{}/video",
        contest["id"].as_str().unwrap(),
        receipt["id"].as_str().unwrap()
    ));
    let (code, whole, _) = bytes_of(&staff.client, &video_url, None).await;
    assert_eq!(code, 200);
    assert!(whole == video, "the video read back from S3 differs");
    let start = 12 * MIB - 5;
    let (code, part, _) = bytes_of(
        &staff.client,
        &video_url,
        Some(&format!("bytes={start}-{}", start + 1_000_009)),
    )
    .await;
    assert_eq!(code, 206);
    assert!(part == video[start..=start + 1_000_009]);
}
