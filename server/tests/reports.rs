//! The activity report on the real database, against a hand-made fixture whose sums are
//! worked out below: sessions per program (held, cancelled, planned), audience per episode
//! and per month on the library's clock (a session at 06.00 on New Year's Day in Makassar is
//! January, though UTC says December), volunteer hours, partner contributions and contest
//! entries per category — as JSON, as CSV and as the staff page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{StaffClient, TestApp, problem};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use server::db::entities::{
    contest_categories, contest_entries, session_roles, signups, volunteers,
};
use shared::dto::auth::Role;
use uuid::Uuid;

const PERIOD: &str = "from=2026-01-01&to=2026-03-31";
const YOUTUBE: &str = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

async fn program(staff: &StaffClient, name: &str, slug: &str, kind: &str) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": name, "slug": slug, "kind": kind, "tz": "Asia/Makassar",
                "default_duration_minutes": 60, "status": "published",
            }),
            201,
        )
        .await
}

/// A one-off hour-long session at `start_local` on the program's clock.
async fn session_at(staff: &StaffClient, program: &Value, start_local: &str) -> Uuid {
    let outcome = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": start_local, "duration_minutes": 60}),
            201,
        )
        .await;
    outcome["session"]["id"].as_str().unwrap().parse().unwrap()
}

async fn cancel(staff: &StaffClient, session: Uuid) {
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{session}/cancel"),
            json!({"reason": "Listrik padam"}),
            200,
        )
        .await;
}

async fn episode(staff: &StaffClient, session: Uuid, body: Value) {
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/sessions/{session}/episode"),
            body,
            200,
        )
        .await;
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

async fn volunteer(app: &TestApp, name: &str, partner: Option<Uuid>) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    volunteers::ActiveModel {
        id: Set(id),
        email: Set(format!("{}@siar.test", name.to_lowercase())),
        name: Set(name.to_owned()),
        phone: Set(None),
        skills: Set(String::new()),
        lang: Set("id".into()),
        partner_id: Set(partner),
        password_hash: Set(None),
        active: Set(true),
        merged_into: Set(None),
        calendar_token: Set(None),
        calendar_token_sealed: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .unwrap();
    id
}

