//! The role matrix: every staff route, as an anonymous visitor and as each role.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::auth::Role;

/// Every staff route and the least role it needs. The test below checks that every secured
/// operation of the OpenAPI document is listed here, so a new route cannot skip the matrix.
const STAFF_ROUTES: &[(&str, &str, Role)] = &[
    // Any signed-in account, judges included.
    ("GET", "/api/v1/auth/me", Role::Judge),
    ("PUT", "/api/v1/auth/password", Role::Judge),
    ("GET", "/api/v1/users", Role::Admin),
    ("POST", "/api/v1/users", Role::Admin),
    ("POST", "/api/v1/users/{id}/deactivate", Role::Admin),
    ("POST", "/api/v1/users/{id}/activate", Role::Admin),
    ("PUT", "/api/v1/users/{id}/password", Role::Admin),
    ("POST", "/api/v1/users/{id}/sign-out", Role::Admin),
    ("POST", "/api/v1/programs", Role::Coordinator),
    ("PUT", "/api/v1/programs/{id}", Role::Coordinator),
    ("PUT", "/api/v1/programs/{id}/partners", Role::Coordinator),
    ("GET", "/api/v1/programs/{id}/series", Role::Viewer),
    ("POST", "/api/v1/series", Role::Coordinator),
    ("POST", "/api/v1/series/preview", Role::Coordinator),
    ("GET", "/api/v1/series/{id}", Role::Viewer),
    ("PUT", "/api/v1/series/{id}", Role::Coordinator),
    ("POST", "/api/v1/series/{id}/end", Role::Coordinator),
    ("POST", "/api/v1/sessions", Role::Coordinator),
    ("PATCH", "/api/v1/sessions/{id}", Role::Coordinator),
    ("POST", "/api/v1/sessions/{id}/cancel", Role::Coordinator),
    ("POST", "/api/v1/sessions/{id}/restore", Role::Coordinator),
    ("PUT", "/api/v1/sessions/{id}/partners", Role::Coordinator),
    ("PUT", "/api/v1/sessions/{id}/watch-link", Role::Coordinator),
    ("PUT", "/api/v1/sessions/{id}/episode", Role::Coordinator),
    (
        "POST",
        "/api/v1/programs/{slug}/audience",
        Role::Coordinator,
    ),
    ("GET", "/api/v1/sessions/{id}/conflicts", Role::Viewer),
    ("GET", "/api/v1/conflicts", Role::Viewer),
    ("GET", "/api/v1/blackouts", Role::Viewer),
    ("POST", "/api/v1/blackouts", Role::Coordinator),
    ("DELETE", "/api/v1/blackouts/{id}", Role::Coordinator),
    ("GET", "/api/v1/partners", Role::Viewer),
    ("POST", "/api/v1/partners", Role::Coordinator),
    ("GET", "/api/v1/partners/{id}", Role::Viewer),
    ("PUT", "/api/v1/partners/{id}", Role::Coordinator),
    ("DELETE", "/api/v1/partners/{id}", Role::Coordinator),
    ("GET", "/api/v1/me/calendar", Role::Viewer),
    ("POST", "/api/v1/me/calendar/reset", Role::Viewer),
    ("GET", "/api/v1/volunteers", Role::Viewer),
    ("POST", "/api/v1/volunteers", Role::Coordinator),
    ("GET", "/api/v1/volunteers/{id}", Role::Viewer),
    ("PUT", "/api/v1/volunteers/{id}", Role::Coordinator),
    (
        "POST",
        "/api/v1/volunteers/{id}/deactivate",
        Role::Coordinator,
    ),
    (
        "POST",
        "/api/v1/volunteers/{id}/activate",
        Role::Coordinator,
    ),
    ("POST", "/api/v1/volunteers/merge", Role::Coordinator),
    ("GET", "/api/v1/programs/{id}/volunteering", Role::Viewer),
    (
        "PUT",
        "/api/v1/programs/{id}/volunteering",
        Role::Coordinator,
    ),
    ("PUT", "/api/v1/sessions/{id}/roles", Role::Coordinator),
    (
        "POST",
        "/api/v1/session-roles/{id}/assign",
        Role::Coordinator,
    ),
    ("POST", "/api/v1/signups/{id}/remove", Role::Coordinator),
    ("GET", "/api/v1/sessions/{id}/roster", Role::Viewer),
    ("PUT", "/api/v1/sessions/{id}/attendance", Role::Coordinator),
    ("GET", "/api/v1/volunteering/hours", Role::Viewer),
    ("GET", "/api/v1/volunteering/hours.csv", Role::Viewer),
    ("GET", "/api/v1/mailbox", Role::Coordinator),
    (
        "GET",
        "/api/v1/partners/{id}/access-link",
        Role::Coordinator,
    ),
    (
        "POST",
        "/api/v1/partners/{id}/access-link/reset",
        Role::Coordinator,
    ),
    ("GET", "/api/v1/reports/partners", Role::Viewer),
    ("GET", "/api/v1/reports/partners.csv", Role::Viewer),
    ("GET", "/api/v1/reports/activity", Role::Viewer),
    ("GET", "/api/v1/reports/activity.csv", Role::Viewer),
    ("GET", "/api/v1/cooperation/alerts", Role::Viewer),
    ("GET", "/api/v1/agreements", Role::Viewer),
    ("POST", "/api/v1/agreements", Role::Coordinator),
    ("GET", "/api/v1/agreements/{id}", Role::Viewer),
    ("PUT", "/api/v1/agreements/{id}", Role::Coordinator),
    ("DELETE", "/api/v1/agreements/{id}", Role::Coordinator),
    (
        "POST",
        "/api/v1/agreements/{id}/documents",
        Role::Coordinator,
    ),
    (
        "GET",
        "/api/v1/agreements/{id}/documents/{document_id}",
        Role::Viewer,
    ),
    (
        "DELETE",
        "/api/v1/agreements/{id}/documents/{document_id}",
        Role::Coordinator,
    ),
    ("GET", "/api/v1/contests", Role::Viewer),
    ("POST", "/api/v1/contests", Role::Coordinator),
    ("GET", "/api/v1/contests/{id}", Role::Viewer),
    ("PUT", "/api/v1/contests/{id}", Role::Coordinator),
    ("GET", "/api/v1/contests/{id}/entries", Role::Viewer),
    (
        "POST",
        "/api/v1/contests/{id}/entries/{entry_id}/review",
        Role::Coordinator,
    ),
    (
        "GET",
        "/api/v1/contests/{id}/entries/{entry_id}/video",
        Role::Viewer,
    ),
    ("GET", "/api/v1/contests/{id}/judges", Role::Viewer),
    ("PUT", "/api/v1/contests/{id}/judges", Role::Coordinator),
    ("GET", "/api/v1/contests/{id}/conflicts", Role::Viewer),
    ("POST", "/api/v1/contests/{id}/conflicts", Role::Coordinator),
    ("GET", "/api/v1/contests/{id}/progress", Role::Viewer),
    ("GET", "/api/v1/contests/{id}/ranking", Role::Viewer),
    ("POST", "/api/v1/contests/{id}/publish", Role::Coordinator),
    ("GET", "/api/v1/judging/entries", Role::Judge),
    ("GET", "/api/v1/judging/entries/{id}", Role::Judge),
    ("PUT", "/api/v1/judging/entries/{id}/scores", Role::Judge),
    ("POST", "/api/v1/judging/entries/{id}/conflict", Role::Judge),
    ("GET", "/api/v1/judging/entries/{id}/video", Role::Judge),
    ("GET", "/staff", Role::Viewer),
    ("GET", "/staff/users", Role::Admin),
    ("GET", "/judge", Role::Judge),
];

