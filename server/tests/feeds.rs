//! Calendar feeds over HTTP on the real database: headers, conditional requests, encodings,
//! HEAD, errors, SEQUENCE after an edit, validity across two instances, private tokens.
//! (The independent parsers' check of the demo feeds runs from `cargo xtask test`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read as _;

use chrono::{Duration, NaiveDate};
use common::{StaffClient, TestApp};
use icalendar::{Calendar, CalendarComponent, Component};
use reqwest::Method;
use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};
use shared::dto::auth::Role;

fn first_saturday() -> NaiveDate {
    common::saturday_after(21)
}

/// A published weekly program with four Saturday sessions; returns (program, sessions).
async fn program_with_series(staff: &StaffClient, slug: &str, tz: &str) -> (Value, Vec<Value>) {
    program_with_weeks(staff, slug, tz, 4).await
}

/// A published program with `weeks` Saturday sessions.
async fn program_with_weeks(
    staff: &StaffClient,
    slug: &str,
    tz: &str,
    weeks: u32,
) -> (Value, Vec<Value>) {
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": format!("Dongeng {slug}"), "slug": slug, "kind": "storytelling_broadcast",
                "tz": tz, "default_duration_minutes": 60, "status": "published",
                "description": "Dongeng anak; cerita, lagu, dan tanya-jawab bersama Kak Rina.",
                "stream_url": "https://youtube.com/@perpus",
            }),
            201,
        )
        .await;
    staff
        .expect(
            Method::POST,
            "/api/v1/series",
            json!({
                "program_id": program["id"], "start_local": format!("{}T09:00:00", first_saturday()),
                "duration_minutes": 60, "host": "Kak Rina",
                "rule": {"frequency": "weekly", "weekdays": ["SA"], "end": {"kind": "count", "count": weeks}},
            }),
            201,
        )
        .await;
    let sessions = staff.sessions_of(&program["id"]).await;
    (program, sessions)
}

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.at(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(&name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn events(text: &str) -> Vec<icalendar::Event> {
    let calendar: Calendar = text.parse().expect("parses");
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_feed_has_calendar_headers_encodings_and_answers_conditional_requests() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    program_with_series(&staff, "dongkelor", "Asia/Makassar").await;

    let response = fetch(&app, "/calendar/all.ics", &[]).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "text/calendar; charset=utf-8"
    );
    assert_eq!(
        header_of(&headers, header::CACHE_CONTROL),
        "public, max-age=300"
    );
    assert_eq!(header_of(&headers, header::VARY), "Accept-Encoding");
    assert!(
        headers.get(header::SET_COOKIE).is_none(),
        "a feed sets no cookie"
    );
    let etag = header_of(&headers, header::ETAG);
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong ETag: {etag}"
    );
    let last_modified = header_of(&headers, header::LAST_MODIFIED);
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");
    let body = response.text().await.unwrap();
    assert!(body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(body.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Makassar\r\n"));
    assert!(body.contains("RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL="));
    assert_eq!(events(&body).len(), 1, "one series, one VEVENT");

    // The same ETag or date again: 304, no body.
    let again = fetch(&app, "/calendar/all.ics", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header_of(again.headers(), header::ETAG), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let since = fetch(
        &app,
        "/calendar/all.ics",
        &[("if-modified-since", &last_modified)],
    )
    .await;
    assert_eq!(since.status(), 304);
    let other = fetch(
        &app,
        "/calendar/all.ics",
        &[("if-none-match", "\"something-else\"")],
    )
    .await;
    assert_eq!(other.status(), 200);

    // gzip and Brotli carry the same bytes, under their own ETags.
    let gz = fetch(&app, "/calendar/all.ics", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header_of(gz.headers(), header::CONTENT_ENCODING), "gzip");
    let gz_etag = header_of(gz.headers(), header::ETAG);
    assert_ne!(gz_etag, etag);
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, body);
    let br = fetch(
        &app,
        "/calendar/all.ics",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(header_of(br.headers(), header::CONTENT_ENCODING), "br");
    let mut unbrotli = String::new();
    brotli::Decompressor::new(&br.bytes().await.unwrap()[..], 4096)
        .read_to_string(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, body);
    let revalidated = fetch(
        &app,
        "/calendar/all.ics",
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_etag)],
    )
    .await;
    assert_eq!(revalidated.status(), 304);

    // HEAD: the headers without the body.
    let head = app
        .client
        .head(app.at("/calendar/all.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(header_of(head.headers(), header::ETAG), etag);
    assert_eq!(
        header_of(head.headers(), header::CONTENT_LENGTH),
        body.len().to_string()
    );
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn unknown_feeds_get_a_short_plain_404() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Rencana", "slug": "rencana", "kind": "talk_show", "tz": "Asia/Makassar",
                   "default_duration_minutes": 60, "status": "draft"}),
            201,
        )
        .await;
    for path in [
        "/calendar/programs/nope.ics",
        "/calendar/programs/rencana.ics", // a draft is not public
        "/calendar/programs/dongkelor",
        "/calendar/types/radio_drama.ics",
        "/calendar/partners/nobody.ics",
        "/calendar/me/not-a-token.ics",
        "/calendar/me/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
        "/sessions/0190f5e2-0000-7000-8000-000000000000.ics",
        "/sessions/not-a-uuid.ics",
        "/calendar/qr.svg?path=https://evil.example/x.ics",
    ] {
        let response = fetch(&app, path, &[]).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            header_of(response.headers(), header::CONTENT_TYPE),
            "text/plain; charset=utf-8",
            "{path}"
        );
        let text = response.text().await.unwrap();
        assert!(
            text.len() < 200 && text.starts_with("Tidak ditemukan"),
            "{path}: {text}"
        );
    }
    let english = fetch(&app, "/calendar/partners/nobody.ics?lang=en", &[]).await;
    let text = english.text().await.unwrap();
    assert!(text.to_lowercase().starts_with("not found"), "{text}");
}

