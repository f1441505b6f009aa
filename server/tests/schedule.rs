//! Programs, series and sessions through the REST API, on the real database: expansion,
//! every edit mode, splits, cancel/restore, blackout dates, sequence numbers, conflicts and
//! the public view.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, NaiveDate, Utc};
use common::{StaffClient, TestApp, problem};
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::auth::Role;

fn first_saturday() -> NaiveDate {
    common::saturday_after(35)
}

fn local(day: NaiveDate, time: &str) -> String {
    format!("{day}T{time}:00")
}

async fn program(staff: &StaffClient, slug: &str, tz: &str, status: &str) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": format!("Program {slug}"), "slug": slug, "kind": "storytelling_broadcast",
                "tz": tz, "default_duration_minutes": 60, "status": status,
                "platform": "YouTube", "stream_url": "https://youtube.com/@perpus",
            }),
            201,
        )
        .await
}

async fn weekly_series(
    staff: &StaffClient,
    program_id: &Value,
    start: NaiveDate,
    count: u32,
) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/series",
            json!({
                "program_id": program_id, "start_local": local(start, "09:00"),
                "duration_minutes": 60, "host": "Kak Rina",
                "rule": {"frequency": "weekly", "weekdays": ["SA"], "end": {"kind": "count", "count": count}},
            }),
            201,
        )
        .await
}

/// Saturdays at 09:00 from [`first_saturday`], with no end (the horizon job extends it).
async fn open_ended_saturdays(staff: &StaffClient, program_id: &Value) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/series",
            json!({
                "program_id": program_id, "start_local": local(first_saturday(), "09:00"),
                "duration_minutes": 60, "rule": {"frequency": "weekly", "weekdays": ["SA"]},
            }),
            201,
        )
        .await
}

async fn sessions_of(staff: &StaffClient, program_id: &Value) -> Vec<Value> {
    staff.sessions_of(program_id).await
}

fn starts(sessions: &[Value]) -> Vec<String> {
    sessions
        .iter()
        .map(|s| s["start_local"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_weekly_series_becomes_sessions_at_local_time() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let series = weekly_series(&staff, &p["id"], sat, 5).await;
    assert_eq!(series["rrule"], "FREQ=WEEKLY;BYDAY=SA;COUNT=5");
    assert_eq!(series["zone_label"], "WITA");

    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions.len(), 5);
    assert_eq!(
        sessions[1]["start_local"],
        local(sat + Duration::days(7), "09:00")
    );
    // 09:00 WITA is 01:00 UTC.
    assert!(
        sessions[0]["starts_at"]
            .as_str()
            .unwrap()
            .ends_with("T01:00:00Z")
    );
    assert_eq!(sessions[0]["title"], "Program dongkelor");
    assert_eq!(sessions[0]["host"], "Kak Rina");
    assert_eq!(sessions[0]["sequence"], 0);
    assert!(sessions[0]["uid"].as_str().unwrap().ends_with("@siar"));

    // Filtered by range and paginated.
    let from = format!("{}T00:00:00Z", sat + Duration::days(7));
    let to = format!("{}T00:00:00Z", sat + Duration::days(21));
    let page = staff
        .get_json(&format!(
            "/api/v1/sessions?from={from}&to={to}&per_page=1&page=2"
        ))
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(
        page["items"][0]["start_local"],
        local(sat + Duration::days(14), "09:00")
    );
}

#[tokio::test]
async fn daylight_saving_zones_keep_the_wall_clock() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "amsterdam", "Europe/Amsterdam", "draft").await;
    // Weekly on Sundays at 09:00 across the last Sunday of March 2031 (clocks go forward).
    staff
        .expect(
            Method::POST,
            "/api/v1/series",
            json!({
                "program_id": p["id"], "start_local": "2031-03-23T09:00:00", "duration_minutes": 60,
                "rule": {"frequency": "weekly", "weekdays": ["SU"], "end": {"kind": "count", "count": 2}},
            }),
            201,
        )
        .await;
    let page = staff
        .get_json(&format!(
            "/api/v1/sessions?program_id={}&from=2031-01-01T00:00:00Z",
            p["id"].as_str().unwrap()
        ))
        .await;
    let items = page["items"].as_array().unwrap();
    // The horizon is twelve months, so far-future series only materialise once in range;
    // the rule itself is checked by the preview, which has no horizon.
    let preview = staff
        .expect(
            Method::POST,
            "/api/v1/series/preview",
            json!({
                "tz": "Europe/Amsterdam", "start_local": "2031-03-23T09:00:00", "duration_minutes": 60,
                "rule": {"frequency": "weekly", "weekdays": ["SU"], "end": {"kind": "count", "count": 2}},
            }),
            200,
        )
        .await;
    let utc: Vec<_> = preview["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(utc, ["2031-03-23T08:00:00Z", "2031-03-30T07:00:00Z"]);
    assert_eq!(preview["summary_en"], "Every Sunday at 09:00 CET, 2 times");
    assert!(items.len() <= 2);
}

#[tokio::test]
async fn bad_input_is_reported_on_its_field_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;

    let taken = staff
        .send(
            Method::POST,
            "/api/v1/programs",
            Some(json!({"name": "Lagi", "slug": "dongkelor", "kind": "other", "default_duration_minutes": 60, "status": "draft"})),
        )
        .await;
    let body = problem(taken, 422).await;
    assert!(body["errors"]["slug"].is_array(), "{body}");

    let zone = staff
        .client
        .post(app.at("/api/v1/programs"))
        .header("x-csrf-token", &staff.csrf)
        .header("accept-language", "en")
        .json(&json!({"name": "X", "slug": "x-zone", "kind": "other", "tz": "Asia/Atlantis", "default_duration_minutes": 60, "status": "draft"}))
        .send()
        .await
        .unwrap();
    let body = problem(zone, 422).await;
    assert_eq!(
        body["errors"]["tz"][0],
        "Unknown time zone; use an IANA name such as Asia/Makassar."
    );

    let sat = first_saturday();
    // Saturdays only, but every Monday asked for, ending before any Monday comes.
    let no_dates = staff
        .send(
            Method::POST,
            "/api/v1/series",
            Some(json!({
                "program_id": p["id"], "start_local": local(sat, "09:00"), "duration_minutes": 60,
                "rule": {"frequency": "weekly", "weekdays": ["MO"], "end": {"kind": "until", "date": sat + Duration::days(1)}},
            })),
        )
        .await;
    let body = problem(no_dates, 422).await;
    assert_eq!(
        body["errors"]["rule"][0],
        "Aturan ini tidak menghasilkan satu tanggal pun."
    );

    let end_before_start = staff
        .send(
            Method::POST,
            "/api/v1/series",
            Some(json!({
                "program_id": p["id"], "start_local": local(sat, "09:00"), "duration_minutes": 60,
                "rule": {"frequency": "weekly", "end": {"kind": "until", "date": sat - Duration::days(7)}},
            })),
        )
        .await;
    let body = problem(end_before_start, 422).await;
    assert!(body["errors"]["rule.end"].is_array(), "{body}");

    assert!(sessions_of(&staff, &p["id"]).await.is_empty());
    let again = staff
        .get_json(&format!("/api/v1/programs/{}", p["id"].as_str().unwrap()))
        .await;
    assert_eq!(again["slug"], "dongkelor");
}