/// Routes for the signed-in volunteer: no staff role opens them.
const VOLUNTEER_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/volunteer/me"),
    ("PUT", "/api/v1/volunteer/me"),
    ("GET", "/api/v1/volunteer/me/signups"),
    ("GET", "/api/v1/volunteer/me/calendar"),
    ("POST", "/api/v1/volunteer/me/calendar/reset"),
    ("POST", "/api/v1/session-roles/{id}/signups"),
    ("POST", "/api/v1/signups/{id}/withdraw"),
    ("POST", "/api/v1/signups/{id}/accept"),
];

/// Every plain form post of staff and judges (the pages' forms, which work without the
/// client) and the least role it needs. A test below reads the router's source, so a new form
/// route cannot skip this list.
const STAFF_FORMS: &[(&str, Role)] = &[
    ("/staff/volunteers/invite", Role::Coordinator),
    ("/staff/volunteers/{id}/active", Role::Coordinator),
    ("/staff/session-roles/{id}/assign", Role::Coordinator),
    ("/staff/signups/{id}/remove", Role::Coordinator),
    ("/staff/programs", Role::Coordinator),
    ("/staff/programs/{slug}", Role::Coordinator),
    ("/staff/programs/{slug}/sessions", Role::Coordinator),
    ("/staff/programs/{slug}/series/{id}/end", Role::Coordinator),
    ("/staff/partners", Role::Coordinator),
    ("/staff/programs/{slug}/series", Role::Coordinator),
    ("/staff/programs/{slug}/partners", Role::Coordinator),
    ("/staff/sessions/{id}/partners", Role::Coordinator),
    ("/staff/blackouts", Role::Coordinator),
    ("/staff/blackouts/{id}/delete", Role::Coordinator),
    ("/staff/sessions/{id}/edit", Role::Coordinator),
    ("/staff/sessions/{id}/cancel", Role::Coordinator),
    ("/staff/sessions/{id}/restore", Role::Coordinator),
    ("/staff/sessions/{id}/attendance", Role::Coordinator),
    ("/staff/sessions/{id}/roles", Role::Coordinator),
    ("/staff/sessions/{id}/watch-link", Role::Coordinator),
    ("/staff/sessions/{id}/episode", Role::Coordinator),
    ("/staff/programs/{slug}/audience", Role::Coordinator),
    ("/staff/programs/{slug}/volunteering", Role::Coordinator),
    ("/staff/partners/{slug}", Role::Coordinator),
    (
        "/staff/partners/{slug}/access-link/reset",
        Role::Coordinator,
    ),
    ("/staff/agreements", Role::Coordinator),
    ("/staff/agreements/{id}", Role::Coordinator),
    ("/staff/agreements/{id}/delete", Role::Coordinator),
    ("/staff/agreements/{id}/documents", Role::Coordinator),
    (
        "/staff/agreements/{id}/documents/{document_id}/delete",
        Role::Coordinator,
    ),
    ("/staff/contests", Role::Coordinator),
    ("/staff/contests/{id}", Role::Coordinator),
    (
        "/staff/contests/{id}/entries/{entry_id}/review",
        Role::Coordinator,
    ),
    ("/staff/contests/{id}/judges", Role::Coordinator),
    ("/staff/contests/{id}/publish", Role::Coordinator),
    ("/judge/entries/{id}/scores", Role::Judge),
    ("/judge/entries/{id}/conflict", Role::Judge),
    ("/staff/users/{id}/activate", Role::Admin),
    ("/staff/users/{id}/deactivate", Role::Admin),
    ("/staff/users/{id}/password", Role::Admin),
    ("/staff/users/{id}/sign-out", Role::Admin),
];

