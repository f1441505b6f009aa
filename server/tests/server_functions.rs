//! The role matrix of the pages' server functions (`/_fn/*`), beside the REST matrix in
//! roles.rs: each is called signed out, as a volunteer and as every staff role, and must
//! refuse exactly those below the least role it needs. A second test makes sure every
//! registered server function is in the table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use serde_json::{Value, json};
use shared::dto::auth::Role;

/// Who may call a server function.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Anyone: public pages, and the volunteer's own page (which answers "not signed in" as
    /// data). Capability tokens (partner and entry links) are public too: a wrong one is a 404.
    Anyone,
    /// A staff account of at least this role.
    Staff(Role),
}

/// A call: endpoint, JSON body (POST) or query (GET), and who may make it.
struct Call {
    endpoint: &'static str,
    post: Option<fn() -> Value>,
    query: &'static str,
    needs: Needs,
}

const fn get(endpoint: &'static str, query: &'static str, needs: Needs) -> Call {
    Call {
        endpoint,
        post: None,
        query,
        needs,
    }
}

const fn post(endpoint: &'static str, body: fn() -> Value, needs: Needs) -> Call {
    Call {
        endpoint,
        post: Some(body),
        query: "",
        needs,
    }
}

const SOME_ID: &str = "01a23d4d-380c-736c-b80f-35f19aa449bb";
const START: &str = "2030-01-05T09:00:00";

use Needs::{Anyone, Staff};
use Role::{Admin, Coordinator, Judge, Viewer};

/// Every server function, with well-formed arguments (ids that exist nowhere), so that only
/// the caller decides between a refusal and the function's own answer.
const CALLS: &[Call] = &[
    get("users", "", Staff(Admin)),
    get("programs", "", Anyone),
    get("program", "slug=tidak-ada", Anyone),
    post("sessions", || json!({"query": {}}), Anyone),
    get("session", "id=01a23d4d-380c-736c-b80f-35f19aa449bb", Anyone),
    get("on_air", "program=tidak-ada", Anyone),
    get("archive", "slug=tidak-ada", Anyone),
    get(
        "conflicts",
        "from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z",
        Staff(Viewer),
    ),
    get("series", "program_slug=tidak-ada", Staff(Viewer)),
    post(
        "preview",
        || json!({"request": {"tz": "Asia/Makassar", "start_local": START, "duration_minutes": 60, "rule": {"frequency": "weekly"}}}),
        Staff(Coordinator),
    ),
    post(
        "save_program",
        || {
            json!({"id": null, "input": {
                "name": "Uji", "slug": format!("uji-{}", uuid::Uuid::new_v4().simple()),
                "kind": "other", "description": "", "cover_image_url": null, "tz": "Asia/Makassar",
                "default_duration_minutes": 60, "stream_url": null, "platform": null, "place": null,
                "status": "draft"}})
        },
        Staff(Coordinator),
    ),
    post(
        "create_series",
        || json!({"input": {"program_id": SOME_ID, "start_local": START, "duration_minutes": 60, "rule": {"frequency": "weekly"}}}),
        Staff(Coordinator),
    ),
    post(
        "edit_session",
        || json!({"id": SOME_ID, "edit": {"start_local": START, "duration_minutes": 60}}),
        Staff(Coordinator),
    ),
    post(
        "set_cancelled",
        || json!({"id": SOME_ID, "reason": "Uji"}),
        Staff(Coordinator),
    ),
    post(
        "set_partners",
        || json!({"target": {"Session": SOME_ID}, "assignments": []}),
        Staff(Coordinator),
    ),
    post(
        "end_series",
        || json!({"series_id": SOME_ID, "last_day": "2030-02-01"}),
        Staff(Coordinator),
    ),
    post(
        "create_session",
        || json!({"input": {"program_id": SOME_ID, "start_local": START, "duration_minutes": 60}}),
        Staff(Coordinator),
    ),
    get("partners", "", Staff(Viewer)),
    post(
        "create_partner",
        || json!({"input": {"name": format!("Mitra {}", uuid::Uuid::new_v4().simple()), "kind": "media"}}),
        Staff(Coordinator),
    ),
    get("blackouts", "", Staff(Viewer)),
    post(
        "create_blackout",
        || json!({"input": {"day": "2030-01-01", "reason": "Uji"}}),
        Staff(Coordinator),
    ),
    post(
        "delete_blackout",
        || json!({"id": SOME_ID}),
        Staff(Coordinator),
    ),
    get("partner_profile", "slug=tidak-ada", Anyone),
    get("my_calendar", "", Staff(Viewer)),
    get("my_volunteering", "", Anyone),
    get("open_sessions", "", Anyone),
    get(
        "session_roster",
        "id=01a23d4d-380c-736c-b80f-35f19aa449bb",
        Staff(Viewer),
    ),
    get("volunteer_overview", "", Staff(Viewer)),
    get("program_volunteering", "slug=tidak-ada", Staff(Viewer)),
    get("mailbox", "", Staff(Coordinator)),
    get("partner_detail", "slug=tidak-ada", Staff(Viewer)),
    get("agreements", "", Staff(Viewer)),
    get(
        "agreement",
        "id=01a23d4d-380c-736c-b80f-35f19aa449bb",
        Staff(Viewer),
    ),
    get("partner_access", "token=bukan-tautan-mitra", Anyone),
    get("contest", "slug=tidak-ada", Anyone),
    get("contest_results", "slug=tidak-ada", Anyone),
    get("contest_entry", "token=bukan-tautan-peserta", Anyone),
    get("contest_certificate", "token=bukan-tautan-peserta", Anyone),
    get("judge_entries", "", Staff(Judge)),
    get(
        "judge_entry",
        "id=01a23d4d-380c-736c-b80f-35f19aa449bb",
        Staff(Judge),
    ),
    get("staff_contests", "", Staff(Viewer)),
    get(
        "staff_contest",
        "id=01a23d4d-380c-736c-b80f-35f19aa449bb",
        Staff(Viewer),
    ),
    get(
        "partner_report",
        "from=2030-01-01&to=2030-01-31",
        Staff(Viewer),
    ),
    get(
        "activity_report",
        "from=2030-01-01&to=2030-12-31",
        Staff(Viewer),
    ),
    get("cooperation_alerts", "", Staff(Viewer)),
];