#[tokio::test]
async fn editing_one_session_detaches_it_and_bumps_its_sequence() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let series = weekly_series(&staff, &p["id"], sat, 4).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    let second = sessions[1]["id"].as_str().unwrap();

    let moved = staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{second}"),
            json!({"scope": "this", "start_local": local(sat + Duration::days(8), "10:00"), "duration_minutes": 90, "host": "Kak Dewi"}),
            200,
        )
        .await;
    assert_eq!(
        moved["session"]["start_local"],
        local(sat + Duration::days(8), "10:00")
    );
    assert_eq!(moved["session"]["sequence"], 1);
    assert_eq!(moved["session"]["detached"], true);

    // The whole series moves to 10:30; the session edited on its own keeps its edits.
    let series_id = series["id"].as_str().unwrap();
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/series/{series_id}"),
            json!({"start_local": local(sat, "10:30"), "duration_minutes": 60, "host": "Kak Rina", "rule": {"frequency": "weekly", "weekdays": ["SA"], "end": {"kind": "count", "count": 4}}}),
            200,
        )
        .await;
    let after = sessions_of(&staff, &p["id"]).await;
    assert_eq!(
        starts(&after),
        [
            local(sat, "10:30"),
            local(sat + Duration::days(8), "10:00"),
            local(sat + Duration::days(14), "10:30"),
            local(sat + Duration::days(21), "10:30"),
        ]
    );
    // Rows keep their ids (and so UIDs) when the series moves; moved ones are re-sequenced.
    assert_eq!(after[0]["id"], sessions[0]["id"]);
    assert_eq!(after[0]["sequence"], 1);
    assert_eq!(after[1]["sequence"], 1);

    // Unless staff ask to reset individual edits.
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/series/{series_id}"),
            json!({"start_local": local(sat, "10:30"), "duration_minutes": 60, "rule": {"frequency": "weekly", "weekdays": ["SA"], "end": {"kind": "count", "count": 4}}, "reset_individual_edits": true}),
            200,
        )
        .await;
    let reset = sessions_of(&staff, &p["id"]).await;
    assert_eq!(
        reset[1]["start_local"],
        local(sat + Duration::days(7), "10:30")
    );
    assert_eq!(reset[1]["detached"], false);
    assert_eq!(reset[1]["sequence"], 2);
}

#[tokio::test]
async fn this_and_following_splits_the_series() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let series = weekly_series(&staff, &p["id"], sat, 6).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    let third = sessions[2]["id"].as_str().unwrap();

    // From the third session on: Sundays at 16:00, hosted by someone else.
    let outcome = staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{third}"),
            json!({"scope": "following", "start_local": local(sat + Duration::days(15), "16:00"), "duration_minutes": 60, "host": "Kak Andi"}),
            200,
        )
        .await;
    assert_eq!(outcome["changed"], 4);
    let after = sessions_of(&staff, &p["id"]).await;
    assert_eq!(after.len(), 6, "COUNT=6 still holds across both halves");
    assert_eq!(
        starts(&after),
        [
            local(sat, "09:00"),
            local(sat + Duration::days(7), "09:00"),
            local(sat + Duration::days(15), "16:00"),
            local(sat + Duration::days(22), "16:00"),
            local(sat + Duration::days(29), "16:00"),
            local(sat + Duration::days(36), "16:00"),
        ]
    );
    assert_eq!(
        after[2]["id"], sessions[2]["id"],
        "rows keep their identity"
    );
    assert_eq!(after[2]["host"], "Kak Andi");
    assert_eq!(after[0]["host"], "Kak Rina");
    let new_series = after[2]["series_id"].as_str().unwrap();
    assert_ne!(new_series, series["id"].as_str().unwrap());
    let new = staff
        .get_json(&format!("/api/v1/series/{new_series}"))
        .await;
    assert_eq!(new["split_from"], series["id"]);
    assert_eq!(new["rule"]["weekdays"], json!(["SU"]));
    assert_eq!(new["rule"]["end"], json!({"kind": "count", "count": 4}));
    let old = staff
        .get_json(&format!(
            "/api/v1/series/{}",
            series["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(old["rule"]["end"]["kind"], "until");

    // Ending the new series after its first Sunday removes the rest.
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/series/{new_series}/end"),
            json!({"last_day": sat + Duration::days(22)}),
            200,
        )
        .await;
    assert_eq!(sessions_of(&staff, &p["id"]).await.len(), 4);
}

#[tokio::test]
async fn all_future_sessions_take_a_new_time() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    weekly_series(&staff, &p["id"], sat, 3).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    let second = sessions[1]["id"].as_str().unwrap();
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{second}"),
            json!({"scope": "all", "start_local": local(sat + Duration::days(7), "08:00"), "duration_minutes": 45}),
            200,
        )
        .await;
    let after = sessions_of(&staff, &p["id"]).await;
    assert_eq!(
        starts(&after),
        [
            local(sat, "08:00"),
            local(sat + Duration::days(7), "08:00"),
            local(sat + Duration::days(14), "08:00"),
        ]
    );
    assert_eq!(
        after[2]["end_local"],
        local(sat + Duration::days(14), "08:45")
    );
    assert!(after.iter().all(|s| s["sequence"] == 1));
}

#[tokio::test]
async fn cancelled_sessions_stay_listed_and_can_be_restored() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    weekly_series(&staff, &p["id"], sat, 3).await;
    let first = sessions_of(&staff, &p["id"]).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let missing_reason = staff
        .send(
            Method::POST,
            &format!("/api/v1/sessions/{first}/cancel"),
            Some(json!({"reason": " "})),
        )
        .await;
    assert!(problem(missing_reason, 422).await["errors"]["reason"].is_array());

    let cancelled = staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{first}/cancel"),
            json!({"reason": "Pendongeng sakit"}),
            200,
        )
        .await;
    assert_eq!(cancelled["session"]["status"], "cancelled");
    assert_eq!(cancelled["session"]["sequence"], 1);

    // The public still sees it, marked cancelled with the reason.
    let public = app.get(&format!("/api/v1/sessions/{first}")).await;
    let public: Value = public.json().await.unwrap();
    assert_eq!(public["status"], "cancelled");
    assert_eq!(public["cancel_reason"], "Pendongeng sakit");

    let restored = staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{first}/restore"),
            json!({}),
            200,
        )
        .await;
    assert_eq!(restored["session"]["status"], "scheduled");
    assert_eq!(restored["session"]["sequence"], 2);
}

