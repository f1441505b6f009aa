//! The episode archive on the real database: recording what remains of a session once it
//! aired (through the API and the plain form), the public session page with its player, a
//! program's archive by page and by year on the program's clock, and the recordings feed as
//! a real feed parser (Python's `feedparser`) reads it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use chrono::{Duration, NaiveDate};
use common::{StaffClient, TestApp, problem, see_other};
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::auth::Role;

async fn program(staff: &StaffClient, slug: &str, status: &str) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": format!("Dongkelor {slug}"), "slug": slug, "kind": "storytelling_broadcast",
                "tz": "Asia/Makassar", "default_duration_minutes": 60, "status": status,
                "description": "Dongeng Sabtu pagi & cerita anak",
                "platform": "YouTube", "stream_url": "https://youtube.com/@perpus",
            }),
            201,
        )
        .await
}

/// A one-off session of `program` at `start_local` (the program's clock), an hour long.
async fn session_at(staff: &StaffClient, program: &Value, start_local: &str) -> String {
    let outcome = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": start_local, "duration_minutes": 60}),
            201,
        )
        .await;
    outcome["session"]["id"].as_str().unwrap().to_owned()
}

fn episode_path(id: &str) -> String {
    format!("/api/v1/sessions/{id}/episode")
}

const YOUTUBE: &str = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