/// A well-formed body for each state-changing route, so that only the role decides.
fn body_for(method: &str, path: &str) -> Option<Value> {
    let some_id = uuid::Uuid::new_v4();
    let start = "2030-01-05T09:00:00";
    let body = match (method, path) {
        ("POST", "/api/v1/users") => json!({
            "email": format!("new-{}@siar.test", uuid::Uuid::new_v4().simple()),
            "name": "Baru",
            "role": "viewer",
            "password": common::PASSWORD,
        }),
        ("PUT", "/api/v1/users/{id}/password") => json!({"password": "kata-sandi-baru-123"}),
        ("PUT", "/api/v1/auth/password") => json!({
            "current_password": "bukan-kata-sandinya", "new_password": "kata-sandi-baru-123",
        }),
        ("POST", "/api/v1/programs") | ("PUT", "/api/v1/programs/{id}") => json!({
            "name": "Uji", "slug": format!("uji-{}", uuid::Uuid::new_v4().simple()),
            "kind": "other", "default_duration_minutes": 60, "status": "draft",
        }),
        ("PUT", _) if path.ends_with("/partners") => json!([]),
        ("POST", "/api/v1/series") => json!({
            "program_id": some_id, "start_local": start, "duration_minutes": 60,
            "rule": {"frequency": "weekly"},
        }),
        ("POST", "/api/v1/series/preview") => json!({
            "tz": "Asia/Makassar", "start_local": start, "duration_minutes": 60,
            "rule": {"frequency": "weekly"},
        }),
        ("PUT", "/api/v1/series/{id}") => json!({
            "start_local": start, "duration_minutes": 60, "rule": {"frequency": "weekly"},
        }),
        ("POST", "/api/v1/series/{id}/end") => json!({"last_day": "2030-02-01"}),
        ("POST", "/api/v1/sessions") => json!({
            "program_id": some_id, "start_local": start, "duration_minutes": 60,
        }),
        ("PATCH", _) => json!({"start_local": start, "duration_minutes": 60}),
        ("POST", "/api/v1/sessions/{id}/cancel") => json!({"reason": "Uji"}),
        ("POST", "/api/v1/blackouts") => json!({"day": "2030-01-01", "reason": "Uji"}),
        ("POST", "/api/v1/partners") | ("PUT", "/api/v1/partners/{id}") => json!({
            "name": format!("Mitra {}", uuid::Uuid::new_v4().simple()), "kind": "media",
        }),
        ("POST", "/api/v1/agreements") | ("PUT", "/api/v1/agreements/{id}") => json!({
            "title": "Uji", "form": "letter", "state": "draft", "partner_ids": [some_id],
            "starts_on": "2030-01-01",
        }),
        ("POST", "/api/v1/volunteers") | ("PUT", "/api/v1/volunteers/{id}") => json!({
            "name": "Relawan", "email": format!("r-{}@siar.test", uuid::Uuid::new_v4().simple()),
        }),
        ("POST", "/api/v1/volunteers/merge") => {
            json!({"keep": some_id, "duplicate": uuid::Uuid::new_v4()})
        }
        ("PUT", "/api/v1/programs/{id}/volunteering") => json!({
            "signup_cutoff_minutes": 60, "offer_window_minutes": 60, "roles": [],
        }),
        ("PUT", "/api/v1/sessions/{id}/roles") | ("PUT", "/api/v1/sessions/{id}/attendance") => {
            json!([])
        }
        ("POST", "/api/v1/session-roles/{id}/assign") => json!({"volunteer_id": some_id}),
        ("POST", "/api/v1/contests") | ("PUT", "/api/v1/contests/{id}") => json!({
            "program_id": some_id, "opens_at": "2030-01-01T08:00:00",
            "closes_at": "2030-02-01T08:00:00", "age_reference_date": "2030-02-01",
            "max_video_minutes": 7, "formats": ["mp4"], "entries_per_person": 1,
            "categories": [{"name": "7–9", "min_age": 7, "max_age": 9}],
            "criteria": [{"name": "Ekspresi", "weight": 1}],
        }),
        ("POST", "/api/v1/contests/{id}/entries/{entry_id}/review") => json!({"eligible": true}),
        ("PUT", "/api/v1/contests/{id}/judges") => json!([]),
        ("POST", "/api/v1/contests/{id}/conflicts") => {
            json!({"user_id": some_id, "entry_id": some_id})
        }
        ("PUT", "/api/v1/judging/entries/{id}/scores") => json!({"scores": []}),
        ("GET", "/api/v1/volunteering/hours") | ("GET", "/api/v1/volunteering/hours.csv") => {
            return None;
        }
        ("GET", _) => return None,
        // JSON, so the request is judged by its session and role rather than refused as a
        // possible cross-site form post.
        _ => json!({}),
    };
    Some(body)
}