#[tokio::test]
async fn blackout_dates_skip_sessions_and_give_them_back() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let holiday = sat + Duration::days(7);
    // A day off for everyone, set before the series exists...
    let blackout = staff
        .expect(
            Method::POST,
            "/api/v1/blackouts",
            json!({"day": holiday, "reason": "Hari libur"}),
            201,
        )
        .await;
    weekly_series(&staff, &p["id"], sat, 3).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions[1]["status"], "cancelled");
    assert_eq!(sessions[1]["cancel_reason"], "Hari libur");
    assert_eq!(sessions[0]["status"], "scheduled");

    // ...and one for this program only, set after.
    let second = staff
        .expect(
            Method::POST,
            "/api/v1/blackouts",
            json!({"program_id": p["id"], "day": sat + Duration::days(14), "reason": "Renovasi studio"}),
            201,
        )
        .await;
    assert_eq!(second["skipped_sessions"], 1);
    let listed = staff.get_json("/api/v1/blackouts").await;
    let skipped: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["skipped_sessions"].clone())
        .collect();
    assert_eq!(skipped, [json!(1), json!(1)]);
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions[2]["status"], "cancelled");
    assert_eq!(sessions[2]["sequence"], 1);

    let id = blackout["id"].as_str().unwrap();
    let response = staff
        .send(Method::DELETE, &format!("/api/v1/blackouts/{id}"), None)
        .await;
    assert_eq!(response.status(), 204);
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions[1]["status"], "scheduled");
    assert_eq!(sessions[1]["sequence"], 1);
}

#[tokio::test]
async fn a_day_off_cancels_every_session_of_its_programs_on_that_day() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "talkshow", "Asia/Makassar", "published").await;
    let other = program(&staff, "dapur", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let holiday = sat + Duration::days(7);
    weekly_series(&staff, &p["id"], sat, 3).await;
    // On the holiday: the series' session moved by hand, a one-off session, and a one-off of
    // another program, which this program's day off does not cover.
    let in_series = sessions_of(&staff, &p["id"]).await[1]["id"].clone();
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", in_series.as_str().unwrap()),
            json!({"scope": "this", "start_local": local(holiday, "11:00"), "duration_minutes": 60}),
            200,
        )
        .await;
    let one_off = |program: &Value, time: &str| {
        staff.expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": local(holiday, time), "duration_minutes": 60}),
            201,
        )
    };
    let extra = one_off(&p, "15:00").await["session"]["id"].clone();
    let elsewhere = one_off(&other, "15:00").await["session"]["id"].clone();
    let staff = &staff;
    let status = |id: &Value| {
        let path = format!("/api/v1/sessions/{}", id.as_str().unwrap());
        async move { staff.get_json(&path).await["status"].clone() }
    };

    let day_off = staff
        .expect(
            Method::POST,
            "/api/v1/blackouts",
            json!({"program_id": p["id"], "day": holiday, "reason": "Hari raya"}),
            201,
        )
        .await;
    assert_eq!(day_off["skipped_sessions"], 2);
    assert_eq!(status(&in_series).await, "cancelled");
    assert_eq!(status(&extra).await, "cancelled");
    assert_eq!(status(&elsewhere).await, "scheduled");

    let id = day_off["id"].as_str().unwrap();
    let removed = staff
        .send(Method::DELETE, &format!("/api/v1/blackouts/{id}"), None)
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(status(&in_series).await, "scheduled");
    assert_eq!(status(&extra).await, "scheduled");
}

#[tokio::test]
async fn overlapping_bookings_are_reported_as_conflicts() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let a = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let b = program(&staff, "dapur-pustaka", "Asia/Makassar", "published").await;
    let fajar = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Harian FAJAR Makassar", "kind": "media"}),
            201,
        )
        .await;
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/programs/{}/partners", a["id"].as_str().unwrap()),
            json!([{"partner_id": fajar["id"], "role": "media_partner"}]),
            200,
        )
        .await;
    let sat = first_saturday();
    weekly_series(&staff, &a["id"], sat, 1).await;
    // Same host, same time, another program; and a second session of the first program.
    let other = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": b["id"], "start_local": local(sat, "09:30"), "duration_minutes": 60, "host": "kak rina"}),
            201,
        )
        .await;
    assert_eq!(other["conflicts"][0]["kind"], "same_host");
    let twin = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": a["id"], "start_local": local(sat, "09:15"), "duration_minutes": 30}),
            201,
        )
        .await;
    let kinds: Vec<_> = twin["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].clone())
        .collect();
    assert!(kinds.contains(&json!("same_program")), "{kinds:?}");
    assert!(kinds.contains(&json!("same_partner")), "{kinds:?}");

    let from = format!("{sat}T00:00:00Z");
    let all = staff
        .get_json(&format!("/api/v1/conflicts?from={from}"))
        .await;
    assert!(all.as_array().unwrap().len() >= 3, "{all}");
    // The staff calendar marks the sessions in a conflict.
    let month = staff
        .page(&format!("/staff/calendar?view=month&date={sat}"))
        .await;
    let marked = month.matches("data-testid=\"clash\"").count();
    assert!(marked >= 2, "{marked} marked in {month}");

    // Cancelled sessions conflict with nothing.
    let twin_id = twin["session"]["id"].as_str().unwrap();
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{twin_id}/cancel"),
            json!({"reason": "Bentrok"}),
            200,
        )
        .await;
    let conflicts = staff
        .get_json(&format!("/api/v1/sessions/{twin_id}/conflicts"))
        .await;
    assert_eq!(conflicts, json!([]));
}

#[tokio::test]
async fn the_public_sees_published_programs_only() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let published = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let draft = program(&staff, "rahasia", "Asia/Makassar", "draft").await;
    let sat = first_saturday();
    weekly_series(&staff, &published["id"], sat, 2).await;
    weekly_series(&staff, &draft["id"], sat, 2).await;

    let page: Value = app.get("/api/v1/sessions").await.json().await.unwrap();
    assert_eq!(page["total"], 2);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["program_slug"] == "dongkelor")
    );
    let programs: Value = app.get("/api/v1/programs").await.json().await.unwrap();
    assert_eq!(programs.as_array().unwrap().len(), 1);
    let hidden = app
        .get(&format!(
            "/api/v1/programs/{}",
            draft["id"].as_str().unwrap()
        ))
        .await;
    problem(hidden, 404).await;
    // Staff see both.
    assert_eq!(staff.get_json("/api/v1/sessions").await["total"], 4);
    // Filters: by slug and by kind.
    let by_slug: Value = app
        .get("/api/v1/sessions?program=dongkelor&kind=storytelling_broadcast")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_slug["total"], 2);
    let by_kind: Value = app
        .get("/api/v1/sessions?kind=talk_show")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_kind["total"], 0);
}