#[tokio::test]
async fn an_episode_is_recorded_once_aired_and_shown_with_its_player() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "arsip-satu", "published").await;
    let aired = common::add_session(&staff, &p["id"], Duration::hours(-3)).await;
    let aired = aired["id"].as_str().unwrap().to_owned();
    let coming = common::add_session(&staff, &p["id"], Duration::days(2)).await;
    let cancelled = common::add_session(&staff, &p["id"], Duration::days(-1)).await;
    let cancelled = cancelled["id"].as_str().unwrap();
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{cancelled}/cancel"),
            json!({"reason": "Listrik padam"}),
            200,
        )
        .await;
    let some = json!({"recording_url": YOUTUBE});

    // Not before it aired, not for a cancelled session: a rule, said as one.
    let early = staff
        .send(
            Method::PUT,
            &episode_path(coming["id"].as_str().unwrap()),
            Some(some.clone()),
        )
        .await;
    let early = problem(early, 409).await;
    assert!(
        early["type"].as_str().unwrap().ends_with("not-yet-aired"),
        "{early}"
    );
    let off = staff
        .send(Method::PUT, &episode_path(cancelled), Some(some.clone()))
        .await;
    assert!(
        problem(off, 409).await["type"]
            .as_str()
            .unwrap()
            .ends_with("session-cancelled")
    );

    // Every bad field at once, in Indonesian, and nothing stored.
    let bad = staff
        .send(
            Method::PUT,
            &episode_path(&aired),
            Some(json!({
                "recording_url": "youtube saja",
                "summary": "x".repeat(2001),
                "books": [
                    {"title": "Si Kancil", "isbn": "978-602-03-2478-5"},
                    {"title": "  ", "author": "Anonim"},
                ],
                "audience": {"viewers": 10_000_001},
            })),
        )
        .await;
    let bad = problem(bad, 422).await;
    for field in [
        "recording_url",
        "summary",
        "books[0].isbn",
        "books[1].title",
        "audience.viewers",
    ] {
        assert!(bad["errors"][field].is_array(), "{field}: {bad}");
    }
    assert!(
        bad["errors"]["books[0].isbn"][0]
            .as_str()
            .unwrap()
            .contains("ISBN"),
        "{bad}"
    );
    let public_view = app.get(&format!("/api/v1/sessions/{aired}")).await;
    let public_view: Value = public_view.json().await.unwrap();
    assert!(public_view.get("episode").is_none(), "{public_view}");

    // The whole record: the link's player, books with ISBNs as digits, the audience (staff).
    let saved = staff
        .expect(
            Method::PUT,
            &episode_path(&aired),
            json!({
                "recording_url": YOUTUBE,
                "summary": "Kancil menipu buaya <script>alert(1)</script>\nlalu menyeberang.",
                "storyteller": "Bunda Rahmawati",
                "books": [
                    {"title": "Si Kancil & Buaya", "author": "Tim Pustaka", "isbn": "978-602-03-2478-4"},
                    {"title": "Timun Mas"},
                ],
                "audience": {"viewers": 1250, "live_peak": 87, "comments": 42},
            }),
            200,
        )
        .await;
    let episode = &saved["episode"];
    assert_eq!(
        episode["recording"]["embed_url"],
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    assert_eq!(episode["recording"]["platform"], "YouTube");
    assert_eq!(episode["books"][0]["isbn"], "9786020324784");
    assert_eq!(episode["books"][1]["title"], "Timun Mas");
    assert_eq!(
        episode["audience"],
        json!({"viewers": 1250, "live_peak": 87, "comments": 42, "in_person": null})
    );

    // The public: the episode without the audience; the page frames only the player.
    let public_view: Value = app
        .get(&format!("/api/v1/sessions/{aired}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public_view["episode"]["storyteller"], "Bunda Rahmawati");
    assert!(
        public_view["episode"].get("audience").is_none(),
        "{public_view}"
    );
    let page = app.get(&format!("/sessions/{aired}")).await;
    let policy = page
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("frame-src https://www.youtube-nocookie.com https://www.facebook.com;"),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""),
        "the player"
    );
    assert!(
        html.contains(&format!("href=\"{YOUTUBE}\"")),
        "the plain link"
    );
    assert!(html.contains("Si Kancil &amp; Buaya"), "the book");
    assert!(html.contains("ISBN 9786020324784"), "its ISBN");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            && !html.contains("<script>alert(1)"),
        "the summary is text"
    );

    // Everything empty removes the record.
    let emptied = staff
        .expect(Method::PUT, &episode_path(&aired), json!({}), 200)
        .await;
    assert!(emptied.get("episode").is_none(), "{emptied}");

    // The editor's plain form: a wrong ISBN comes back under its row with what was typed;
    // counts may group thousands the Indonesian way.
    let form = format!("/staff/sessions/{aired}/episode");
    let back = see_other(
        &staff
            .post_form(
                &form,
                &[
                    (
                        "recording_url",
                        "https://www.instagram.com/reel/C0abcdEFgh/",
                    ),
                    ("storyteller", "Kak Andi"),
                    ("summary", ""),
                    ("book_title", "Malin Kundang"),
                    ("book_author", ""),
                    ("book_isbn", "123"),
                    ("book_title", ""),
                    ("book_author", ""),
                    ("book_isbn", ""),
                    ("viewers", "1.250"),
                    ("live_peak", "banyak"),
                    ("comments", ""),
                    ("in_person", "12"),
                ],
            )
            .await,
    );
    assert!(
        back.contains("form=episode") && back.contains("errors="),
        "{back}"
    );
    let editor = staff.page(&back).await;
    assert!(
        editor.contains("value=\"Malin Kundang\""),
        "the typed title is kept"
    );
    assert!(
        editor.contains("aria-invalid=\"true\""),
        "a field is marked"
    );
    assert!(editor.contains("Bukan ISBN yang sah"), "the ISBN's message");
    let stored: Value = staff.get_json(&format!("/api/v1/sessions/{aired}")).await;
    assert!(stored.get("episode").is_none(), "nothing stored: {stored}");

    let done = see_other(
        &staff
            .post_form(
                &form,
                &[
                    (
                        "recording_url",
                        "https://www.instagram.com/reel/C0abcdEFgh/",
                    ),
                    ("storyteller", "Kak Andi"),
                    ("book_title", "Malin Kundang"),
                    ("book_author", ""),
                    ("book_isbn", "0-306-40615-2"),
                    ("viewers", "1.250"),
                    ("in_person", "12"),
                ],
            )
            .await,
    );
    assert!(done.contains("saved=episode"), "{done}");
    let stored: Value = staff.get_json(&format!("/api/v1/sessions/{aired}")).await;
    let episode = &stored["episode"];
    assert_eq!(episode["recording"]["platform"], "Instagram");
    assert!(episode["recording"]["embed_url"].is_null(), "a link only");
    assert_eq!(episode["books"][0]["isbn"], "0306406152");
    assert_eq!(episode["audience"]["viewers"], 1250);
    assert_eq!(episode["audience"]["in_person"], 12);
}