#[tokio::test]
async fn an_edit_raises_the_sequence_and_reaches_subscribers() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, sessions) = program_with_series(&staff, "dongkelor", "Asia/Makassar").await;
    let before = fetch(&app, "/calendar/programs/dongkelor.ics", &[]).await;
    let etag = header_of(before.headers(), header::ETAG);
    let text = before.text().await.unwrap();
    assert!(text.contains("SEQUENCE:0\r\n"));
    assert!(!text.contains("RECURRENCE-ID"));

    let second = sessions[1]["id"].as_str().unwrap();
    let moved_to = first_saturday() + Duration::days(8);
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{second}"),
            json!({"scope": "this", "start_local": format!("{moved_to}T10:00:00"), "duration_minutes": 60}),
            200,
        )
        .await;
    let after = fetch(
        &app,
        "/calendar/programs/dongkelor.ics",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(after.status(), 200, "the old ETag no longer matches");
    assert_ne!(header_of(after.headers(), header::ETAG), etag);
    let text = after.text().await.unwrap();
    let parsed = events(&text);
    assert_eq!(parsed.len(), 2, "the rule and one override");
    let moved = parsed
        .iter()
        .find(|e| e.get_recurrence_id().is_some())
        .expect("an override");
    assert_eq!(moved.get_sequence(), Some(1));
    assert_eq!(parsed[0].get_uid(), moved.get_uid());
    assert!(text.contains(&format!(
        "DTSTART;TZID=Asia/Makassar:{}T100000\r\n",
        moved_to.format("%Y%m%d")
    )));

    // Cancelling another one keeps it in the feed, marked cancelled, with the reason.
    let third = sessions[2]["id"].as_str().unwrap();
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{third}/cancel"),
            json!({"reason": "Libur; pemadaman listrik"}),
            200,
        )
        .await;
    let text = fetch(&app, "/calendar/all.ics", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("STATUS:CANCELLED\r\n"));
    assert!(
        text.replace("\r\n ", "")
            .contains("Dibatalkan: Libur\\; pemadaman listrik")
    );
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_the_other_instances_cache() {
    let first = TestApp::spawn().await;
    let second = first.another_instance().await;
    let staff = StaffClient::new(&first, Role::Coordinator).await;
    program_with_series(&staff, "dongkelor", "Asia/Makassar").await;
    let cached = fetch(&second, "/calendar/all.ics", &[])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(events(&cached).len(), 1);

    program_with_series(&staff, "dapur-pustaka", "Asia/Makassar").await;
    let fresh = fetch(&second, "/calendar/all.ics", &[])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        events(&fresh).len(),
        2,
        "the second instance rebuilt its copy"
    );
    let from_first = fetch(&first, "/calendar/all.ics", &[])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(fresh, from_first, "both instances send the same bytes");
}