#[tokio::test]
async fn the_demo_schedule_has_the_four_programs_four_partners_and_the_contest() {
    let app = TestApp::spawn().await;
    assert!(server::demo::seed(&app.db, &app.url).await.unwrap());
    let programs: Value = app.get("/api/v1/programs").await.json().await.unwrap();
    let slugs: Vec<_> = programs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "dapur-pustaka",
            "dongeng-lintas-benua",
            "dongeng-dari-leiden",
            "dongkelor",
            "lomba-bercerita",
            "talkshow-duta-baca"
        ]
    );
    let contest: Value = app
        .get("/api/v1/public/contests/lomba-bercerita")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(contest["window"], "open");
    assert_eq!(contest["categories"].as_array().unwrap().len(), 3);

    let from = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let page: Value = app
        .get(&format!(
            "/api/v1/sessions?program=dongkelor&per_page=5&from={from}"
        ))
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(
        items[0]["start_local"].as_str().unwrap()[11..16].to_owned(),
        "09:00"
    );
    assert_eq!(items[0]["zone_label"], "WITA");
    assert_eq!(items[1]["status"], "cancelled");
    assert_eq!(items[2]["detached"], true, "one session moved");
    assert!(
        items[2]["start_local"]
            .as_str()
            .unwrap()
            .ends_with("10:00:00")
    );
    assert!(
        page["total"].as_u64().unwrap() >= 52,
        "twelve months of Saturdays"
    );

    let staff = StaffClient::new(&app, Role::Viewer).await;
    let partners = staff.get_json("/api/v1/partners").await;
    assert_eq!(partners.as_array().unwrap().len(), 4);
    let dapur = programs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "dapur-pustaka")
        .unwrap();
    let series = staff
        .get_json(&format!(
            "/api/v1/programs/{}/series",
            dapur["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(series[0]["rrule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE");

    // Dongkelor's past: twenty episodes over two years, with recordings and audience.
    let archive: Value = app
        .get("/api/v1/programs/dongkelor/archive")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(archive["total"], 20, "{archive}");
    assert_eq!(archive["years"].as_array().unwrap().len(), 2, "{archive}");
    let newest = &archive["items"][0]["episode"];
    assert!(newest["recording"]["url"].is_string(), "{newest}");
    assert!(!newest["books"].as_array().unwrap().is_empty());
    let audience = staff
        .get_json(&format!(
            "/api/v1/sessions/{}",
            archive["items"][0]["id"].as_str().unwrap()
        ))
        .await;
    assert!(audience["episode"]["audience"]["viewers"].as_u64().unwrap() > 0);
    // Seeding again changes nothing.
    assert!(!server::demo::seed(&app.db, &app.url).await.unwrap());
}

#[tokio::test]
async fn home_leads_to_every_program_the_contest_and_this_weeks_sessions() {
    let app = TestApp::spawn().await;
    server::demo::seed(&app.db, &app.url).await.unwrap();
    let html = app.get("/").await.text().await.unwrap();
    for href in [
        "/programs/dongkelor",
        "/programs/dapur-pustaka",
        "/programs/talkshow-duta-baca",
        "/contests/lomba-bercerita",
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "home links {href}"
        );
    }
    // Dongkelor is on every Saturday: the coming seven days hold one.
    assert!(
        html.contains("href=\"/sessions/"),
        "this week's sessions are listed"
    );
}

#[tokio::test]
async fn a_session_page_says_where_to_watch_and_calendars_get_the_place() {
    let app = TestApp::spawn().await;
    server::demo::seed(&app.db, &app.url).await.unwrap();
    let page: Value = app
        .get("/api/v1/sessions?program=dongkelor&per_page=1")
        .await
        .json()
        .await
        .unwrap();
    let session = &page["items"][0];
    assert_eq!(session["platform"], "YouTube");
    let id = session["id"].as_str().unwrap();
    let html = app
        .get(&format!("/sessions/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"href="https://www.youtube.com/@dispusipmakassar""#),
        "the stream link"
    );
    assert!(html.contains("Tonton di"), "labelled");
    // Google's and Outlook's "add" links carry the location the feeds carry.
    let encoded = "location=https%3A%2F%2Fwww%2Eyoutube%2Ecom%2F%40dispusipmakassar";
    assert_eq!(html.matches(encoded).count(), 2, "{html}");
}

#[tokio::test]
async fn public_pages_render_on_the_server_with_their_status() {
    let app = TestApp::spawn().await;
    server::demo::seed(&app.db, &app.url).await.unwrap();
    let page = app.get("/programs/dongkelor").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<h1>Dongkelor</h1>"),
        "server-rendered program page"
    );
    assert!(
        html.contains("09.00–10.00 WITA"),
        "times in the program's zone, named"
    );

    let missing = app.get("/programs/tidak-ada").await;
    assert_eq!(missing.status(), 404);

    let from = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let page: Value = app
        .get(&format!(
            "/api/v1/sessions?program=dongkelor&per_page=2&from={from}"
        ))
        .await
        .json()
        .await
        .unwrap();
    let cancelled = page["items"][1]["id"].as_str().unwrap();
    let html = app
        .get(&format!("/sessions/{cancelled}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Dibatalkan"), "a cancelled session says so");

    // Server functions answer field errors with 422 and the problem document. The preview
    // spends CPU, so it is for staff only.
    let preview = json!({"request": {"tz": "Asia/Atlantis", "start_local": "2030-01-05T09:00:00", "duration_minutes": 60, "rule": {"frequency": "weekly"}}});
    let anonymous = app.new_browser();
    let response = anonymous
        .post(app.at("/_fn/preview"))
        .json(&preview)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let staff = app.new_browser();
    app.signed_in_as(&staff, Role::Coordinator).await;
    let response = staff
        .post(app.at("/_fn/preview"))
        .json(&preview)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"]["tz"].is_array(), "{body}");
}

#[tokio::test]
async fn the_horizon_job_extends_open_ended_series() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    open_ended_saturdays(&staff, &p["id"]).await;
    let before = sessions_of(&staff, &p["id"]).await.len();
    assert!(before >= 50, "about twelve months of Saturdays: {before}");

    // Ninety days on, the job adds the Saturdays that came into the horizon, once.
    let later = Utc::now() + Duration::days(90);
    assert_eq!(
        server::services::series::extend_horizons(&app.db, later)
            .await
            .unwrap(),
        1
    );
    let after = sessions_of(&staff, &p["id"]).await.len();
    assert!(
        (before + 12..=before + 14).contains(&after),
        "{before} → {after}"
    );
    assert_eq!(
        server::services::series::extend_horizons(&app.db, later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(sessions_of(&staff, &p["id"]).await.len(), after);
}

#[tokio::test]
async fn partners_take_roles_on_single_sessions() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "talkshow", "Asia/Makassar", "published").await;
    let uin = staff
        .expect(Method::POST, "/api/v1/partners", json!({"name": "Perpustakaan UIN Alauddin Makassar", "kind": "library", "contact_email": "bad address"}), 422)
        .await;
    assert!(uin["errors"]["contact_email"].is_array(), "{uin}");
    let uin = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Perpustakaan UIN Alauddin Makassar", "kind": "library"}),
            201,
        )
        .await;
    weekly_series(&staff, &p["id"], first_saturday(), 2).await;
    let session = sessions_of(&staff, &p["id"]).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/sessions/{session}/partners");

    let unknown = staff
        .send(
            Method::PUT,
            &path,
            Some(json!([{"partner_id": uuid::Uuid::new_v4(), "role": "guest"}])),
        )
        .await;
    assert!(problem(unknown, 422).await["errors"]["partners.0.partner_id"].is_array());

    let twice = json!([{"partner_id": uin["id"], "role": "guest"}, {"partner_id": uin["id"], "role": "guest"}]);
    let outcome = staff.expect(Method::PUT, &path, twice, 200).await;
    assert_eq!(
        outcome["session"]["partners"],
        json!([{"partner_id": uin["id"], "partner_name": "Perpustakaan UIN Alauddin Makassar",
                "partner_slug": "perpustakaan-uin-alauddin-makassar", "role": "guest",
                "answer": "requested"}])
    );
    assert_eq!(outcome["session"]["sequence"], 1);
    // The partner filter finds it.
    let page: Value = app
        .get(&format!(
            "/api/v1/sessions?partner={}",
            uin["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
}

/// The program editor, rendered on the server, ends its answer every time. It once held one
/// response in about ten open after its last byte (a browser-only resource read under
/// server rendering): the page looked complete while the browser kept loading.
#[tokio::test]
async fn the_program_editor_page_finishes_every_answer() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let slug = format!("editor-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let p = program(&staff, &slug, "Asia/Makassar", "published").await;
    weekly_series(&staff, &p["id"], first_saturday(), 8).await;

    for attempt in 1..=40 {
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            let response = staff
                .client
                .get(app.at(&format!("/staff/programs/{slug}")))
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        })
        .await;
        let Ok((status, html)) = answer else {
            panic!(
                "attempt {attempt} ({}): the answer never ended",
                app.backend
            );
        };
        assert_eq!(status, 200, "attempt {attempt}");
        assert!(
            html.contains("series-builder"),
            "attempt {attempt}: the editor is on the page"
        );
    }
}