#[tokio::test]
async fn the_archive_pages_newest_first_by_the_program_s_year() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "arsip-tahun", "published").await;
    // New Year's Eve at 23:30 in Makassar is 2024 there; half past midnight is 2025 there,
    // though both are 2024 in UTC.
    let eve = session_at(&staff, &p, "2024-12-31T23:30:00").await;
    let new_year = session_at(&staff, &p, "2025-01-01T00:30:00").await;
    let first_saturday = NaiveDate::from_ymd_opt(2025, 1, 4).unwrap();
    let mut saturdays = Vec::new();
    for week in 0..11 {
        let day = first_saturday + Duration::weeks(week);
        saturdays.push(session_at(&staff, &p, &format!("{day}T09:00:00")).await);
    }
    let rained_out = session_at(&staff, &p, "2025-06-07T09:00:00").await;
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{rained_out}/cancel"),
            json!({"reason": "Hujan deras"}),
            200,
        )
        .await;
    common::add_session(&staff, &p["id"], Duration::days(3)).await;
    staff
        .expect(
            Method::PUT,
            &episode_path(&saturdays[10]),
            json!({"recording_url": YOUTUBE, "storyteller": "Bunda Sari"}),
            200,
        )
        .await;

    let archive = |query: &'static str| {
        let app = &app;
        async move {
            let response = app
                .get(&format!("/api/v1/programs/arsip-tahun/archive{query}"))
                .await;
            assert_eq!(response.status(), 200, "{query}");
            response.json::<Value>().await.unwrap()
        }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = archive("").await;
    assert_eq!(first["total"], 13, "held sessions only: {first}");
    assert_eq!(first["years"], json!([2025, 2024]));
    let mut newest_first: Vec<String> = saturdays.iter().rev().cloned().collect();
    newest_first.push(new_year.clone());
    newest_first.push(eve.clone());
    assert_eq!(ids(&first), newest_first[..10]);
    assert_eq!(first["items"][0]["episode"]["storyteller"], "Bunda Sari");
    assert!(first["items"][1].get("episode").is_none());
    let second = archive("?page=2").await;
    assert_eq!(ids(&second), newest_first[10..]);
    assert_eq!(ids(&archive("?page=3").await), Vec::<String>::new());

    let of_2024 = archive("?year=2024").await;
    assert_eq!(ids(&of_2024), vec![eve.clone()]);
    let of_2025 = archive("?year=2025&page=2").await;
    assert_eq!(of_2025["total"], 12);
    assert_eq!(ids(&of_2025), vec![saturdays[0].clone(), new_year.clone()]);

    let out_of_range = app
        .get("/api/v1/programs/arsip-tahun/archive?year=99999")
        .await;
    assert!(problem(out_of_range, 422).await["errors"]["year"].is_array());
    let draft = program(&staff, "arsip-draf", "draft").await;
    assert!(draft["id"].is_string());
    problem(app.get("/api/v1/programs/arsip-draf/archive").await, 404).await;

    // The page: links to other pages and years, the feed for readers, all without scripts.
    let html = app
        .html(&app.client, "/programs/arsip-tahun/archive?page=2")
        .await;
    assert!(
        html.contains("href=\"/programs/arsip-tahun/archive?year=2024\""),
        "years"
    );
    assert!(
        html.contains("href=\"/programs/arsip-tahun/archive\" rel=\"prev\""),
        "newer"
    );
    assert!(
        html.contains("type=\"application/rss+xml\"")
            && html.contains("href=\"/programs/arsip-tahun/recordings.rss\""),
        "the feed"
    );
    assert!(
        html.contains(&format!("/sessions/{eve}")),
        "the oldest on page 2"
    );
    let program_page = app.html(&app.client, "/programs/arsip-tahun").await;
    assert!(program_page.contains("href=\"/programs/arsip-tahun/archive\""));
}