/// `who` served at `session` (attended or not), for `minutes` or the session's length.
async fn served(app: &TestApp, session: Uuid, who: Uuid, attended: bool, minutes: Option<i32>) {
    let now = Utc::now();
    let role = Uuid::now_v7();
    session_roles::ActiveModel {
        id: Set(role),
        session_id: Set(session),
        program_role_id: Set(None),
        name: Set("Pembawa acara".into()),
        capacity: Set(2),
        skill: Set(None),
        position: Set(0),
        customised: Set(true),
        next_position: Set(2),
        held_count: Set(1),
        waiting_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .unwrap();
    signups::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_role_id: Set(role),
        session_id: Set(session),
        volunteer_id: Set(who),
        status: Set("confirmed".into()),
        place: Set(Some(1)),
        position: Set(1),
        offer_expires_at: Set(None),
        idempotency_key: Set(None),
        attended: Set(Some(attended)),
        minutes_served: Set(minutes),
        notified_sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// An entry in `category`, registered at `at`.
async fn entry(
    app: &TestApp,
    category: &contest_categories::Model,
    number: i32,
    at: &str,
    review: &str,
    video: bool,
) {
    let at = instant(at);
    contest_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        contest_id: Set(category.contest_id),
        category_id: Set(category.id),
        number: Set(number),
        access_token: Set(format!("token-{number}-{}", Uuid::now_v7().simple())),
        access_token_sealed: Set(None),
        entrant_name: Set(format!("Peserta {number}")),
        birth_date: Set(NaiveDate::from_ymd_opt(2017, 5, 1).unwrap()),
        school: Set("SD Inpres Tamalanrea".into()),
        city: Set("Makassar".into()),
        contact_email: Set(format!("peserta{number}@siar.test")),
        contact_phone: Set(None),
        guardian_name: Set(Some("Ibu Rahma".into())),
        rules_consent_at: Set(at),
        publication_consent_at: Set(None),
        title: Set("La Dana dan Kerbaunya".into()),
        description: Set("Cerita rakyat Bugis.".into()),
        lang: Set("id".into()),
        review: Set(review.to_owned()),
        review_reason: Set(None),
        reviewed_at: Set(None),
        video_upload_id: Set(None),
        video_received_at: Set(video.then_some(at)),
        created_at: Set(at),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// The fixture; returns the ids the assertions name.
struct Fixture {
    new_year: Uuid,
    january: Uuid,
    dapur_february: Uuid,
}

async fn fixture(app: &TestApp, staff: &StaffClient) -> Fixture {
    let dongkelor = program(
        staff,
        "Dongkelor",
        "dongkelor-lap",
        "storytelling_broadcast",
    )
    .await;
    let dapur = program(staff, "Dapur Pustaka", "dapur-lap", "cooking_show").await;
    let lomba = program(staff, "Lomba Bercerita", "lomba-lap", "contest").await;

    // Dongkelor: three held in the period (one just after midnight on New Year's Day, one
    // at 23.30 on its last day), one cancelled, and one on each side just outside it.
    let before = session_at(staff, &dongkelor, "2025-12-31T23:30:00").await;
    let new_year = session_at(staff, &dongkelor, "2026-01-01T06:00:00").await;
    let january = session_at(staff, &dongkelor, "2026-01-17T09:00:00").await;
    let rained_out = session_at(staff, &dongkelor, "2026-02-14T09:00:00").await;
    let last_night = session_at(staff, &dongkelor, "2026-03-31T23:30:00").await;
    let after = session_at(staff, &dongkelor, "2026-04-01T07:00:00").await;
    cancel(staff, rained_out).await;
    // Dapur Pustaka: one held, one cancelled.
    let dapur_february = session_at(staff, &dapur, "2026-02-07T10:00:00").await;
    let dapur_march = session_at(staff, &dapur, "2026-03-07T10:00:00").await;
    cancel(staff, dapur_march).await;

    episode(
        staff,
        new_year,
        json!({"audience": {"viewers": 120, "live_peak": 40, "comments": 7}}),
    )
    .await;
    episode(
        staff,
        january,
        json!({"audience": {"viewers": 80, "live_peak": 55, "in_person": 12}}),
    )
    .await;
    episode(
        staff,
        dapur_february,
        json!({"audience": {"viewers": 30, "comments": 3, "in_person": 20}}),
    )
    .await;
    // A recording without numbers is no audience episode; the month still counts it held.
    episode(staff, last_night, json!({"recording_url": YOUTUBE})).await;
    for outside in [before, after] {
        episode(
            staff,
            outside,
            json!({"audience": {"viewers": 999, "in_person": 999}}),
        )
        .await;
    }

    // Partners: a newspaper on every Dongkelor, a university whose student volunteers, and
    // one that did nothing in the period.
    let partner = |name: &'static str, kind: &'static str| async move {
        staff
            .expect(
                Method::POST,
                "/api/v1/partners",
                json!({"name": name, "kind": kind}),
                201,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .parse::<Uuid>()
            .unwrap()
    };
    let fajar = partner("Harian Fajar", "media").await;
    let unhas = partner("Universitas Hasanuddin", "university").await;
    partner("Komunitas Diam", "community").await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/partners",
                dongkelor["id"].as_str().unwrap()
            ),
            json!([{"partner_id": fajar, "role": "media_partner"}]),
            200,
        )
        .await;

    // Volunteers: Ani (no partner) 60 minutes by the session's length; Budi (Unhas) 90 + 60.
    // Not attended and outside the period do not count.
    let ani = volunteer(app, "Ani", None).await;
    let budi = volunteer(app, "Budi", Some(unhas)).await;
    served(app, new_year, ani, true, None).await;
    served(app, new_year, budi, true, Some(90)).await;
    served(app, dapur_february, budi, true, None).await;
    served(app, january, ani, false, None).await;
    served(app, after, budi, true, Some(120)).await;

    // Contest entries: two in the younger category (one eligible with its video), one in the
    // older, and one registered after the period.
    let contest = staff
        .expect(
            Method::POST,
            "/api/v1/contests",
            json!({
                "program_id": lomba["id"], "rules": "Video 3–7 menit.",
                "opens_at": "2026-02-01T00:00:00", "closes_at": "2026-04-30T23:59:00",
                "age_reference_date": "2026-04-30", "max_video_minutes": 7,
                "formats": ["mp4"], "entries_per_person": 1,
                "categories": [
                    {"name": "7–9 tahun", "min_age": 7, "max_age": 9},
                    {"name": "10–12 tahun", "min_age": 10, "max_age": 12},
                ],
                "criteria": [{"name": "Ekspresi", "weight": 1}],
            }),
            201,
        )
        .await;
    let contest_id: Uuid = contest["id"].as_str().unwrap().parse().unwrap();
    let mut categories = contest_categories::Entity::find()
        .filter(contest_categories::Column::ContestId.eq(contest_id))
        .all(&app.db)
        .await
        .unwrap();
    categories.sort_by_key(|c| c.position);
    let (younger, older) = (&categories[0], &categories[1]);
    entry(app, younger, 1, "2026-02-02T01:00:00Z", "eligible", true).await;
    entry(app, younger, 2, "2026-03-03T02:00:00Z", "pending", false).await;
    entry(app, older, 3, "2026-03-31T15:59:00Z", "pending", true).await;
    // 00.30 on 1 April in Makassar: after the period, though UTC still says March.
    entry(app, older, 4, "2026-03-31T16:30:00Z", "eligible", true).await;

    Fixture {
        new_year,
        january,
        dapur_february,
    }
}

fn tally(report: &Value, name: &str) -> (u64, u64, u64) {
    let line = report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"));
    let n = |key: &str| line[key].as_u64().unwrap();
    (n("held"), n("cancelled"), n("planned"))
}

#[tokio::test]
async fn the_activity_report_adds_up_the_hand_made_fixture() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let made = fixture(&app, &staff).await;
    let report = staff
        .get_json(&format!("/api/v1/reports/activity?{PERIOD}"))
        .await;

    // Sessions per program, by name; the contest program has none.
    let names: Vec<&str> = report["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dapur Pustaka", "Dongkelor"]);
    assert_eq!(tally(&report, "Dongkelor"), (3, 1, 0));
    assert_eq!(tally(&report, "Dapur Pustaka"), (1, 1, 0));

    // Episodes with numbers, oldest first, each on its library day.
    let episodes: Vec<(String, String, u64)> = report["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["session_id"].as_str().unwrap().to_owned(),
                e["day"].as_str().unwrap().to_owned(),
                e["audience"]["viewers"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        episodes,
        [
            (made.new_year.to_string(), "2026-01-01".into(), 120),
            (made.january.to_string(), "2026-01-17".into(), 80),
            (made.dapur_february.to_string(), "2026-02-07".into(), 30),
        ]
    );

    // Months: every one of the three, empty March included.
    let months: Vec<[u64; 6]> = report["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            [
                "sessions_held",
                "episodes",
                "viewers",
                "live_peak",
                "comments",
                "in_person",
            ]
            .map(|key| m[key].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        report["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["month"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2026-01-01", "2026-02-01", "2026-03-01"]
    );
    assert_eq!(
        months,
        [
            [2, 2, 200, 55, 7, 12],
            [1, 1, 30, 0, 3, 20],
            [1, 0, 0, 0, 0, 0],
        ]
    );

    // Volunteer hours: two people, three shifts, 60 + 90 + 60 minutes.
    let volunteers = &report["volunteers"];
    assert_eq!(
        (
            &volunteers["people"],
            &volunteers["shifts"],
            &volunteers["minutes"]
        ),
        (&json!(2), &json!(3), &json!(210))
    );
    let by_partner: Vec<(&str, u64)> = volunteers["by_partner"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["minutes"].as_u64().unwrap()))
        .collect();
    assert_eq!(by_partner, [("Universitas Hasanuddin", 150), ("", 60)]);

    // Partners that contributed, by name; the idle one is left out.
    let partners: Vec<(&str, u64, u64)> = report["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["sessions_held"].as_u64().unwrap(),
                l["volunteer_minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        partners,
        [("Harian Fajar", 3, 0), ("Universitas Hasanuddin", 0, 150)]
    );

    // Contest entries per category, in the contest's order.
    let entries: Vec<(&str, u64, u64, u64)> = report["contest_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["category"].as_str().unwrap(),
                l["entries"].as_u64().unwrap(),
                l["videos_received"].as_u64().unwrap(),
                l["eligible"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(entries, [("7–9 tahun", 2, 1, 1), ("10–12 tahun", 1, 1, 0)]);
    assert_eq!(report["contest_entries"][0]["contest"], "Lomba Bercerita");

    // Before the last Dongkelor ended, it was still planned; cancelled stays cancelled.
    let earlier = server::services::reports::activity_report(
        &app.db,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        instant("2026-03-31T15:45:00Z"),
    )
    .await
    .unwrap();
    let dongkelor = earlier
        .programs
        .iter()
        .find(|p| p.name == "Dongkelor")
        .unwrap();
    assert_eq!(
        (dongkelor.held, dongkelor.cancelled, dongkelor.planned),
        (2, 1, 1)
    );
    assert_eq!(earlier.months[2].sessions_held, 0);

    // The CSV says the same, one number a row.
    let response = staff
        .send(
            Method::GET,
            &format!("/api/v1/reports/activity.csv?{PERIOD}"),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    common::assert_content_type(response.headers(), "text/csv");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("siar-activity-2026-01-01-2026-03-31.csv")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("section,key,label,metric,value"));
    for row in [
        "programs,dongkelor-lap,Dongkelor,held,3",
        "programs,dapur-lap,Dapur Pustaka,cancelled,1",
        "months,2026-01,2026-01,viewers,200",
        "months,2026-02,2026-02,in_person,20",
        "volunteers,,,minutes,210",
    ] {
        assert!(csv.lines().any(|line| line == row), "{row} in\n{csv}");
    }
    assert!(
        csv.lines().any(|line| line.starts_with("contest_entries,")
            && line.ends_with(",Lomba Bercerita – 7–9 tahun,entries,2")),
        "{csv}"
    );
}

#[tokio::test]
async fn the_report_page_draws_each_part_and_refuses_a_backwards_period() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Viewer).await;
    let coordinator = StaffClient::new(&app, Role::Coordinator).await;
    fixture(&app, &coordinator).await;

    let page = staff
        .page(&format!("/staff/reports/activity?{PERIOD}"))
        .await;
    for part in [
        "report-sessions",
        "report-months",
        "report-episodes",
        "report-volunteers",
        "report-partners",
        "report-contest",
    ] {
        assert!(page.contains(&format!("id=\"{part}\"")), "{part}");
    }
    // Charts are SVG images with a name; the numbers sit in tables, written the Indonesian way.
    assert_eq!(page.matches("<svg").count(), 6, "one chart a part");
    assert!(page.contains("role=\"img\" aria-label=\"Sesi per program\""));
    assert!(page.contains("Januari 2026"));
    assert!(page.contains("<dd>3,5</dd>"), "210 minutes as 3,5 hours");
    assert!(page.contains("/api/v1/reports/activity.csv?from=2026-01-01&amp;to=2026-03-31"));
    // The language switch comes back to this period, not to the default one.
    assert!(
        page.contains(
            "/lang/en?next=%2Fstaff%2Freports%2Factivity%3Ffrom%3D2026-01-01%26to%3D2026-03-31"
        ),
        "the language link keeps the query"
    );
    let english = staff
        .client
        .get(app.at(&format!("/staff/reports/activity?{PERIOD}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<h1>Activity report</h1>"), "{english}");
    assert!(english.contains("January 2026") && english.contains("<dd>3.5</dd>"));

    let backwards = staff
        .send(
            Method::GET,
            "/api/v1/reports/activity?from=2026-03-01&to=2026-02-01",
            None,
        )
        .await;
    let body = problem(backwards, 422).await;
    assert!(body.to_string().contains("\"to\""), "{body}");
    let too_long = staff
        .send(
            Method::GET,
            "/api/v1/reports/activity?from=2020-01-01&to=2026-01-01",
            None,
        )
        .await;
    problem(too_long, 422).await;
    let nonsense = staff
        .send(
            Method::GET,
            "/api/v1/reports/activity?from=kemarin&to=2026-01-01",
            None,
        )
        .await;
    let body = problem(nonsense, 400).await;
    assert!(body.to_string().contains("from"), "{body}");
}