async fn status_of(app: &TestApp, browser: &reqwest::Client, csrf: &str, call: &Call) -> u16 {
    let mut url = app.at(&format!("/_fn/{}", call.endpoint));
    let request = match call.post {
        Some(body) => browser.post(url).header("x-csrf-token", csrf).json(&body()),
        None => {
            if !call.query.is_empty() {
                url = format!("{url}?{}", call.query);
            }
            browser.get(url)
        }
    };
    request.send().await.unwrap().status().as_u16()
}

/// Registers a volunteer and signs `browser` in by the mailed link; returns the CSRF token.
async fn volunteer_signed_in(app: &TestApp, browser: &reqwest::Client) -> String {
    let email = format!("relawan-{}@siar.test", uuid::Uuid::new_v4().simple());
    let response = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "Relawan", "email": email, "lang": "id", "skills": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    common::sign_in_volunteer(app, browser, &email).await
}

#[tokio::test]
async fn every_server_function_checks_who_calls_it() {
    let app = TestApp::spawn().await;
    let anonymous = app.new_browser();
    let anonymous_csrf = app.csrf_token_from_page(&anonymous).await;
    let volunteer = app.new_browser();
    let volunteer_csrf = volunteer_signed_in(&app, &volunteer).await;
    let mut staff = Vec::new();
    for role in Role::ALL {
        let browser = app.new_browser();
        let csrf = app.signed_in_as(&browser, role).await;
        staff.push((role, browser, csrf));
    }
    let mut wrong = Vec::new();
    for call in CALLS {
        let mut check = |who: String, status: u16, allowed: bool| {
            let ok = if allowed {
                // Past the check: the function answers for itself (the ids are made up).
                status < 500 && status != 401 && status != 403
            } else {
                status == 401 || status == 403
            };
            if !ok {
                wrong.push(format!("{who} /_fn/{}: {status}", call.endpoint));
            }
        };
        let open = matches!(call.needs, Anyone);
        let status = status_of(&app, &anonymous, &anonymous_csrf, call).await;
        check("anonymous".into(), status, open);
        let status = status_of(&app, &volunteer, &volunteer_csrf, call).await;
        check("volunteer".into(), status, open);
        for (role, browser, csrf) in &staff {
            let allowed = match call.needs {
                Anyone => true,
                Staff(least) => role.includes(least),
            };
            let status = status_of(&app, browser, csrf, call).await;
            check(format!("{role:?}"), status, allowed);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers: {wrong:#?}",
        wrong.len()
    );
}

#[tokio::test]
async fn the_table_lists_every_server_function() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = CALLS
        .iter()
        .map(|c| format!("/_fn/{}", c.endpoint))
        .collect();
    assert!(registered.len() >= 40, "{registered:?}");
    assert_eq!(
        registered, listed,
        "registered server functions vs the table"
    );
}