/// What Python's `feedparser` reads from `xml`: whether it had to guess (`bozo`), the feed's
/// title and language, and each entry's title, link, id and publication date.
fn parse_feed(xml: &str) -> Value {
    let python = std::env::var("SIAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.xml");
    std::fs::write(&file, xml).unwrap();
    let script = r#"
import json, sys, time, feedparser
feed = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(feed.bozo),
    "version": feed.version,
    "title": feed.feed.get("title"),
    "language": feed.feed.get("language"),
    "entries": [{
        "title": e.get("title"),
        "link": e.get("link"),
        "id": e.get("id"),
        "summary": e.get("summary"),
        "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", e.published_parsed),
    } for e in feed.entries],
}))
"#;
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run `cargo xtask test`"));
    assert!(
        out.status.success(),
        "feedparser failed (installed by `cargo xtask test`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn the_recordings_feed_is_rss_a_feed_reader_takes() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "arsip-rss", "published").await;
    let older = session_at(&staff, &p, "2025-03-01T09:00:00").await;
    let newer = session_at(&staff, &p, "2025-03-08T09:00:00").await;
    let unrecorded = session_at(&staff, &p, "2025-03-15T09:00:00").await;
    let facebook = "https://www.facebook.com/perpusmakassar/videos/123456/";
    for (id, url, summary) in [
        (
            &older,
            YOUTUBE,
            "Cerita rakyat Bugis: La Dana & kerbaunya <b>lucu</b>",
        ),
        (&newer, facebook, "Dongeng tentang ikan pari"),
    ] {
        staff
            .expect(
                Method::PUT,
                &episode_path(id),
                json!({"recording_url": url, "summary": summary, "books": [{"title": "Kisah Nusantara", "author": "Ani"}]}),
                200,
            )
            .await;
    }
    staff
        .expect(
            Method::PUT,
            &episode_path(&unrecorded),
            json!({"storyteller": "Kak Budi"}),
            200,
        )
        .await;

    let response = app.get("/programs/arsip-rss/recordings.rss").await;
    assert_eq!(response.status(), 200);
    common::assert_content_type(response.headers(), "application/rss+xml");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let xml = response.text().await.unwrap();
    let feed = parse_feed(&xml);
    assert_eq!(feed["bozo"], false, "well-formed: {xml}");
    assert_eq!(feed["version"], "rss20");
    assert_eq!(feed["title"], "Dongkelor arsip-rss");
    assert_eq!(feed["language"], "id");
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "recorded episodes only: {feed}");
    assert_eq!(entries[0]["link"], facebook);
    assert_eq!(entries[0]["title"], "Dongkelor arsip-rss (2025-03-08)");
    assert_eq!(entries[0]["published"], "2025-03-08T01:00:00Z");
    assert_eq!(entries[1]["link"], YOUTUBE);
    assert_eq!(entries[1]["id"], app.at(&format!("/sessions/{older}")));
    let summary = entries[1]["summary"].as_str().unwrap();
    assert!(summary.contains("La Dana & kerbaunya"), "{summary}");
    assert!(summary.contains("Kisah Nusantara — Ani"), "{summary}");

    let again = app
        .client
        .get(app.at("/programs/arsip-rss/recordings.rss"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let english = app.get("/programs/arsip-rss/recordings.rss?lang=en").await;
    assert_eq!(parse_feed(&english.text().await.unwrap())["language"], "en");
    program(&staff, "arsip-rss-draf", "draft").await;
    assert_eq!(
        app.get("/programs/arsip-rss-draf/recordings.rss")
            .await
            .status(),
        404
    );
}

/// Posts `csv` to a program's audience import as a staff client would.
async fn import(staff: &StaffClient, slug: &str, csv: &str) -> reqwest::Response {
    staff
        .client
        .post(format!("{}/api/v1/programs/{slug}/audience", staff.base))
        .header("x-csrf-token", &staff.csrf)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn audience_numbers_come_from_a_platform_s_csv_all_or_nothing() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "arsip-penonton", "published").await;
    let first = session_at(&staff, &p, "2025-03-01T09:00:00").await;
    let second = session_at(&staff, &p, "2025-03-08T09:00:00").await;
    staff
        .expect(
            Method::PUT,
            &episode_path(&second),
            json!({"recording_url": YOUTUBE, "audience": {"viewers": 5, "live_peak": 3}}),
            200,
        )
        .await;
    let audience_of = |id: &str| {
        let (staff, id) = (&staff, id.to_owned());
        async move { staff.get_json(&format!("/api/v1/sessions/{id}")).await["episode"].clone() }
    };

    // A spreadsheet saved in Indonesian: semicolons, day-first dates, grouped thousands, a
    // column Siar does not know, an empty line.
    let csv = "\u{feff}Judul;Tanggal;Penayangan;Puncak;Komentar\n\
               Dongeng A;01/03/2025;1.250;87;12\n\
               ;;;;\n\
               Dongeng B;2025-03-08;980;;4\n";
    let done = import(&staff, "arsip-penonton", csv).await;
    assert_eq!(done.status(), 200);
    assert_eq!(done.json::<Value>().await.unwrap(), json!({"updated": 2}));
    assert_eq!(
        audience_of(&first).await["audience"],
        json!({"viewers": 1250, "live_peak": 87, "comments": 12, "in_person": null})
    );
    let second_episode = audience_of(&second).await;
    assert_eq!(
        second_episode["recording"]["url"], YOUTUBE,
        "the rest stays"
    );
    assert_eq!(
        second_episode["audience"],
        json!({"viewers": 980, "live_peak": 3, "comments": 4, "in_person": null}),
        "only the numbers given change"
    );

    // One wrong row: every wrong cell named by its line, nothing saved.
    let bad = import(
        &staff,
        "arsip-penonton",
        "date,views\n2025-03-01,7\n2025-03-15,10\n2025-03-08,banyak\n",
    )
    .await;
    let bad = problem(bad, 422).await;
    let fields: Vec<&String> = bad["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["rows[3].date", "rows[4].viewers"], "{bad}");
    assert_eq!(audience_of(&first).await["audience"]["viewers"], 1250);
    let not_text = staff
        .client
        .post(format!(
            "{}/api/v1/programs/arsip-penonton/audience",
            staff.base
        ))
        .header("x-csrf-token", &staff.csrf)
        .header("content-type", "text/csv")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    problem(not_text, 400).await;

    // The program editor's form takes cells pasted from a spreadsheet (tabs).
    let form = "/staff/programs/arsip-penonton/audience";
    let back = see_other(
        &staff
            .post_form(
                form,
                &[("csv", "Date\tViews\tHadir\n2025-03-01\tlima\t30\n")],
            )
            .await,
    );
    assert!(back.contains("form=audience"), "{back}");
    let editor = staff.page(&back).await;
    assert!(
        editor.contains("Baris 2, viewers"),
        "the wrong cell is named"
    );
    assert!(
        editor.contains("2025-03-01\tlima"),
        "the pasted text is kept"
    );
    let done = see_other(
        &staff
            .post_form(
                form,
                &[("csv", "Date\tViews\tHadir\n2025-03-01\t1 300\t30\n")],
            )
            .await,
    );
    assert!(done.contains("saved=audience&updated=1"), "{done}");
    let audience = &audience_of(&first).await["audience"];
    assert_eq!(
        (audience["viewers"].as_u64(), audience["in_person"].as_u64()),
        (Some(1300), Some(30))
    );
}