#[tokio::test]
async fn a_private_feed_works_until_its_token_is_reset() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Viewer).await;
    let links = staff.get_json("/api/v1/me/calendar").await;
    let url = links["url"].as_str().unwrap().to_owned();
    let token = url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert!(links["webcal"].as_str().unwrap().starts_with("webcal://"));
    assert_eq!(
        staff.get_json("/api/v1/me/calendar").await["url"],
        url.as_str(),
        "stable"
    );

    let path = format!("/calendar/me/{token}.ics");
    let response = fetch(&app, &path, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header_of(response.headers(), header::CACHE_CONTROL),
        "private, max-age=300"
    );
    assert!(response.text().await.unwrap().contains("BEGIN:VTIMEZONE"));

    let reset = staff
        .expect(Method::POST, "/api/v1/me/calendar/reset", json!({}), 200)
        .await;
    assert_ne!(reset["url"], url.as_str());
    assert_eq!(
        fetch(&app, &path, &[]).await.status(),
        404,
        "the old URL is dead"
    );
    let new_path = reset["url"].as_str().unwrap().replace(&app.url, "");
    assert_eq!(fetch(&app, &new_path, &[]).await.status(), 200);
    // Signed out: no private links.
    assert_eq!(fetch(&app, "/api/v1/me/calendar", &[]).await.status(), 401);
}

#[tokio::test]
async fn partner_type_session_and_open_slot_feeds() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (program, sessions) = program_with_series(&staff, "dongkelor", "Asia/Makassar").await;
    // Half a year of Saturdays in a zone with daylight saving: spans a clock change.
    program_with_weeks(&staff, "bincang-leiden", "Europe/Amsterdam", 26).await;
    let fajar = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Harian FAJAR Makassar", "kind": "media"}),
            201,
        )
        .await;
    assert_eq!(fajar["slug"], "harian-fajar-makassar");
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/partners",
                program["id"].as_str().unwrap()
            ),
            json!([{"partner_id": fajar["id"], "role": "media_partner"}]),
            200,
        )
        .await;

    let partner = fetch(&app, "/calendar/partners/harian-fajar-makassar.ics", &[]).await;
    assert_eq!(partner.status(), 200);
    let text = partner.text().await.unwrap();
    assert_eq!(events(&text).len(), 1, "only the program the partner is on");
    assert!(text.contains("X-WR-CALNAME:Harian FAJAR Makassar · Siar\r\n"));

    let kind = fetch(&app, "/calendar/types/storytelling_broadcast.ics", &[]).await;
    let text = kind.text().await.unwrap();
    assert_eq!(events(&text).len(), 2);
    // A zone with daylight saving brings its own VTIMEZONE with both observances.
    assert!(text.contains("TZID:Europe/Amsterdam\r\n"));
    assert!(text.contains("BEGIN:DAYLIGHT\r\n") && text.contains("TZNAME:CET\r\n"));

    let id = sessions[0]["id"].as_str().unwrap();
    let single = fetch(&app, &format!("/sessions/{id}.ics"), &[]).await;
    assert_eq!(single.status(), 200);
    let text = single.text().await.unwrap();
    let parsed = events(&text);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].get_uid(), Some(format!("{id}@siar").as_str()));
    assert_eq!(
        parsed[0].get_url(),
        Some(format!("{}/sessions/{id}", app.url).as_str())
    );
    // The session page itself is still a page.
    let page = fetch(&app, &format!("/sessions/{id}"), &[]).await;
    assert!(header_of(page.headers(), header::CONTENT_TYPE).starts_with("text/html"));

    let open = fetch(&app, "/calendar/open-slots.ics", &[]).await;
    assert_eq!(open.status(), 200);
    let text = open.text().await.unwrap();
    assert!(events(&text).is_empty());
    assert!(
        text.contains("BEGIN:VTIMEZONE"),
        "valid: at least one component"
    );

    let qr = fetch(&app, "/calendar/qr.svg?path=/calendar/all.ics", &[]).await;
    assert_eq!(
        header_of(qr.headers(), header::CONTENT_TYPE),
        "image/svg+xml"
    );
    assert!(qr.text().await.unwrap().contains("<svg"));

    let feeds = staff.get_json("/api/v1/calendar/feeds?lang=en").await;
    let urls: Vec<&str> = feeds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["url"].as_str().unwrap())
        .collect();
    for path in [
        "/calendar/all.ics",
        "/calendar/programs/dongkelor.ics",
        "/calendar/types/storytelling_broadcast.ics",
        "/calendar/partners/harian-fajar-makassar.ics",
        "/calendar/open-slots.ics",
    ] {
        assert!(urls.contains(&app.at(path).as_str()), "{path} in {urls:?}");
    }
    let profile = staff
        .get_json("/api/v1/partners/slug/harian-fajar-makassar")
        .await;
    assert_eq!(profile["programs"][0]["slug"], "dongkelor");
    assert!(
        profile.get("contact_email").is_none(),
        "no contact details in public"
    );
}

