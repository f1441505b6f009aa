//! Input as an attacker writes it, against the real server on both databases: markup in every
//! name that reaches a page title, control characters and impossible dates in every kind of
//! request, redirects that try to leave the site, URL variants of staff pages, and a panic.
//! Each check is made across a class (all fields, all doors), not one example.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, Utc};
use common::{StaffClient, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::auth::Role;

/// Ends the `<title>` element and runs a script if written raw.
const PAYLOAD: &str = "Kancil</title><script>window.siarInjected=1</script><title>";
/// What would show that the payload became markup.
const RAW_SCRIPT: &str = "<script>window.siarInjected";

/// Asserts a 422 validation problem (showing the body when it is not) and returns it.
async fn refused(response: reqwest::Response, what: &str) -> Value {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 422, "{what}: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["type"], "/problems/validation", "{what}: {body}");
    body
}

fn suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// The `<title>` of a page, as sent.
fn title_of(html: &str) -> &str {
    let start = html.find("<title>").map_or(0, |i| i + "<title>".len());
    let end = html[start..]
        .find("</title>")
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// Asserts that `path`, fetched by `client`, shows the payload only as text.
async fn shows_payload_as_text(app: &TestApp, client: &reqwest::Client, path: &str) {
    let response = client.get(app.at(path)).send().await.unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}");
    assert!(
        !html.contains(RAW_SCRIPT),
        "{path} ({}) renders user text as markup: {}",
        app.backend,
        title_of(&html)
    );
    assert!(
        title_of(&html).contains("Kancil&lt;/title&gt;&lt;script&gt;"),
        "{path}: the title shows the name, escaped: {}",
        title_of(&html)
    );
}

#[tokio::test]
async fn names_in_page_titles_are_text_on_every_page_that_shows_them() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;

    let slug = format!("p-{}", suffix());
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": PAYLOAD, "slug": slug, "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await;
    let start = (Utc::now() + Duration::days(3)).with_timezone(&chrono_tz::Asia::Makassar);
    let session = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "title": PAYLOAD, "host": PAYLOAD,
                   "start_local": start.format("%Y-%m-%dT10:00:00").to_string(), "duration_minutes": 60}),
            201,
        )
        .await;
    let session_id = session["session"]["id"].as_str().unwrap().to_owned();
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": format!("{PAYLOAD} {}", suffix()), "kind": "media"}),
            201,
        )
        .await;
    let partner_slug = partner["slug"].as_str().unwrap().to_owned();

    // The contest: its program's name is the contest's name; the entry's title and the
    // entrant's name come from an anonymous stranger.
    let contest_slug = format!("lomba-{}", suffix());
    let contest_program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": PAYLOAD, "slug": contest_slug, "kind": "contest",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await;
    let local = |minutes: i64| {
        (Utc::now() + Duration::hours(8) + Duration::minutes(minutes))
            .naive_utc()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    let contest = staff
        .expect(
            Method::POST,
            "/api/v1/contests",
            json!({
                "program_id": contest_program["id"], "rules": "Video 3–7 menit.",
                "opens_at": local(-60), "closes_at": local(24 * 60),
                "age_reference_date": "2027-01-31", "max_video_minutes": 7,
                "formats": ["mp4"], "entries_per_person": 1,
                "categories": [{"name": "7–12 tahun", "min_age": 7, "max_age": 12}],
                "criteria": [{"name": "Ekspresi", "weight": 1}],
            }),
            201,
        )
        .await;
    let receipt: Value = app
        .client
        .post(app.at(&format!("/api/v1/public/contests/{contest_slug}/entries")))
        .json(&json!({
            "entrant_name": "Andi", "birth_date": "2017-05-01", "school": "SD Inpres",
            "city": "Makassar", "contact_email": "andi@example.id", "guardian_name": "Ibu Andi",
            "consent_rules": true, "consent_publication": true,
            "title": PAYLOAD, "description": "Dongeng rakyat Bugis.",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry_token = receipt["access_token"]
        .as_str()
        .expect("receipt")
        .to_owned();

    let public = app.new_browser();
    for path in [
        format!("/programs/{slug}"),
        format!("/sessions/{session_id}"),
        format!("/partners/{partner_slug}"),
        format!("/contests/{contest_slug}"),
        format!("/contest-entry/{entry_token}"),
    ] {
        shows_payload_as_text(&app, &public, &path).await;
    }
    for path in [
        format!("/staff/programs/{slug}"),
        format!("/staff/sessions/{session_id}"),
        format!("/staff/partners/{partner_slug}"),
        format!("/staff/contests/{}", contest["id"].as_str().unwrap()),
    ] {
        shows_payload_as_text(&app, &staff.client, &path).await;
    }
}

#[tokio::test]
async fn control_characters_are_refused_in_every_kind_of_request() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;

    // JSON: a line break in a one-line name (it would start a new line in a calendar file),
    // and NUL anywhere (PostgreSQL refuses it): 422 on the field, in both languages.
    for (name, language) in [("Teks\r\nBEGIN:VEVENT", "id"), ("Dong\0kelor", "en")] {
        let response = staff
            .client
            .post(app.at("/api/v1/programs"))
            .header("x-csrf-token", &staff.csrf)
            .header("accept-language", language)
            .json(&json!({"name": name, "slug": format!("p-{}", suffix()),
                          "kind": "talk_show", "default_duration_minutes": 60, "status": "draft"}))
            .send()
            .await
            .unwrap();
        let body = refused(response, &format!("program named {name:?}")).await;
        let message = body["errors"]["name"][0].as_str().unwrap_or_default();
        let expected = if language == "id" {
            "karakter kontrol"
        } else {
            "control character"
        };
        assert!(message.contains(expected), "{body}");
    }
    // A description may span lines; a program's place may not.
    let response = staff
        .send(
            Method::POST,
            "/api/v1/programs",
            Some(json!({"name": "Dapur Pustaka", "slug": format!("p-{}", suffix()), "kind": "talk_show",
                        "default_duration_minutes": 60, "status": "draft", "place": "Aula\nDTSTART:19700101"})),
        )
        .await;
    let body = refused(response, "a place on two lines").await;
    assert!(body["errors"]["place"].is_array(), "{body}");
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Dapur Pustaka", "slug": format!("p-{}", suffix()), "kind": "talk_show",
                   "default_duration_minutes": 60, "status": "draft", "description": "Baris satu\r\nBaris dua"}),
            201,
        )
        .await;

    // Anonymous doors: registration, sign-in link, login, contest entry.
    for (path, body) in [
        (
            "/api/v1/volunteers/register",
            json!({"name": "Rina\0", "email": "rina@example.id"}),
        ),
        (
            "/api/v1/volunteers/sign-in-link",
            json!({"email": "rina\0@example.id"}),
        ),
        (
            "/api/v1/auth/login",
            json!({"email": "a\0@b.id", "password": "x"}),
        ),
    ] {
        let response = app
            .client
            .post(app.at(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        refused(response, path).await;
    }

    // A plain form (the sign-in form works without JavaScript).
    let browser = app.new_browser();
    let csrf = app.csrf_token_from_page(&browser).await;
    let response = browser
        .post(app.at("/auth/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "a\u{0}@b.id"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    refused(response, "the plain sign-in form").await;

    // Query strings and paths, feeds included: refused, never a 500.
    for path in [
        "/api/v1/sessions?program=dong%00kelor",
        "/schedule?program=%00",
        "/calendar/programs/dong%00kelor.ics",
        "/partner-access/abc%00def",
        "/sessions/%0d%0a.ics",
    ] {
        let status = app.get(path).await.status().as_u16();
        assert_eq!(status, 400, "GET {path}");
    }
}

#[tokio::test]
async fn dates_outside_the_supported_years_are_refused_and_never_break_a_feed() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Dongkelor", "slug": format!("p-{}", suffix()), "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await;

    for start in [
        "+262142-12-31T20:00:00",
        "2201-01-01T10:00:00",
        "1899-12-31T10:00:00",
    ] {
        let response = staff
            .send(
                Method::POST,
                "/api/v1/sessions",
                Some(json!({"program_id": program["id"], "start_local": start, "duration_minutes": 60})),
            )
            .await;
        let body = refused(response, start).await;
        assert!(body["errors"]["start_local"].is_array(), "{start}: {body}");
    }
    let preview = staff
        .send(
            Method::POST,
            "/api/v1/series/preview",
            Some(json!({"tz": "Asia/Makassar", "start_local": "-262143-01-02T09:00:00",
                        "duration_minutes": 60, "rule": {"frequency": "daily", "end": {"kind": "never"}}})),
        )
        .await;
    refused(preview, "preview from year -262143").await;

    // Queries with such dates, on the API and on pages: a clear 422, never a dropped
    // connection or a 500.
    for path in [
        "/api/v1/volunteering/open?from=2026-01-01T00:00:00Z&to=%2B262142-12-31T00:00:00Z",
        "/api/v1/sessions?from=-262143-01-02T00:00:00Z",
        "/schedule?month=%2B262142-12",
        "/schedule?week=-262143-01-02",
        "/staff/calendar?month=%2B262142-12",
    ] {
        refused(staff.send(Method::GET, path, None).await, path).await;
    }
    let huge_page = staff
        .send(
            Method::GET,
            "/api/v1/sessions?page=18446744073709551615",
            None,
        )
        .await;
    let body = refused(huge_page, "page 2^64 - 1").await;
    assert!(body["errors"]["page"].is_array(), "{body}");

    // Nothing of the refused requests was stored: the feeds answer.
    for path in [
        "/calendar/all.ics",
        &format!(
            "/calendar/programs/{}.ics",
            program["slug"].as_str().unwrap()
        ),
    ] {
        assert_eq!(app.get(path).await.status(), 200, "GET {path}");
    }
}

#[tokio::test]
async fn redirects_stay_on_this_site_whatever_next_says() {
    let app = TestApp::spawn().await;
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("/%0a/evil.example", "/"),
        ("/%5cevil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/%01", "/"),
        ("/schedule?week=2026-12-07", "/schedule?week=2026-12-07"),
    ] {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        // A control character is refused before the route (400); anything else goes home.
        assert!(
            (status == 303 && location.as_deref() == Some(expected)) || status == 400,
            "next={next}: {status} {location:?}"
        );
        assert!(status < 500);
    }
    // The sign-in form: a wrong password keeps only a safe `next`.
    let browser = app.new_browser();
    let csrf = app.csrf_token_from_page(&browser).await;
    let response = browser
        .post(app.at("/auth/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "nobody@example.id"),
            ("password", "wrong-password-123"),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?error=invalid");
}

#[tokio::test]
async fn staff_pages_need_their_role_under_every_spelling_of_their_path() {
    let app = TestApp::spawn().await;
    let coordinator = StaffClient::new(&app, Role::Coordinator).await;
    for path in [
        "/staff/users/",
        "/staff/./users",
        "/staff//users",
        "/staff/%75sers",
    ] {
        let response = coordinator.send(Method::GET, path, None).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 403, "GET {path} as a coordinator: {text}");
        let anonymous = app.new_browser().get(app.at(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), 303, "GET {path} signed out");
    }
}

/// The nonce a page's policy allows scripts by.
fn policy_nonce(policy: &str) -> &str {
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    &policy[start..start + policy[start..].find('\'').expect("closing quote")]
}

#[tokio::test]
async fn every_page_answers_with_the_security_headers_and_runs_only_its_own_scripts() {
    let app = TestApp::spawn().await;
    let admin = StaffClient::new(&app, Role::Admin).await;
    let routes = server::ssr::page_paths();
    assert!(routes.len() > 20, "the app's page routes");
    let mut nonces = std::collections::HashSet::new();
    let (mut with_islands, mut without_islands) = (0, 0);
    for route in routes {
        // Parameters get a value no record has: the not-found page is a page too.
        let path: String = route
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') || segment.starts_with(':') {
                    "0"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        // A page whose answer never ends fails here, named, instead of stalling the suite.
        let answer = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let response = admin.send(Method::GET, &path, None).await;
            let headers = response.headers().clone();
            (headers, response.text().await.unwrap())
        })
        .await;
        let Ok((headers, html)) = answer else {
            panic!("{path} ({}): the answer never ended", app.backend);
        };
        let policy = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"))
            .to_str()
            .unwrap()
            .to_owned();
        for part in [
            "'strict-dynamic'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(part), "{path}: {policy}");
        }
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "{path}: http site"
        );
        let nonce = policy_nonce(&policy);
        assert!(
            nonces.insert(nonce.to_owned()),
            "{path}: a nonce used twice"
        );
        // Every script the page carries is allowed by the nonce, except data (JSON).
        let mut scripts = 0;
        for tag in html.split("<script").skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            if tag.contains("type=\"application/json\"") {
                continue;
            }
            scripts += 1;
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}>"
            );
        }
        // Client code only where an island needs it, and then its loader once. (Every page
        // also carries leptos' few bytes of inline bookkeeping, `__RESOLVED_RESOURCES=[]`
        // and the like, which load nothing.)
        let islands = html.matches("<leptos-island").count();
        let loaders = html.matches("rel=\"modulepreload\"").count();
        let module_scripts = html.matches("<script type=\"module\"").count();
        assert!(scripts >= module_scripts, "{path}: scripts");
        if islands > 0 {
            with_islands += 1;
            assert_eq!(
                (loaders, module_scripts),
                (1, 1),
                "{path}: one loader for {islands} islands"
            );
        } else {
            without_islands += 1;
            assert_eq!(
                (loaders, module_scripts),
                (0, 0),
                "{path}: client code and no island"
            );
            assert!(!html.contains("/pkg/"), "{path}: client code and no island");
        }
    }
    assert!(
        with_islands >= 5 && without_islands >= 10,
        "{with_islands} pages with islands, {without_islands} without"
    );
    // API answers carry personal data too; feeds keep their own caching.
    let me = admin.send(Method::GET, "/api/v1/auth/me", None).await;
    assert_eq!(me.headers()["cache-control"], "no-store");
    let feed = app.get("/calendar/all.ics").await;
    assert_ne!(feed.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_site_served_over_https_asks_browsers_to_keep_to_it() {
    let app = TestApp::spawn_with(&[("SIAR_BASE_URL", "https://siar.example")]).await;
    let home = app.get("/").await;
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

/// A row stored before dates were checked (here: a session in the year 262142, which a
/// request could once commit before it panicked) never breaks a feed, a listing or a page:
/// each answers in time, feeds leave it out, and the other sessions are still there.
#[tokio::test]
async fn a_stored_row_with_an_impossible_date_breaks_no_feed_or_page() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let slug = format!("p-{}", suffix());
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Dongkelor", "slug": slug, "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await;
    let mut ids = Vec::new();
    for days in [3, 10] {
        let start = (Utc::now() + Duration::days(days))
            .format("%Y-%m-%dT10:00:00")
            .to_string();
        let created = staff
            .expect(
                Method::POST,
                "/api/v1/sessions",
                json!({"program_id": program["id"], "start_local": start, "duration_minutes": 60}),
                201,
            )
            .await;
        ids.push(created["session"]["id"].as_str().unwrap().to_owned());
    }
    let (poisoned, healthy) = (&ids[0], &ids[1]);
    let sql = match app.backend {
        "postgres" => format!(
            "UPDATE sessions SET starts_at = '262142-12-31 12:00:00+00', \
             ends_at = '262142-12-31 13:00:00+00' WHERE id = '{poisoned}'"
        ),
        _ => format!(
            "UPDATE sessions SET starts_at = '+262142-12-31T12:00:00+00:00', \
             ends_at = '+262142-12-31T13:00:00+00:00' WHERE id = x'{}'",
            poisoned.replace('-', "")
        ),
    };
    app.db.execute_unprepared(&sql).await.unwrap();

    let public = app.new_browser();
    for path in [
        "/calendar/all.ics".to_owned(),
        format!("/calendar/programs/{slug}.ics"),
        "/calendar/types/storytelling_broadcast.ics".to_owned(),
        format!("/sessions/{healthy}.ics"),
        format!("/sessions/{healthy}"),
        format!("/programs/{slug}"),
        "/schedule".to_owned(),
        format!("/api/v1/sessions?program={slug}"),
    ] {
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            let response = public.get(app.at(&path)).send().await.unwrap();
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        })
        .await;
        let Ok((status, body)) = answer else {
            panic!("{path} ({}): no answer within 10 s", app.backend);
        };
        assert_eq!(status, 200, "{path} ({}): {body}", app.backend);
        if path.ends_with(".ics") {
            assert!(
                !body.contains("262142"),
                "{path} leaves the impossible row out"
            );
        }
    }
    // The listing still shows it, so that staff can find the row and remove it.
    let listing = app.get(&format!("/api/v1/sessions?program={slug}")).await;
    let listing: Value = listing.json().await.unwrap();
    let listed: Vec<&str> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(listed.contains(&healthy.as_str()), "{listing}");
    // The impossible session itself: any answer but a hang (a 404 or a 500 problem).
    for path in [
        format!("/sessions/{poisoned}"),
        format!("/sessions/{poisoned}.ics"),
    ] {
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            public.get(app.at(&path)).send(),
        )
        .await;
        assert!(
            answer.is_ok_and(|r| r.is_ok()),
            "{path}: no answer within 10 s"
        );
    }
}