async fn status_of(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: Option<&str>,
    method: &str,
    path: &str,
) -> u16 {
    let mut url = app.at(&path
        .replace("{id}", &uuid::Uuid::new_v4().to_string())
        .replace("{document_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{entry_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{slug}", "tidak-ada"));
    if path.starts_with("/api/v1/volunteering/hours") || path.starts_with("/api/v1/reports/") {
        url.push_str("?from=2030-01-01&to=2030-01-31");
    }
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = csrf {
        request = request.header("x-csrf-token", token);
    }
    if let Some(body) = body_for(method, path) {
        request = request.json(&body);
    }
    request.send().await.unwrap().status().as_u16()
}

/// A form post to `path` (its ids made up) carrying only the browser's CSRF token, as a page's
/// form would, so that only who sends it decides.
async fn form_status(app: &TestApp, client: &reqwest::Client, csrf: &str, path: &str) -> u16 {
    let url = app.at(&path
        .replace("{id}", &uuid::Uuid::new_v4().to_string())
        .replace("{document_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{entry_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{slug}", "tidak-ada"));
    client
        .post(url)
        .form(&[("csrf_token", csrf)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn every_staff_form_checks_the_role() {
    let app = TestApp::spawn().await;
    for (path, required) in STAFF_FORMS {
        let anonymous = app.new_browser();
        let csrf = app.csrf_token_from_page(&anonymous).await;
        let status = form_status(&app, &anonymous, &csrf, path).await;
        assert_eq!(status, 401, "anonymous POST {path}");
        for role in Role::ALL {
            let browser = app.new_browser();
            let csrf = app.signed_in_as(&browser, role).await;
            let status = form_status(&app, &browser, &csrf, path).await;
            if role.includes(*required) {
                // Past the role check: the made-up ids and empty fields are the form's to
                // answer (404, or back to the page with what is wrong).
                assert!(
                    status < 500 && status != 401 && status != 403,
                    "{role:?} POST {path}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{role:?} POST {path}");
            }
        }
    }
}

/// The form routes of staff and judges in the router's source (`.route("/staff/…",
/// post(forms::…))`), each of which must be in [`STAFF_FORMS`].
#[test]
fn the_form_matrix_covers_every_staff_form_route() {
    let source = include_str!("../src/app.rs");
    let routed: BTreeSet<&str> = source
        .split(".route(")
        .skip(1)
        .filter(|call| {
            let end = call.find(".route(").unwrap_or(call.len());
            call[..end].contains("post(forms::")
        })
        .filter_map(|call| call.split('"').nth(1))
        .filter(|path| path.starts_with("/staff") || path.starts_with("/judge"))
        .collect();
    let listed: BTreeSet<&str> = STAFF_FORMS.iter().map(|(path, _)| *path).collect();
    assert!(
        routed.len() > 20,
        "the router's form routes were found: {routed:?}"
    );
    assert_eq!(routed, listed, "form routes in app.rs vs the matrix");
}

#[tokio::test]
async fn every_staff_route_checks_the_role() {
    let app = TestApp::spawn().await;
    for (method, path, required) in STAFF_ROUTES {
        let anonymous = status_of(&app, &app.new_browser(), None, method, path).await;
        let expected_anonymous = if path.starts_with("/api/") { 401 } else { 303 };
        assert_eq!(anonymous, expected_anonymous, "anonymous {method} {path}");

        for role in Role::ALL {
            let browser = app.new_browser();
            let csrf = app.signed_in_as(&browser, role).await;
            let status = status_of(&app, &browser, Some(&csrf), method, path).await;
            if role.includes(*required) {
                // Past the role check: the route answers for itself (ids here are made up,
                // so 404 and 422 are expected).
                assert!(
                    status < 500 && status != 401 && status != 403,
                    "{role:?} {method} {path}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{role:?} {method} {path}");
            }
        }
    }
}

/// People without a staff account hold none of its rights, whatever else they hold: a
/// signed-in volunteer, and a browser that has opened a partner's and an entrant's private
/// pages.
#[tokio::test]
async fn staff_routes_are_shut_to_volunteers_and_private_link_holders() {
    let app = TestApp::spawn().await;
    let made = common::links::make_links(&app).await;
    let holder = app.new_browser();
    for url in [&made.links.partner, &made.links.entry] {
        let opened = holder.get(url.as_str()).send().await.unwrap();
        assert_eq!(opened.status(), 200, "{url}");
    }
    let identities = [
        (
            "volunteer",
            &made.volunteer,
            Some(made.volunteer_csrf.as_str()),
        ),
        ("partner and entry link holder", &holder, None),
    ];
    for (who, browser, csrf) in identities {
        for (method, path, _) in STAFF_ROUTES {
            let status = status_of(&app, browser, csrf, method, path).await;
            let expected = if path.starts_with("/api/") { 401 } else { 303 };
            assert_eq!(status, expected, "{who}: {method} {path}");
        }
    }
}

#[tokio::test]
async fn volunteer_routes_need_a_signed_in_volunteer() {
    let app = TestApp::spawn().await;
    let staff = app.new_browser();
    let csrf = app.signed_in_as(&staff, Role::Admin).await;
    for (method, path) in VOLUNTEER_ROUTES {
        let anonymous = status_of(&app, &app.new_browser(), None, method, path).await;
        assert_eq!(anonymous, 401, "anonymous {method} {path}");
        let admin = status_of(&app, &staff, Some(&csrf), method, path).await;
        assert_eq!(admin, 401, "staff are not volunteers: {method} {path}");
    }
}

#[tokio::test]
async fn the_matrix_covers_every_secured_api_operation() {
    let app = TestApp::spawn().await;
    let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut secured = BTreeSet::new();
    for (path, item) in openapi["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            if operation.get("security").is_some() {
                secured.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let listed: BTreeSet<_> = STAFF_ROUTES
        .iter()
        .filter(|(_, path, _)| path.starts_with("/api/"))
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .chain(
            VOLUNTEER_ROUTES
                .iter()
                .map(|(m, p)| (m.to_string(), p.to_string())),
        )
        .collect();
    assert!(!secured.is_empty());
    assert_eq!(
        secured, listed,
        "secured operations in OpenAPI vs the matrix"
    );
}

#[tokio::test]
async fn the_matrix_covers_every_staff_page() {
    for (prefix, permission) in server::page_guard::STAFF_PAGES {
        let role = permission.least_role();
        assert!(
            STAFF_ROUTES
                .iter()
                .any(|(m, p, r)| *m == "GET" && p == prefix && *r == role),
            "staff page {prefix} missing from the matrix"
        );
    }
}