/// Each event's SEQUENCE by (UID, RECURRENCE-ID; empty for a rule or a single event).
fn sequences(text: &str) -> std::collections::BTreeMap<(String, String), u32> {
    events(text)
        .iter()
        .map(|e| {
            let key = (
                e.get_uid().unwrap_or_default().to_owned(),
                e.property_value("RECURRENCE-ID")
                    .unwrap_or_default()
                    .to_owned(),
            );
            (key, e.get_sequence().unwrap_or_default())
        })
        .collect()
}

/// SEQUENCE never goes down for any event a client has seen, whatever the order of edits; a
/// changed rule raises it.
#[tokio::test]
async fn sequence_never_decreases_through_cancel_restore_and_split() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, sessions) = program_with_weeks(&staff, "dongkelor", "Asia/Makassar", 6).await;
    let feed = "/calendar/programs/dongkelor.ics";
    let mut seen = sequences(&fetch(&app, feed, &[]).await.text().await.unwrap());
    let rule_key = seen.keys().next().cloned().unwrap();
    let second = sessions[1]["id"].as_str().unwrap().to_owned();
    let fourth = sessions[3]["id"].as_str().unwrap().to_owned();
    let cancel = (
        format!("/api/v1/sessions/{second}/cancel"),
        json!({"reason": "Hujan deras"}),
    );
    let restore = (format!("/api/v1/sessions/{second}/restore"), json!({}));
    let steps = [cancel.clone(), restore, cancel];
    for (step, (path, body)) in steps.iter().enumerate() {
        staff.expect(Method::POST, path, body.clone(), 200).await;
        let now = sequences(&fetch(&app, feed, &[]).await.text().await.unwrap());
        for (key, sequence) in &now {
            if let Some(before) = seen.get(key) {
                assert!(
                    sequence >= before,
                    "step {step}: {key:?} went from {before} to {sequence}"
                );
            }
        }
        let rule_now = now[&rule_key];
        assert!(
            rule_now >= seen[&rule_key],
            "step {step}: the rule went down to {rule_now}"
        );
        seen.extend(now);
    }

    // Splitting moves the rule's end: its SEQUENCE rises.
    let rule_before = seen[&rule_key];
    let split_day = first_saturday() + Duration::days(21);
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{fourth}"),
            json!({"scope": "following", "start_local": format!("{split_day}T18:00:00"), "duration_minutes": 60}),
            200,
        )
        .await;
    let now = sequences(&fetch(&app, feed, &[]).await.text().await.unwrap());
    assert!(
        now[&rule_key] > rule_before,
        "a split raises the first half's SEQUENCE: {now:?}"
    );
}

/// An "all" edit that moves the time while some sessions are already over: those keep their
/// series' UID and RECURRENCE-ID (the series ends before the first session still ahead, and a
/// new series takes over), so clients see the past unchanged instead of deleted and re-created.
#[tokio::test]
async fn past_sessions_keep_their_identity_through_an_all_edit() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, sessions) = program_with_weeks(&staff, "dongkelor", "Asia/Makassar", 6).await;
    let feed = "/calendar/programs/dongkelor.ics";
    let before = events(&fetch(&app, feed, &[]).await.text().await.unwrap());
    assert_eq!(before.len(), 1, "one series, no overrides");
    let series_uid = before[0].get_uid().unwrap().to_owned();

    // Three Saturdays are over when staff move every session to 10:30.
    let now = chrono::DateTime::parse_from_rfc3339(&format!(
        "{}T04:00:00Z",
        first_saturday() + Duration::days(15)
    ))
    .unwrap()
    .with_timezone(&chrono::Utc);
    let fifth = uuid::Uuid::parse_str(sessions[4]["id"].as_str().unwrap()).unwrap();
    let day = first_saturday() + Duration::days(28);
    let edit: shared::dto::schedule::SessionEdit = serde_json::from_value(json!({
        "scope": "all", "start_local": format!("{day}T10:30:00"), "duration_minutes": 60,
    }))
    .unwrap();
    server::services::sessions::edit_session(&app.db, fifth, edit, now)
        .await
        .unwrap();

    let after = staff.sessions_of(&sessions[0]["program_id"]).await;
    let times: Vec<&str> = after
        .iter()
        .map(|s| &s["start_local"].as_str().unwrap()[11..16])
        .collect();
    assert_eq!(
        times,
        ["09:00", "09:00", "09:00", "10:30", "10:30", "10:30"]
    );
    let text = fetch(&app, feed, &[]).await.text().await.unwrap();
    let events = events(&text);
    let uids: Vec<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    for past in &sessions[..3] {
        let own = format!("{}@siar", past["id"].as_str().unwrap());
        assert!(
            !uids.contains(&own.as_str()),
            "a past session stands alone: {text}"
        );
    }
    let old = events
        .iter()
        .find(|e| e.get_uid() == Some(series_uid.as_str()))
        .expect("the series is still there");
    assert!(old.property_value("EXDATE").is_none(), "{text}");
    assert!(
        old.property_value("RRULE").unwrap().contains("UNTIL="),
        "{text}"
    );
    assert_eq!(uids.len(), 2, "the old series and the new one: {text}");
}