/// An "all" edit of the first half of a split series keeps it ending before the split: the
/// split day belongs to the second half only.
#[tokio::test]
async fn an_all_edit_after_a_split_keeps_the_split_day_in_the_new_series() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let series = weekly_series(&staff, &p["id"], sat, 6).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    let (first, third) = (
        sessions[0]["id"].as_str().unwrap(),
        sessions[2]["id"].as_str().unwrap(),
    );
    let split_day = sat + Duration::days(14);
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{third}"),
            json!({"scope": "following", "start_local": local(split_day, "18:00"), "duration_minutes": 60}),
            200,
        )
        .await;
    let old_id = series["id"].as_str().unwrap();
    let old_rule = staff.get_json(&format!("/api/v1/series/{old_id}")).await["rule"].clone();
    assert_eq!(
        old_rule["end"],
        json!({"kind": "until", "date": split_day - Duration::days(1)}),
        "the first half ends the day before the split"
    );

    // The first half, all of it: a new title, then a later time of day.
    for (time, title) in [("09:00", "Dongeng pagi"), ("19:00", "Dongeng malam")] {
        staff
            .expect(
                Method::PATCH,
                &format!("/api/v1/sessions/{first}"),
                json!({"scope": "all", "start_local": local(sat, time), "duration_minutes": 60, "title": title}),
                200,
            )
            .await;
        let after = sessions_of(&staff, &p["id"]).await;
        let on_split_day: Vec<String> = starts(&after)
            .into_iter()
            .filter(|s| s.starts_with(&split_day.to_string()))
            .collect();
        assert_eq!(on_split_day, [local(split_day, "18:00")], "after {title}");
        assert_eq!(after.len(), 6, "after {title}");
        let rule = staff.get_json(&format!("/api/v1/series/{old_id}")).await["rule"].clone();
        assert_eq!(rule["end"], old_rule["end"], "after {title}");
    }
}

/// One request cannot store tens of thousands of sessions (a daily series from 1900): the
/// rule is refused on its field, in the reader's language, and nothing is saved.
#[tokio::test]
async fn a_series_too_large_to_store_at_once_is_refused() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "harian", "Asia/Makassar", "published").await;
    let response = staff
        .send(
            Method::POST,
            "/api/v1/series",
            Some(json!({
                "program_id": p["id"], "start_local": "1900-01-01T09:00:00", "duration_minutes": 60,
                "rule": {"frequency": "daily", "end": {"kind": "never"}},
            })),
        )
        .await;
    let body = problem(response, 422).await;
    let message = body["errors"]["rule"][0].as_str().unwrap_or_default();
    assert!(message.contains("2500"), "{body}");
    assert!(
        sessions_of(&staff, &p["id"]).await.is_empty(),
        "nothing was stored"
    );
    let series = staff
        .get_json(&format!(
            "/api/v1/programs/{}/series",
            p["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(series, json!([]));
}

/// Several instances run the horizon job at once: each finishes without an error, and the
/// Saturdays that came into the horizon are added exactly once.
#[tokio::test]
async fn instances_extending_the_same_horizon_at_once_all_finish_quietly() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    open_ended_saturdays(&staff, &p["id"]).await;
    let before = sessions_of(&staff, &p["id"]).await.len();
    let later = Utc::now() + Duration::days(90);
    let runs = (0..4).map(|_| server::services::series::extend_horizons(&app.db, later));
    for (run, outcome) in futures_util::future::join_all(runs)
        .await
        .into_iter()
        .enumerate()
    {
        assert!(outcome.is_ok(), "run {run} ({}): {outcome:?}", app.backend);
    }
    let after = sessions_of(&staff, &p["id"]).await;
    assert!(
        (before + 12..=before + 14).contains(&after.len()),
        "{before} → {}",
        after.len()
    );
    let mut starts = starts(&after);
    starts.dedup();
    assert_eq!(starts.len(), after.len(), "no Saturday twice");
}

/// Staff editing one session from several tabs at once: every request is answered, none with
/// a server error. Found by schemathesis: on SQLite a transaction that read first and wrote
/// later failed with "database is locked" once another writer had committed in between.
#[tokio::test]
async fn staff_editing_one_session_at_once_never_get_a_server_error() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongkelor", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    weekly_series(&staff, &p["id"], sat, 4).await;
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Harian Fajar", "kind": "media"}),
            201,
        )
        .await;
    let session = sessions_of(&staff, &p["id"]).await[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let partners_path = format!("/api/v1/sessions/{session}/partners");
    let session_path = format!("/api/v1/sessions/{session}");
    let edits = (0..12u32).map(|i| match i % 3 {
        0 => staff.send(Method::PUT, &partners_path, Some(json!([]))),
        1 => staff.send(
            Method::PUT,
            &partners_path,
            Some(json!([{"partner_id": partner["id"], "role": "guest"}])),
        ),
        _ => staff.send(
            Method::PATCH,
            &session_path,
            Some(json!({"scope": "this", "start_local": local(sat + Duration::days(7), &format!("{:02}:00", 8 + i)), "duration_minutes": 60})),
        ),
    });
    for response in futures_util::future::join_all(edits).await {
        let status = response.status();
        assert!(
            status.is_success(),
            "{} {status}: {}",
            app.backend,
            response.text().await.unwrap()
        );
    }
}

#[tokio::test]
async fn the_session_editor_s_forms_work_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let program = program(&staff, "tanpa-js", "Asia/Makassar", "published").await;
    let day = first_saturday();
    let outcome = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": local(day, "09:00"), "duration_minutes": 60}),
            201,
        )
        .await;
    let id = outcome["session"]["id"].as_str().unwrap().to_owned();
    let editor = format!("/staff/sessions/{id}");

    // The page's forms post to the server by themselves, with the CSRF token.
    let html = staff
        .client
        .get(app.at(&editor))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Its fields carry the session's values, so a form sent without the client keeps them.
    let start_field = html
        .split("id=\"session-start\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(
        start_field.contains(&format!("value=\"{day}T09:00\"")),
        "the start field is filled: {start_field}"
    );
    for action in ["edit", "cancel"] {
        assert!(
            html.contains(&format!(
                "method=\"post\" action=\"/staff/sessions/{id}/{action}\""
            )),
            "{action} form posts by itself"
        );
    }

    // A bad start comes back to the editor with the field's error; nothing changes.
    let refused = staff
        .post_form(
            &format!("{editor}/edit"),
            &[("start_local", "5 Desember"), ("duration_minutes", "60")],
        )
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with(&format!("{editor}?errors=")),
        "{location}"
    );
    assert!(location.contains("start_local"), "{location}");
    let page = staff.client.get(app.at(&location)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("aria-invalid=\"true\""),
        "the field is marked"
    );
    let session: Value = app
        .get(&format!("/api/v1/sessions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["start_local"], local(day, "09:00"));

    // A move is saved and confirmed.
    let moved = staff
        .post_form(
            &format!("{editor}/edit"),
            &[
                ("start_local", &format!("{day}T10:30")),
                ("duration_minutes", "90"),
                ("title", "Program tanpa-js"),
                ("host", "Kak Rina"),
                ("scope", "this"),
            ],
        )
        .await;
    assert_eq!(common::see_other(&moved), format!("{editor}?saved=edit"));
    let confirmed = staff
        .client
        .get(app.at(&format!("{editor}?saved=edit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        confirmed.contains("Perubahan tersimpan."),
        "the move is confirmed"
    );
    let session: Value = app
        .get(&format!("/api/v1/sessions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["start_local"], local(day, "10:30"));
    assert_eq!(session["host"], "Kak Rina");
    assert_eq!(session["title"], "Program tanpa-js");

    // Cancel with a reason, then restore.
    let cancelled = staff
        .post_form(&format!("{editor}/cancel"), &[("reason", "Listrik padam")])
        .await;
    assert_eq!(
        common::see_other(&cancelled),
        format!("{editor}?saved=cancelled")
    );
    let session: Value = app
        .get(&format!("/api/v1/sessions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["status"], "cancelled");
    assert_eq!(session["cancel_reason"], "Listrik padam");
    let restored = staff.post_form(&format!("{editor}/restore"), &[]).await;
    assert_eq!(
        common::see_other(&restored),
        format!("{editor}?saved=restored")
    );
    let session: Value = app
        .get(&format!("/api/v1/sessions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(session["status"], "scheduled");

    // Only those who plan the schedule may.
    let viewer = StaffClient::new(&app, Role::Viewer).await;
    let refused = viewer
        .post_form(&format!("{editor}/cancel"), &[("reason", "x")])
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn days_off_are_added_and_removed_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "hari-libur", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    weekly_series(&staff, &p["id"], sat, 2).await;

    let html = staff
        .client
        .get(app.at("/staff/blackouts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("method=\"post\" action=\"/staff/blackouts\""),
        "the add form posts by itself"
    );

    // A day that is no date comes back with the field's error; nothing is added.
    let refused = staff
        .post_form(
            "/staff/blackouts",
            &[("day", "31/12"), ("reason", "Libur"), ("program_id", "")],
        )
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with("/staff/blackouts?errors="),
        "{location}"
    );
    assert!(location.contains("day"), "{location}");
    assert_eq!(staff.get_json("/api/v1/blackouts").await, json!([]));

    // The second Saturday off, for this program.
    let day = (sat + Duration::days(7)).to_string();
    let program_id = p["id"].as_str().unwrap();
    let added = staff
        .post_form(
            "/staff/blackouts",
            &[
                ("day", &day),
                ("reason", "Renovasi"),
                ("program_id", program_id),
            ],
        )
        .await;
    assert_eq!(common::see_other(&added), "/staff/blackouts?saved=added");
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions[1]["status"], "cancelled");
    let listed = staff.get_json("/api/v1/blackouts").await;
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    let page = staff
        .client
        .get(app.at("/staff/blackouts?saved=added"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hari libur ditambahkan."), "confirmed");
    assert!(
        page.contains(&format!("action=\"/staff/blackouts/{id}/delete\"")),
        "each day off has a remove form"
    );

    let removed = staff
        .post_form(&format!("/staff/blackouts/{id}/delete"), &[])
        .await;
    assert_eq!(
        common::see_other(&removed),
        "/staff/blackouts?saved=removed"
    );
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions[1]["status"], "scheduled");
    assert_eq!(staff.get_json("/api/v1/blackouts").await, json!([]));
}

#[tokio::test]
async fn a_single_session_is_added_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "sesi-tunggal", "Asia/Makassar", "published").await;
    let editor = "/staff/programs/sesi-tunggal";
    let html = staff.page(editor).await;
    assert!(
        html.contains(&format!("method=\"post\" action=\"{editor}/sessions\"")),
        "the single-session form posts by itself"
    );

    // A start that is no time comes back, marked for this form, with the field's error.
    let refused = staff
        .post_form(
            &format!("{editor}/sessions"),
            &[("start_local", "besok pagi"), ("duration_minutes", "60")],
        )
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with(&format!("{editor}?form=oneoff&errors=")),
        "{location}"
    );
    let page = staff.page(&location).await;
    assert!(
        page.contains("aria-invalid=\"true\""),
        "the field is marked"
    );
    assert!(sessions_of(&staff, &p["id"]).await.is_empty());

    let day = first_saturday();
    let added = staff
        .post_form(
            &format!("{editor}/sessions"),
            &[
                ("start_local", &format!("{day}T09:00")),
                ("duration_minutes", "45"),
                ("title", ""),
                ("host", "Kak Andi"),
            ],
        )
        .await;
    assert_eq!(common::see_other(&added), format!("{editor}?saved=session"));
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["start_local"], local(day, "09:00"));
    assert_eq!(sessions[0]["host"], "Kak Andi");
    assert!(
        staff
            .page(&format!("{editor}?saved=session"))
            .await
            .contains("Sesi ditambahkan.")
    );
}

#[tokio::test]
async fn a_series_is_ended_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "akhir-seri", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    let series = weekly_series(&staff, &p["id"], sat, 4).await;
    let id = series["id"].as_str().unwrap().to_owned();
    let editor = "/staff/programs/akhir-seri";
    let action = format!("{editor}/series/{id}/end");
    assert!(
        staff
            .page(editor)
            .await
            .contains(&format!("method=\"post\" action=\"{action}\"")),
        "the end-series form posts by itself"
    );

    let refused = staff.post_form(&action, &[("last_day", "")]).await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with(&format!("{editor}?form=end-{id}&errors=")),
        "{location}"
    );
    assert_eq!(sessions_of(&staff, &p["id"]).await.len(), 4);

    let last_day = (sat + Duration::days(7)).to_string();
    let ended = staff.post_form(&action, &[("last_day", &last_day)]).await;
    assert_eq!(
        common::see_other(&ended),
        format!("{editor}?saved=series-ended")
    );
    assert_eq!(sessions_of(&staff, &p["id"]).await.len(), 2);
}

#[tokio::test]
async fn a_program_is_created_and_changed_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    assert!(
        staff
            .page("/staff/programs")
            .await
            .contains("method=\"post\" action=\"/staff/programs\""),
        "the new-program form posts by itself"
    );
    let form = |name: &'static str, slug: &'static str, description: &'static str| {
        [
            ("name", name),
            ("slug", slug),
            ("kind", "cooking_show"),
            ("description", description),
            ("tz", "Asia/Makassar"),
            ("default_duration_minutes", "90"),
            ("platform", "Instagram Live"),
            ("stream_url", ""),
            ("place", ""),
            ("status", "draft"),
        ]
    };

    // A bad address comes back to the list's form with the field's error.
    let refused = staff
        .post_form(
            "/staff/programs",
            &form("Dapur Pustaka", "Dapur Pustaka!", ""),
        )
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with("/staff/programs?form=program&errors="),
        "{location}"
    );
    assert!(location.contains("slug"), "{location}");

    let created = staff
        .post_form(
            "/staff/programs",
            &form(
                "Dapur Pustaka",
                "dapur-pustaka",
                "Memasak sambil membaca.\nSetiap Rabu.",
            ),
        )
        .await;
    assert_eq!(
        common::see_other(&created),
        "/staff/programs/dapur-pustaka?saved=program"
    );
    let program = program_by_slug(&staff, "dapur-pustaka").await;
    assert_eq!(program["kind"], "cooking_show");
    assert_eq!(program["default_duration_minutes"], 90);
    assert_eq!(
        program["description"],
        "Memasak sambil membaca.\nSetiap Rabu."
    );

    // The editor's form carries the stored values, so sending it back changes nothing else.
    let editor = staff
        .page("/staff/programs/dapur-pustaka?saved=program")
        .await;
    assert!(editor.contains("Tersimpan."), "confirmed");
    assert!(
        editor.contains("method=\"post\" action=\"/staff/programs/dapur-pustaka\""),
        "the edit form posts by itself"
    );
    assert!(
        editor.contains("value=\"dapur-pustaka\""),
        "the slug is filled"
    );
    assert!(
        editor.contains(">Memasak sambil membaca.\nSetiap Rabu.</textarea>"),
        "the description is filled"
    );
    let changed = staff
        .post_form(
            "/staff/programs/dapur-pustaka",
            &form(
                "Dapur Pustaka Ibu",
                "dapur-pustaka",
                "Memasak sambil membaca.\nSetiap Rabu.",
            ),
        )
        .await;
    assert_eq!(
        common::see_other(&changed),
        "/staff/programs/dapur-pustaka?saved=program"
    );
    let program = program_by_slug(&staff, "dapur-pustaka").await;
    assert_eq!(program["name"], "Dapur Pustaka Ibu");
    assert_eq!(program["platform"], "Instagram Live");
}