/// `open-slots.ics` follows the clock as well as the data: a session leaves it when its
/// sign-up closes, though nothing in the database changed.
#[tokio::test]
async fn a_session_leaves_the_open_slots_feed_when_its_sign_up_closes() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Dongkelor", "slug": "dongkelor", "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/volunteering",
                program["id"].as_str().unwrap()
            ),
            json!({"signup_cutoff_minutes": 1, "offer_window_minutes": 720,
                   "roles": [{"name": "Pendongeng", "capacity": 1}]}),
            200,
        )
        .await;
    // Sign-up closes a minute before the start: about eight seconds from now.
    let starts_at = chrono::Utc::now() + Duration::seconds(68);
    let local = starts_at.with_timezone(&chrono_tz::Asia::Makassar);
    let session = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": local.format("%Y-%m-%dT%H:%M:%S").to_string(),
                   "duration_minutes": 60}),
            201,
        )
        .await;
    let uid = session["session"]["uid"].as_str().unwrap().to_owned();
    let open_slots = || async {
        let text = fetch(&app, "/calendar/open-slots.ics", &[])
            .await
            .text()
            .await
            .unwrap();
        text.replace("\r\n ", "")
    };
    assert!(
        open_slots().await.contains(&uid),
        "open while sign-up is open"
    );

    let closes = starts_at - Duration::seconds(60);
    let wait = (closes - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + std::time::Duration::from_secs(2)).await;
    assert!(
        !open_slots().await.contains(&uid),
        "gone once sign-up has closed"
    );
}

/// The change counter `name` (see `services::feeds::cache`).
async fn change_counter(app: &TestApp, name: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT version FROM change_counters WHERE name = '{name}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "version").unwrap()
}

#[tokio::test]
async fn a_change_to_sign_ups_moves_only_the_open_slots_feed() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, _) = common::session_with_roles_in(
        &staff,
        "published",
        Duration::days(7),
        json!([{"name": "Pendongeng", "capacity": 1}]),
        60,
    )
    .await;
    let uid = session["uid"].as_str().unwrap().to_owned();
    let open_slots = || async {
        fetch(&app, "/calendar/open-slots.ics", &[])
            .await
            .text()
            .await
            .unwrap()
            .replace("\r\n ", "")
    };
    assert!(open_slots().await.contains(&uid));
    let all = fetch(&app, "/calendar/all.ics", &[]).await;
    let all_tag = all.headers()[header::ETAG].clone();

    // What a sign-up does to a role: no free place left.
    let calendar = change_counter(&app, "calendar").await;
    let signups = change_counter(&app, "signups").await;
    app.db
        .execute_unprepared("UPDATE session_roles SET capacity = 0")
        .await
        .unwrap();
    assert_eq!(
        change_counter(&app, "calendar").await,
        calendar,
        "all.ics and the rest stay valid"
    );
    assert!(change_counter(&app, "signups").await > signups);
    assert!(
        !open_slots().await.contains(&uid),
        "open-slots follows at once"
    );
    let again = fetch(
        &app,
        "/calendar/all.ics",
        &[("if-none-match", all_tag.to_str().unwrap())],
    )
    .await;
    assert_eq!(again.status(), 304);
}