/// The program with `slug`, as staff list it.
async fn program_by_slug(staff: &StaffClient, slug: &str) -> Value {
    let all = staff.get_json("/api/v1/programs").await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .cloned()
        .unwrap_or_else(|| panic!("no program {slug}"))
}

#[tokio::test]
async fn a_series_is_built_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "seri-polos", "Asia/Makassar", "published").await;
    let editor = "/staff/programs/seri-polos";
    let action = format!("{editor}/series");
    let html = staff.page(editor).await;
    assert!(
        html.contains(&format!("method=\"post\" action=\"{action}\"")),
        "the series builder posts by itself"
    );
    // Before the client, every part of the builder is there to fill in.
    for name in ["monthly_nth", "rule.end.until", "rule.end.count", "weekday"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
    }
    let sat = first_saturday();
    let start = local(sat, "09:00");
    let form = |end: &'static str, until: String| {
        vec![
            ("start_local".to_owned(), start.clone()),
            ("duration_minutes".to_owned(), "60".to_owned()),
            ("frequency".to_owned(), "weekly".to_owned()),
            ("rule.interval".to_owned(), "1".to_owned()),
            ("weekday".to_owned(), "SA".to_owned()),
            ("monthly_nth".to_owned(), "same".to_owned()),
            ("monthly_day".to_owned(), "FR".to_owned()),
            ("end".to_owned(), end.to_owned()),
            ("rule.end.until".to_owned(), until),
            ("rule.end.count".to_owned(), "3".to_owned()),
            ("host".to_owned(), "Kak Rina".to_owned()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let staff = &staff;
        let action = action.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            common::see_other(&staff.post_form(&action, &pairs).await)
        }
    };

    // A last day that is no date is that field's error, not a series without end.
    let refused = post(form("until", "someday".to_owned())).await;
    assert!(
        refused.starts_with(&format!("{editor}?form=series&errors=")),
        "{refused}"
    );
    assert!(refused.contains("rule.end.until"), "{refused}");
    assert!(sessions_of(&staff, &p["id"]).await.is_empty());

    let created = post(form("count", String::new())).await;
    assert_eq!(created, format!("{editor}?saved=series"));
    let sessions = sessions_of(&staff, &p["id"]).await;
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions[0]["start_local"], format!("{start}"));
    assert_eq!(sessions[0]["host"], "Kak Rina");
    assert!(
        staff
            .page(&created)
            .await
            .contains("Seri dibuat; sesi-sesinya sudah terjadwal."),
        "the editor confirms the post"
    );
}

/// "On the air" is decided at each request: a session is live from its start to its end and
/// announced 15 minutes before; cancelled sessions and drafts never are. The home and program
/// pages show it with the watch link, rendered by the server (no script needed).
#[tokio::test]
async fn sessions_on_the_air_now_and_starting_soon() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let on = program(&staff, "siaran-kini", "Asia/Makassar", "published").await;
    let other = program(&staff, "siaran-lain", "Asia/Makassar", "published").await;
    let draft = program(&staff, "siaran-draf", "Asia/Makassar", "draft").await;
    let add = |program: &Value, minutes: i64| {
        let id = program["id"].clone();
        let staff = &staff;
        async move { common::add_session(staff, &id, Duration::minutes(minutes)).await }
    };
    let live = add(&on, -20).await;
    let soon = add(&other, 10).await;
    let later = add(&on, 30).await;
    let over = add(&on, -120).await;
    let cancelled = add(&on, -5).await;
    staff
        .expect(
            Method::POST,
            &format!(
                "/api/v1/sessions/{}/cancel",
                cancelled["id"].as_str().unwrap()
            ),
            json!({"reason": "Hujan"}),
            200,
        )
        .await;
    let hidden = add(&draft, -10).await;

    let on_air: Value = app.get("/api/v1/on-air").await.json().await.unwrap();
    let seen: Vec<(&str, &str)> = on_air
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["session"]["id"].as_str().unwrap(),
                o["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (live["id"].as_str().unwrap(), "live"),
            (soon["id"].as_str().unwrap(), "starts_soon")
        ],
        "not {later}, {over}, {cancelled} or {hidden}"
    );
    let minutes = on_air[1]["minutes_to_start"].as_u64().unwrap();
    assert!((9..=10).contains(&minutes), "starts in {minutes} minutes");
    assert_eq!(
        on_air[0]["session"]["stream_url"],
        "https://youtube.com/@perpus"
    );

    let one: Value = app
        .get("/api/v1/on-air?program=siaran-lain")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["session"]["id"], soon["id"]);

    let home = app.html(&app.client, "/").await;
    assert!(
        home.contains("data-testid=\"on-air\""),
        "the home page's banner"
    );
    assert!(home.contains("Sedang tayang"));
    assert!(home.contains(&format!("Mulai {minutes} menit lagi")));
    assert!(home.contains("href=\"https://youtube.com/@perpus\""));
    let page = app.html(&app.client, "/programs/siaran-lain").await;
    assert!(
        page.contains("Mulai") && !page.contains("Sedang tayang"),
        "one program's only"
    );
}

/// Pages people share carry a WhatsApp link with their text and address, encoded, and the
/// Open Graph tags a chat app reads for its preview.
#[tokio::test]
async fn shared_pages_carry_a_whatsapp_link_and_open_graph_tags() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "dongeng-kancil", "Asia/Makassar", "published").await;
    let session = common::add_session(&staff, &p["id"], Duration::days(2)).await;
    let id = session["id"].as_str().unwrap();
    for (path, title) in [
        (format!("/sessions/{id}"), "Program dongeng-kancil"),
        (
            "/programs/dongeng-kancil".to_owned(),
            "Program dongeng-kancil",
        ),
    ] {
        let html = app.html(&app.client, &path).await;
        let start = html
            .find("href=\"https://wa.me/?text=")
            .expect("a WhatsApp link")
            + 6;
        let href = html[start..].split('"').next().unwrap();
        let text = href.strip_prefix("https://wa.me/?text=").unwrap();
        let decoded = percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .unwrap();
        assert!(decoded.contains(title), "{path}: {decoded}");
        assert!(
            decoded.ends_with(&format!("{}{path}", app.url)),
            "{path}: {decoded}"
        );
        assert!(
            !text.contains(' ') && !text.contains('&'),
            "{path}: encoded: {text}"
        );
        assert!(
            html.contains(&format!("property=\"og:title\" content=\"{title}\"")),
            "{path}"
        );
        assert!(html.contains("property=\"og:image\""), "{path}");
        assert!(
            html.contains(&format!(
                "property=\"og:url\" content=\"{}{path}\"",
                app.url
            )),
            "{path}"
        );
    }

    // Text from staff is text in the tags too: a quote cannot end the attribute.
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Kancil \"licik\"", "slug": "kancil-licik", "kind": "other",
                   "default_duration_minutes": 60, "status": "published",
                   "description": "Si \"Kancil\"><script>alert(1)</script> & buaya"}),
            201,
        )
        .await;
    let html = app.html(&app.client, "/programs/kancil-licik").await;
    assert!(
        !html.contains("<script>alert(1)"),
        "no script from a description"
    );
    assert!(
        !html.contains("content=\"Si \"Kancil\">"),
        "no attribute ended early"
    );
    assert!(html.contains("property=\"og:description\""));
}

/// One session's own watch link (moved to another channel this once) is used wherever the
/// link is read: the API, the public page, the feed. A series edit keeps it; emptying it gives
/// back the program's; a bad link is refused on its field and changes nothing.
#[tokio::test]
async fn a_session_s_own_watch_link_wins_until_emptied() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let p = program(&staff, "siaran-pindah", "Asia/Makassar", "published").await;
    let sat = first_saturday();
    weekly_series(&staff, &p["id"], sat, 3).await;
    let sessions = sessions_of(&staff, &p["id"]).await;
    let (first, second) = (
        sessions[0]["id"].as_str().unwrap().to_owned(),
        sessions[1]["id"].as_str().unwrap().to_owned(),
    );
    let facebook = "https://facebook.com/perpus/live";
    let path = format!("/api/v1/sessions/{first}/watch-link");
    let own = staff
        .expect(
            Method::PUT,
            &path,
            json!({"stream_url": facebook, "platform": "Facebook Live"}),
            200,
        )
        .await;
    assert_eq!(own["stream_url"], facebook);
    assert_eq!(own["platform"], "Facebook Live");
    assert_eq!(own["own_watch_link"], true);
    assert_eq!(
        own["sequence"],
        sessions[0]["sequence"].as_u64().unwrap() + 1,
        "calendars update"
    );
    // The same link again (a retried request, a form saved unchanged) is no new version.
    let again = staff
        .expect(
            Method::PUT,
            &path,
            json!({"stream_url": facebook, "platform": "Facebook Live"}),
            200,
        )
        .await;
    assert_eq!(again["sequence"], own["sequence"], "unchanged");

    // A bad link: named on its field, in Indonesian; the saved one stays.
    let refused = staff
        .send(
            Method::PUT,
            &path,
            Some(json!({"stream_url": "youtube saja"})),
        )
        .await;
    assert!(problem(refused, 422).await["errors"]["stream_url"].is_array());

    // Every future session moved an hour: the first keeps its own link, the rest the program's.
    staff
        .expect(
            Method::PATCH,
            &format!("/api/v1/sessions/{second}"),
            json!({"scope": "all", "start_local": local(sat + Duration::days(7), "08:00"), "duration_minutes": 60}),
            200,
        )
        .await;
    let after = sessions_of(&staff, &p["id"]).await;
    let link_of = |id: &str| {
        after
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| s["stream_url"].clone())
    };
    assert_eq!(link_of(&first), Some(json!(facebook)));
    assert_eq!(link_of(&second), Some(json!("https://youtube.com/@perpus")));

    let page = app.html(&app.client, &format!("/sessions/{first}")).await;
    assert!(
        page.contains(&format!("href=\"{facebook}\"")),
        "the public page"
    );
    let feed = app
        .get("/calendar/programs/siaran-pindah.ics")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        feed.contains(&format!("LOCATION:{facebook}")),
        "the feed:\n{feed}"
    );

    // The editor's plain form: a bad link comes back under its field.
    let back = common::see_other(
        &staff
            .post_form(
                &format!("/staff/sessions/{first}/watch-link"),
                &[("stream_url", "bukan tautan"), ("platform", "")],
            )
            .await,
    );
    assert!(back.contains("form=watch"), "{back}");
    assert!(staff.page(&back).await.contains("id=\"watch-url-error\""));

    // Emptied: the program's link again.
    let cleared = staff.expect(Method::PUT, &path, json!({}), 200).await;
    assert_eq!(cleared["stream_url"], "https://youtube.com/@perpus");
    assert_eq!(cleared["own_watch_link"], false);
}
