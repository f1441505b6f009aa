//! Volunteers end to end on the real server and database: accounts and one-time links,
//! capacity, the ordered waitlist and its offers, overlap and cut-off rules, idempotent
//! retries, concurrency across instances, reminders and change notices with a controlled
//! clock, staff tools, feeds, and the outbox delivering to a real SMTP server across a
//! restart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use common::{
    StaffClient, TestApp, add_session, link_token, problem, see_other, session_with_roles_in,
};
use futures_util::FutureExt;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use server::jobs::run_once;
use server::services::mail::{self, Transport};
use server::services::signups::jobs;
use shared::dto::auth::Role;

/// A signed-in volunteer's browser.
struct VolunteerClient {
    client: Client,
    csrf: String,
    base: String,
    email: String,
}

impl VolunteerClient {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    async fn sign_up(&self, role: &Value) -> reqwest::Response {
        self.send(
            Method::POST,
            &format!("/api/v1/session-roles/{}/signups", role.as_str().unwrap()),
            None,
        )
        .await
    }

    async fn sign_up_ok(&self, role: &Value) -> Value {
        let response = self.sign_up(role).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    async fn my_signups(&self) -> Vec<Value> {
        let response = self
            .send(Method::GET, "/api/v1/volunteer/me/signups", None)
            .await;
        assert_eq!(response.status(), 200);
        response.json::<Vec<Value>>().await.unwrap()
    }
}

/// Registers a volunteer through the API and signs in through the mailed link.
async fn volunteer(app: &TestApp, name: &str, lang: &str, skills: &[&str]) -> VolunteerClient {
    let email = format!(
        "{}-{}@siar.test",
        name.to_lowercase(),
        uuid::Uuid::new_v4().simple()
    );
    let response = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": name, "email": email, "lang": lang, "skills": skills, "phone": "+62 811 4000 123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let client = app.new_browser();
    let csrf = common::sign_in_volunteer(app, &client, &email).await;
    VolunteerClient {
        client,
        csrf,
        base: app.url.clone(),
        email,
    }
}

/// A published program with these roles and a one-off session starting `starts_in` from now
/// (on the minute, in the program's zone). Returns the session and its role ids.
async fn session_with_roles(
    staff: &StaffClient,
    starts_in: Duration,
    roles: Value,
    cutoff_minutes: u32,
) -> (Value, Vec<Value>) {
    session_with_roles_in(staff, "published", starts_in, roles, cutoff_minutes).await
}

fn starts_at(session: &Value) -> DateTime<Utc> {
    session["starts_at"].as_str().unwrap().parse().unwrap()
}

/// The role's sign-ups in arrival order (status, place, arrival number), after checking that
/// the counts its row keeps (by the triggers on `signups`) agree with them.
async fn signup_statuses(app: &TestApp, role: &Value) -> Vec<(String, Option<i64>, i64)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use server::db::entities::{session_roles, signups};
    let role_id: uuid::Uuid = role.as_str().unwrap().parse().unwrap();
    let rows = signups::Entity::find()
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .order_by_asc(signups::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    let counts = session_roles::Entity::find_by_id(role_id)
        .one(&app.db)
        .await
        .unwrap()
        .map(|r| (r.held_count, r.waiting_count));
    let held = rows.iter().filter(|s| s.place.is_some()).count() as i32;
    let waiting = rows.iter().filter(|s| s.status == "waitlisted").count() as i32;
    assert_eq!(counts, Some((held, waiting)), "the role's kept counts");
    rows.into_iter()
        .map(|s| (s.status, s.place.map(i64::from), s.position))
        .collect()
}

#[tokio::test]
async fn registration_and_one_time_links() {
    let app = TestApp::spawn().await;
    // Bad input names each field, in Indonesian by default.
    let response = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "", "email": "bukan-email", "phone": "telepon saya"}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(body["errors"]["email"][0], "Alamat email tidak valid.");
    assert!(body["errors"]["name"].is_array());
    assert!(
        body["errors"]["phone"][0]
            .as_str()
            .unwrap()
            .contains("telepon")
    );

    let rina = volunteer(&app, "Rina", "id", &["storyteller"]).await;
    let me = rina.send(Method::GET, "/api/v1/volunteer/me", None).await;
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["skills"], json!(["storyteller"]));
    assert_eq!(me["phone"], "+62 811 4000 123");

    // Registering a known address again answers as for a new one (nobody learns who
    // volunteers); its owner gets a sign-in link, and the account is unchanged.
    let links_before = mail::mailbox(&app.db, Some(&rina.email), 100)
        .await
        .unwrap()
        .len();
    let again = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .header("accept-language", "en")
        .json(&json!({"name": "Someone Else", "email": rina.email.to_uppercase()}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 202);
    let letters = mail::mailbox(&app.db, Some(&rina.email), 100)
        .await
        .unwrap();
    assert_eq!(letters.len(), links_before + 1);
    assert_eq!(letters[0].kind, "sign_in_link");
    let me: Value = rina
        .send(Method::GET, "/api/v1/volunteer/me", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Rina");

    // A link works once.
    let ask = app
        .client
        .post(app.at("/api/v1/volunteers/sign-in-link"))
        .json(&json!({"email": rina.email}))
        .send()
        .await
        .unwrap();
    assert_eq!(ask.status(), 202);
    let token = link_token(&app, &rina.email).await;
    let sign_in = |token: String| {
        let client = app.new_browser();
        let url = app.at("/api/v1/volunteers/sign-in");
        async move {
            client
                .post(url)
                .header("accept-language", "en")
                .json(&json!({"token": token}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(sign_in(token.clone()).await.status(), 200);
    let reused = problem(sign_in(token).await, 409).await;
    assert_eq!(reused["type"], "/problems/link-used");
    assert!(
        reused["detail"]
            .as_str()
            .unwrap()
            .contains("already been used")
    );
    let unknown = problem(sign_in("x".repeat(43)).await, 409).await;
    assert_eq!(unknown["type"], "/problems/link-invalid");

    // A link older than 15 minutes is refused.
    server::services::volunteers::request_link(
        &app.db,
        &rina.email,
        "192.0.2.1",
        &app.url,
        Utc::now(),
    )
    .await
    .unwrap();
    let late = link_token(&app, &rina.email).await;
    let outcome = server::services::volunteers::sign_in_with_link(
        &app.db,
        &late,
        Utc::now() + Duration::minutes(16),
    )
    .await;
    assert!(matches!(
        outcome,
        Err(server::error::AppError::Refused(
            shared::dto::volunteers::Refusal::LinkExpired
        ))
    ));

    // A volunteer who set a password may use it instead of a link.
    let with_password = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "Dewi", "email": "dewi@siar.test", "password": "kata-sandi-relawan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(with_password.status(), 202);
    let password_sign_in = |password: &'static str| {
        let client = app.new_browser();
        let url = app.at("/api/v1/volunteers/sign-in");
        async move {
            client
                .post(url)
                .json(&json!({"email": "Dewi@siar.test", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(password_sign_in("salah-kata-sandi").await, 401);
    assert_eq!(password_sign_in("kata-sandi-relawan").await, 200);

    // Unknown addresses get the same answer and no mail.
    let before = mail::mailbox(&app.db, None, 100).await.unwrap().len();
    let ask = app
        .client
        .post(app.at("/api/v1/volunteers/sign-in-link"))
        .json(&json!({"email": "nobody@siar.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ask.status(), 202);
    assert_eq!(
        mail::mailbox(&app.db, None, 100).await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn capacity_waitlist_order_and_promotion_on_withdrawal() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Pendongeng", "capacity": 2}]),
        120,
    )
    .await;
    let role = &roles[0];
    let mut people = Vec::new();
    for name in ["Ani", "Budi", "Citra", "Dewi"] {
        people.push(volunteer(&app, name, "id", &[]).await);
    }
    let mut answers = Vec::new();
    for person in &people {
        answers.push(person.sign_up_ok(role).await);
    }
    assert_eq!(answers[0]["status"], "confirmed");
    assert_eq!(answers[1]["status"], "confirmed");
    assert_eq!(answers[2]["status"], "waitlisted");
    assert_eq!(answers[2]["waitlist_position"], 1);
    assert_eq!(answers[3]["waitlist_position"], 2);

    let roles_now = staff
        .get_json(&format!(
            "/api/v1/sessions/{}/roles",
            session["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(roles_now[0]["confirmed"], 2);
    assert_eq!(roles_now[0]["waitlisted"], 2);

    // Budi withdraws: Citra, first in line, is offered the place; Dewi moves up.
    let budi_signup = answers[1]["id"].as_str().unwrap();
    let left = people[1]
        .send(
            Method::POST,
            &format!("/api/v1/signups/{budi_signup}/withdraw"),
            None,
        )
        .await;
    assert_eq!(left.status(), 200);
    let citra = people[2].my_signups().await;
    assert_eq!(citra[0]["status"], "offered");
    assert!(citra[0]["offer_expires_at"].is_string());
    // On the session's clock, as the letter says it (the program is in Makassar).
    assert!(
        citra[0]["offer_expires_local"]
            .as_str()
            .unwrap()
            .ends_with(" WITA"),
        "{}",
        citra[0]
    );
    let offers = mail::mailbox(&app.db, Some(&people[2].email), 10)
        .await
        .unwrap();
    assert!(
        offers
            .iter()
            .any(|m| m.kind == "waitlist_offer" && m.subject.starts_with("Ada tempat untuk Anda"))
    );
    assert_eq!(people[3].my_signups().await[0]["waitlist_position"], 1);

    // Citra takes it.
    let citra_signup = citra[0]["id"].as_str().unwrap();
    let accepted = people[2]
        .send(
            Method::POST,
            &format!("/api/v1/signups/{citra_signup}/accept"),
            None,
        )
        .await;
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["status"], "confirmed");

    // The roster shows who holds which place, and the line.
    let roster = staff
        .get_json(&format!(
            "/api/v1/sessions/{}/roster",
            session["id"].as_str().unwrap()
        ))
        .await;
    let statuses: Vec<&str> = roster["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["confirmed", "confirmed", "waitlisted", "withdrawn"]
    );
    let places: Vec<Option<i64>> = signup_statuses(&app, role)
        .await
        .into_iter()
        .map(|(_, place, _)| place)
        .collect();
    assert_eq!(places, [Some(1), None, Some(2), None]);
}

#[tokio::test]
async fn an_offer_not_taken_in_time_passes_to_the_next() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(5),
        json!([{"name": "Kamera", "capacity": 1}]),
        120,
    )
    .await;
    let role = &roles[0];
    let ani = volunteer(&app, "Ani", "id", &[]).await;
    let budi = volunteer(&app, "Budi", "en", &[]).await;
    let citra = volunteer(&app, "Citra", "id", &[]).await;
    let first = ani.sign_up_ok(role).await;
    budi.sign_up_ok(role).await;
    citra.sign_up_ok(role).await;
    ani.send(
        Method::POST,
        &format!("/api/v1/signups/{}/withdraw", first["id"].as_str().unwrap()),
        None,
    )
    .await;
    let offer = &budi.my_signups().await[0];
    assert_eq!(offer["status"], "offered");
    let expires: DateTime<Utc> = offer["offer_expires_at"].as_str().unwrap().parse().unwrap();
    assert!(
        expires > Utc::now() + Duration::hours(11),
        "12-hour default window"
    );

    // Before the deadline nothing lapses; after it, the offer goes to Citra.
    assert_eq!(
        jobs::expire_offers(&app.db, &app.url, expires - Duration::minutes(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        jobs::expire_offers(&app.db, &app.url, expires + Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(citra.my_signups().await[0]["status"], "offered");
    assert!(
        budi.my_signups().await.is_empty(),
        "a lapsed offer leaves the list"
    );
    let late = budi
        .send(
            Method::POST,
            &format!("/api/v1/signups/{}/accept", offer["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(problem(late, 409).await["type"], "/problems/no-offer");
    let statuses: Vec<String> = signup_statuses(&app, role)
        .await
        .into_iter()
        .map(|(status, _, _)| status)
        .collect();
    assert_eq!(statuses, ["withdrawn", "lapsed", "offered"]);
}

#[tokio::test]
async fn overlap_cut_off_skill_and_unknown_role_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::days(2),
        json!([{"name": "Pembawa acara", "capacity": 3}, {"name": "Juru masak", "capacity": 2, "skill": "cook"}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "id", &[]).await;
    rina.sign_up_ok(&roles[0]).await;

    // The same role again changes nothing.
    let twice = rina.sign_up_ok(&roles[0]).await;
    assert_eq!(
        twice["status"], "confirmed",
        "the same role again is a no-op"
    );

    // A role needing a skill she has not listed.
    let cook = problem(rina.sign_up(&roles[1]).await, 409).await;
    assert_eq!(cook["type"], "/problems/missing-skill");

    // A session of another program half an hour later overlaps.
    let program_id = staff
        .get_json(&format!(
            "/api/v1/sessions/{}",
            session["id"].as_str().unwrap()
        ))
        .await["program_id"]
        .clone();
    let later = add_session(
        &staff,
        &program_id,
        Duration::days(2) + Duration::minutes(30),
    )
    .await;
    let later_roles = staff
        .get_json(&format!(
            "/api/v1/sessions/{}/roles",
            later["id"].as_str().unwrap()
        ))
        .await;
    let clash = problem(rina.sign_up(&later_roles[0]["id"]).await, 409).await;
    assert_eq!(clash["type"], "/problems/overlap");
    assert_eq!(
        clash["detail"],
        "Anda sudah terdaftar di sesi lain pada waktu yang sama."
    );

    // Within the cut-off: sign-up and withdrawal are closed.
    let (_, soon_roles) = session_with_roles(
        &staff,
        Duration::minutes(90),
        json!([{"name": "Host", "capacity": 1}]),
        120,
    )
    .await;
    let closed = problem(rina.sign_up(&soon_roles[0]).await, 409).await;
    assert_eq!(closed["type"], "/problems/signup-closed");
    let mine = rina.my_signups().await;
    let withdraw_late = server::services::signups::withdraw(
        &app.db,
        server::services::volunteers::list(&app.db, Some(&rina.email))
            .await
            .unwrap()[0]
            .id,
        mine[0]["id"].as_str().unwrap().parse().unwrap(),
        &app.url,
        starts_at(&session) - Duration::minutes(60),
    )
    .await;
    assert!(matches!(
        withdraw_late,
        Err(server::error::AppError::Refused(
            shared::dto::volunteers::Refusal::SignupClosed
        ))
    ));

    // Unknown role; not signed in.
    let unknown = rina.sign_up(&json!(uuid::Uuid::now_v7().to_string())).await;
    assert_eq!(unknown.status(), 404);
    let anonymous = app
        .client
        .post(app.at(&format!(
            "/api/v1/session-roles/{}/signups",
            roles[0].as_str().unwrap()
        )))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // Nothing saved was lost along the way.
    assert_eq!(rina.my_signups().await.len(), 1);
}

#[tokio::test]
async fn a_retried_request_signs_up_once() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(4),
        json!([{"name": "Host", "capacity": 5}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "en", &[]).await;
    let path = format!(
        "/api/v1/session-roles/{}/signups",
        roles[0].as_str().unwrap()
    );
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = rina
            .client
            .post(format!("{}{path}", app.url))
            .header("x-csrf-token", &rina.csrf)
            .header("idempotency-key", "signup-7f3a")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        ids.push(body["id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(signup_statuses(&app, &roles[0]).await.len(), 1);
    let confirmations = mail::mailbox(&app.db, Some(&rina.email), 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "signup_confirmed")
        .count();
    assert_eq!(confirmations, 1);
    // After withdrawing, the old request replayed does not sign her up again.
    rina.send(
        Method::POST,
        &format!("/api/v1/signups/{}/withdraw", ids[0].as_str().unwrap()),
        None,
    )
    .await;
    let replay = rina
        .client
        .post(format!("{}{path}", app.url))
        .header("x-csrf-token", &rina.csrf)
        .header("idempotency-key", "signup-7f3a")
        .send()
        .await
        .unwrap();
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["status"], "withdrawn");
}

#[tokio::test]
async fn a_flood_of_link_requests_mails_no_more_than_the_cap() {
    let app = TestApp::spawn().await;
    let email = "banjir@example.id";
    let registered = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "Banjir", "email": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 202);
    let requests = (0..50).map(|_| {
        app.new_browser()
            .post(app.at("/api/v1/volunteers/sign-in-link"))
            .json(&json!({"email": email}))
            .send()
    });
    // Each is answered (the ones past the per-recipient limit with 429), none fails.
    for response in futures_util::future::join_all(requests).await {
        let status = response.unwrap().status();
        assert!(status.is_success() || status == 429, "{status}");
    }
    let links = mail::mailbox(&app.db, Some(email), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "sign_in_link")
        .count();
    // The registration's link and four more: five in fifteen minutes.
    assert_eq!(links, 5, "{}", app.backend);
}

/// How long `path` takes to answer `body`, with the status it gave.
async fn timed_post(app: &TestApp, path: &str, body: Value) -> (u16, StdDuration) {
    let started = std::time::Instant::now();
    let response = app
        .new_browser()
        .post(app.at(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), started.elapsed())
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_in_the_same_time() {
    let app = TestApp::spawn().await;
    let known = "dikenal@example.id";
    let (status, _) = timed_post(
        &app,
        "/api/v1/volunteers/register",
        json!({"name": "Dikenal", "email": known}),
    )
    .await;
    assert_eq!(status, 202);
    let mut known_times = Vec::new();
    let mut unknown_times = Vec::new();
    for round in 0..3 {
        let stranger = format!("asing-{round}@example.id");
        for (email, times) in [
            (known, &mut known_times),
            (stranger.as_str(), &mut unknown_times),
        ] {
            let (status, link) = timed_post(
                &app,
                "/api/v1/volunteers/sign-in-link",
                json!({"email": email}),
            )
            .await;
            assert_eq!(status, 202, "link request for {email}");
            let (status, register) = timed_post(
                &app,
                "/api/v1/volunteers/register",
                json!({"name": "Siapa Saja", "email": email}),
            )
            .await;
            assert_eq!(status, 202, "registration of {email}");
            times.extend([link, register]);
        }
    }
    // A known address does database work (a link and its letter) that an unknown one does
    // not; both answers wait for the same floor, so neither is told apart by its time.
    let floor = server::services::volunteers::EVEN_ANSWER;
    for time in known_times.iter().chain(&unknown_times) {
        assert!(
            *time >= floor,
            "an answer came after {time:?}, before the floor {floor:?}"
        );
    }
    eprintln!(
        "{}: known {known_times:?}, unknown {unknown_times:?}",
        app.backend
    );
}

#[tokio::test]
async fn only_staff_say_which_partner_a_volunteer_counts_for() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Perpustakaan UIN Alauddin", "kind": "university"}),
            201,
        )
        .await;
    let joined = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "Rina", "email": "rina.uin@example.id", "partner_id": partner["id"]}))
        .send()
        .await
        .unwrap();
    let body = problem(joined, 422).await;
    assert!(body["errors"]["partner_id"].is_array(), "{body}");

    let budi = volunteer(&app, "Budi", "id", &[]).await;
    let mut profile: Value = budi
        .send(Method::GET, "/api/v1/volunteer/me", None)
        .await
        .json()
        .await
        .unwrap();
    profile["partner_id"] = partner["id"].clone();
    let changed = budi
        .send(Method::PUT, "/api/v1/volunteer/me", Some(profile.clone()))
        .await;
    let body = problem(changed, 422).await;
    assert!(body["errors"]["partner_id"].is_array(), "{body}");
    // Staff set it; the volunteer's own edits then keep it.
    let id = profile["id"].as_str().unwrap().to_owned();
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/volunteers/{id}"),
            profile.clone(),
            200,
        )
        .await;
    profile["name"] = json!("Budi Santoso");
    let renamed = budi
        .send(Method::PUT, "/api/v1/volunteer/me", Some(profile))
        .await;
    assert_eq!(renamed.status(), 200);
}

#[tokio::test]
async fn an_idempotency_key_reused_for_another_role_is_refused() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(4),
        json!([{"name": "Host", "capacity": 5}, {"name": "Camera", "capacity": 5}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "en", &[]).await;
    let sign_up = |role: &Value| {
        rina.client
            .post(format!(
                "{}/api/v1/session-roles/{}/signups",
                app.url,
                role.as_str().unwrap()
            ))
            .header("x-csrf-token", &rina.csrf)
            .header("idempotency-key", "signup-reused-1")
            .send()
    };
    assert_eq!(sign_up(&roles[0]).await.unwrap().status(), 200);
    let reused = sign_up(&roles[1]).await.unwrap();
    let body = common::problem(reused, 422).await;
    assert!(body["errors"]["idempotency_key"].is_array(), "{body}");
    assert!(signup_statuses(&app, &roles[1]).await.is_empty());
}

#[tokio::test]
async fn draft_programs_are_for_staff_only_not_judges_nor_volunteers() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles_in(
        &staff,
        "draft",
        Duration::days(4),
        json!([{"name": "Host", "capacity": 5}]),
        120,
    )
    .await;
    let session_path = format!("/api/v1/sessions/{}", session["id"].as_str().unwrap());
    let roles_path = format!("{session_path}/roles");
    let judge = StaffClient::new(&app, Role::Judge).await;
    let rina = volunteer(&app, "Rina", "en", &[]).await;
    for path in [&session_path, &roles_path] {
        assert_eq!(
            app.new_browser()
                .get(app.at(path))
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "{path} anonymous"
        );
        assert_eq!(
            judge.send(Method::GET, path, None).await.status(),
            404,
            "{path} as a judge"
        );
        assert_eq!(
            rina.send(Method::GET, path, None).await.status(),
            404,
            "{path} as a volunteer"
        );
        assert_eq!(
            staff.send(Method::GET, path, None).await.status(),
            200,
            "{path} as staff"
        );
    }
    assert_eq!(rina.sign_up(&roles[0]).await.status(), 404);
    assert!(signup_statuses(&app, &roles[0]).await.is_empty());
}

#[tokio::test]
async fn concurrent_sign_ups_on_two_instances_never_overfill() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(6),
        json!([{"name": "Relawan", "capacity": 5}]),
        120,
    )
    .await;
    let mut people = Vec::new();
    for i in 0..24 {
        let mut person = volunteer(&app, &format!("V{i}"), "id", &[]).await;
        if i % 2 == 1 {
            person.base = other.url.clone();
        }
        people.push(person);
    }
    let role = roles[0].clone();
    let answers = futures_util::future::join_all(people.iter().map(|p| p.sign_up(&role))).await;
    for answer in answers {
        assert_eq!(answer.status(), 200);
    }
    let rows = signup_statuses(&app, &role).await;
    let confirmed = rows.iter().filter(|(s, _, _)| s == "confirmed").count();
    assert_eq!(confirmed, 5);
    let mut places: Vec<i64> = rows.iter().filter_map(|(_, place, _)| *place).collect();
    places.sort_unstable();
    assert_eq!(places, [1, 2, 3, 4, 5]);
    // Arrival numbers are distinct and the first five arrivals hold the places.
    let positions: Vec<i64> = rows.iter().map(|(_, _, p)| *p).collect();
    assert_eq!(positions, (1..=24).collect::<Vec<i64>>());
    assert!(rows[..5].iter().all(|(s, _, _)| s == "confirmed"));
    assert!(rows[5..].iter().all(|(s, _, _)| s == "waitlisted"));
}

#[tokio::test]
async fn reminders_go_out_once_at_the_right_time() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::hours(30),
        json!([{"name": "Host", "capacity": 2}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "en", &[]).await;
    rina.sign_up_ok(&roles[0]).await;
    let start = starts_at(&session);
    let queue = |at: DateTime<Utc>| jobs::queue_reminders(&app.db, &app.url, at);
    assert_eq!(queue(start - Duration::hours(25)).await.unwrap(), 0);
    assert_eq!(queue(start - Duration::hours(23)).await.unwrap(), 1);
    assert_eq!(queue(start - Duration::hours(22)).await.unwrap(), 0);
    assert_eq!(queue(start - Duration::hours(3)).await.unwrap(), 0);
    assert_eq!(queue(start - Duration::minutes(119)).await.unwrap(), 1);
    assert_eq!(queue(start - Duration::minutes(30)).await.unwrap(), 0);
    let kinds: Vec<String> = mail::mailbox(&app.db, Some(&rina.email), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{}|{}", m.kind, m.subject))
        .filter(|k| k.starts_with("reminder"))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(
        kinds
            .iter()
            .any(|k| k.starts_with("reminder_24h|Tomorrow: "))
    );
    assert!(
        kinds
            .iter()
            .any(|k| k.starts_with("reminder_2h|In 2 hours: "))
    );
}

#[tokio::test]
async fn volunteers_hear_of_cancelled_and_changed_sessions_once() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Host", "capacity": 2}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "id", &[]).await;
    rina.sign_up_ok(&roles[0]).await;
    let id = session["id"].as_str().unwrap();
    assert_eq!(
        jobs::notify_changes(&app.db, &app.url, Utc::now())
            .await
            .unwrap(),
        0
    );
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{id}/cancel"),
            json!({"reason": "Listrik padam"}),
            200,
        )
        .await;
    assert_eq!(
        jobs::notify_changes(&app.db, &app.url, Utc::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        jobs::notify_changes(&app.db, &app.url, Utc::now())
            .await
            .unwrap(),
        0
    );
    let cancelled = mail::mailbox(&app.db, Some(&rina.email), 10).await.unwrap();
    let notice = cancelled
        .iter()
        .find(|m| m.kind == "session_cancelled")
        .unwrap();
    assert!(notice.subject.starts_with("Sesi dibatalkan: "));
    assert!(notice.body.contains("Alasan: Listrik padam"));
    // Their own page says so too, and offers nothing to withdraw from.
    let page = rina
        .client
        .get(format!("{}/volunteer/me", rina.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"data-status="cancelled""#) && page.contains("Sesi dibatalkan"),
        "{page}"
    );
    assert!(
        !page.contains("/withdraw"),
        "a withdraw button on a cancelled session"
    );
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/sessions/{id}/restore"),
            json!({}),
            200,
        )
        .await;
    assert_eq!(
        jobs::notify_changes(&app.db, &app.url, Utc::now())
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn staff_assign_remove_mark_attendance_and_report_hours() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Universitas Hasanuddin", "kind": "education"}),
            201,
        )
        .await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Host", "capacity": 1}]),
        120,
    )
    .await;
    let ani = volunteer(&app, "Ani", "id", &[]).await;
    let budi = volunteer(&app, "Budi", "id", &[]).await;
    let all = staff.get_json("/api/v1/volunteers").await;
    let id_of = |email: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|v| v["email"] == email)
            .unwrap()["id"]
            .clone()
    };
    let (ani_id, budi_id) = (id_of(&ani.email), id_of(&budi.email));
    // Budi studies at the partner university.
    let mut profile = staff
        .get_json(&format!("/api/v1/volunteers/{}", budi_id.as_str().unwrap()))
        .await;
    profile["partner_id"] = partner["id"].clone();
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/volunteers/{}", budi_id.as_str().unwrap()),
            profile,
            200,
        )
        .await;

    let role_path = format!("/api/v1/session-roles/{}", roles[0].as_str().unwrap());
    let a = staff
        .expect(
            Method::POST,
            &format!("{role_path}/assign"),
            json!({"volunteer_id": ani_id}),
            200,
        )
        .await;
    // Staff may fill beyond capacity.
    let b = staff
        .expect(
            Method::POST,
            &format!("{role_path}/assign"),
            json!({"volunteer_id": budi_id}),
            200,
        )
        .await;
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("confirmed"), Some("confirmed"))
    );
    staff
        .expect(
            Method::POST,
            &format!("/api/v1/signups/{}/remove", a["id"].as_str().unwrap()),
            json!({}),
            200,
        )
        .await;
    let places: Vec<Option<i64>> = signup_statuses(&app, &roles[0])
        .await
        .into_iter()
        .map(|(_, place, _)| place)
        .collect();
    assert_eq!(
        places,
        [None, Some(2)],
        "Ani removed, Budi keeps the place beyond capacity"
    );
    let told: Vec<String> = mail::mailbox(&app.db, Some(&ani.email), 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "signup_removed")
        .map(|m| m.subject)
        .collect();
    assert_eq!(told.len(), 1, "Ani is told she was taken out: {told:?}");
    assert!(told[0].starts_with("Tidak lagi terdaftar: "), "{told:?}");

    // Attendance waits for the session to start.
    let sid = session["id"].as_str().unwrap();
    let early = staff
        .send(
            Method::PUT,
            &format!("/api/v1/sessions/{sid}/attendance"),
            Some(json!([{"signup_id": b["id"], "attended": true}])),
        )
        .await;
    assert_eq!(problem(early, 409).await["type"], "/problems/not-yet-held");
    server::services::signups::reports::mark_attendance(
        &app.db,
        sid.parse().unwrap(),
        vec![shared::dto::volunteers::AttendanceMark {
            signup_id: b["id"].as_str().unwrap().parse().unwrap(),
            attended: true,
            minutes_served: Some(90),
        }],
        starts_at(&session) + Duration::hours(2),
    )
    .await
    .unwrap();
    let day = starts_at(&session)
        .with_timezone(&chrono_tz::Asia::Makassar)
        .date_naive();
    let report = staff
        .get_json(&format!("/api/v1/volunteering/hours?from={day}&to={day}"))
        .await;
    assert_eq!(report["by_volunteer"][0]["minutes"], 90);
    assert_eq!(report["by_volunteer"][0]["sessions"], 1);
    assert_eq!(report["by_partner"][0]["name"], "Universitas Hasanuddin");
    assert_eq!(
        report["by_volunteer"].as_array().unwrap().len(),
        1,
        "Ani was removed"
    );
    let csv = staff
        .send(
            Method::GET,
            &format!("/api/v1/volunteering/hours.csv?from={day}&to={day}"),
            None,
        )
        .await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.contains(",Budi,1,90,1.50\n"), "{csv}");
    assert!(csv.contains(",Universitas Hasanuddin,1,90,1.50\n"), "{csv}");

    // Merging Ani into Budi, then deactivation stops sign-in.
    let merged = staff
        .expect(
            Method::POST,
            "/api/v1/volunteers/merge",
            json!({"keep": budi_id, "duplicate": ani_id}),
            200,
        )
        .await;
    assert_eq!(merged["id"], budi_id);
    let ani_after = staff
        .get_json(&format!("/api/v1/volunteers/{}", ani_id.as_str().unwrap()))
        .await;
    assert_eq!(ani_after["active"], false);
    assert_eq!(ani_after["merged_into"], budi_id);
    let me = ani.send(Method::GET, "/api/v1/volunteer/me", None).await;
    assert_eq!(me.status(), 401, "a deactivated volunteer's session ends");
}

#[tokio::test]
async fn feeds_list_open_slots_and_a_volunteers_own_sessions() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, roles) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Host", "capacity": 1}]),
        120,
    )
    .await;
    let uid = format!("{}@siar", session["id"].as_str().unwrap());
    let open = app
        .get("/calendar/open-slots.ics")
        .await
        .text()
        .await
        .unwrap();
    assert!(open.contains(&uid), "{open}");
    let rina = volunteer(&app, "Rina", "id", &[]).await;
    rina.sign_up_ok(&roles[0]).await;
    let open = app
        .get("/calendar/open-slots.ics")
        .await
        .text()
        .await
        .unwrap();
    assert!(!open.contains(&uid), "a full session is no open slot");
    let links: Value = rina
        .send(Method::GET, "/api/v1/volunteer/me/calendar", None)
        .await
        .json()
        .await
        .unwrap();
    let feed_url = links["url"].as_str().unwrap();
    let mine = app
        .client
        .get(feed_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains(&uid));
    let parsed: icalendar::Calendar = mine.parse().unwrap();
    assert!(!parsed.components.is_empty());
    // After a reset the old URL is gone.
    rina.send(Method::POST, "/api/v1/volunteer/me/calendar/reset", None)
        .await;
    assert_eq!(app.client.get(feed_url).send().await.unwrap().status(), 404);
}

/// A real SMTP server (aiosmtpd) writing what it receives to a file.
struct SmtpSink {
    child: Child,
    port: u16,
    out: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let python = std::env::var("SIAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mail.jsonl");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/mail/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(script)
            .arg(port.to_string())
            .arg(&out)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python}: {e}; run `cargo xtask test`"));
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "aiosmtpd did not start (is it installed? `cargo xtask test` installs it)"
        );
        SmtpSink {
            child,
            port,
            out,
            _dir: dir,
        }
    }

    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_outbox_survives_a_restart_and_sends_each_message_once_over_smtp() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Host", "capacity": 1}]),
        120,
    )
    .await;
    let rina = volunteer(&app, "Rina", "id", &[]).await;
    let john = volunteer(&app, "John", "en", &[]).await;
    rina.sign_up_ok(&roles[0]).await;
    john.sign_up_ok(&roles[0]).await;

    // The first attempt meets a mail server that is down: nothing is lost, a retry is due later.
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = server::config::Config::from_vars(&app.vars).unwrap();
    config.smtp_url = Some(format!("smtp://127.0.0.1:{dead_port}"));
    let down = Transport::from_config(&config).unwrap();
    assert_eq!(
        run_once(&app.db, &down, &app.url, Utc::now())
            .await
            .unwrap(),
        0
    );
    let waiting = mail::mailbox(&app.db, None, 100).await.unwrap();
    assert_eq!(waiting.len(), 4);
    assert!(
        waiting
            .iter()
            .all(|m| m.sent_at.is_none() && m.attempts == 1 && m.last_error.is_some())
    );

    // "Restart": two fresh instances with the mail server up and their job loops running.
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let settings = [
        ("SIAR_SMTP_URL", smtp.as_str()),
        ("SIAR_JOBS_INTERVAL_MS", "200"),
    ];
    // The retry is 30 s after the failure; bring it forward as if that time had passed.
    {
        use sea_orm::{EntityTrait, sea_query::Expr};
        server::db::entities::outbox::Entity::update_many()
            .col_expr(
                server::db::entities::outbox::Column::NextAttemptAt,
                Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .exec(&app.db)
            .await
            .unwrap();
    }
    let first = app.another_instance_with(&settings).await;
    let second = app.another_instance_with(&settings).await;
    for _ in 0..100 {
        if sink.received().len() >= 4 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    // With a real mail server, staff no longer read the letters' private links anywhere.
    let staff_there = StaffClient::new(&first, Role::Coordinator).await;
    let shown = staff_there.get_json("/api/v1/mailbox").await;
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 4);
    assert!(
        shown.iter().all(|m| m["body"] == mail::WITHHELD_BODY),
        "{shown:?}"
    );
    let page = first.html(&staff_there.client, "/staff/mailbox").await;
    assert!(page.contains("Isi surat tidak ditampilkan"));
    assert!(
        !page.contains("token="),
        "a sign-in link on the mailbox page"
    );
    drop((first, second));
    let received = sink.received();
    assert_eq!(
        received.len(),
        4,
        "each message exactly once: {received:#?}"
    );
    let mut ids: Vec<&str> = received
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    let to = |email: &str| -> Vec<String> {
        received
            .iter()
            .filter(|m| m["to"][0] == email)
            .map(|m| m["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    let rina_mail = to(&rina.email);
    assert!(
        rina_mail.contains(&"Tautan masuk Siar Anda".to_owned()),
        "{rina_mail:?}"
    );
    assert!(
        rina_mail.iter().any(|s| s.starts_with("Terdaftar: ")),
        "{rina_mail:?}"
    );
    let john_mail = to(&john.email);
    assert!(
        john_mail.contains(&"Your Siar sign-in link".to_owned()),
        "{john_mail:?}"
    );
    assert!(
        john_mail.iter().any(|s| s.starts_with("Waitlisted: ")),
        "{john_mail:?}"
    );
    assert!(received.iter().all(|m| m["from"] == "siar@localhost"));
    // The letters carried their sign-in links; the outbox rows they leave behind do not.
    let sent_body = received
        .iter()
        .filter(|m| m["to"][0] == rina.email.as_str())
        .find_map(|m| m["body"].as_str().filter(|b| b.contains("token=")))
        .expect("Rina's sign-in letter arrived with its link");
    let at = sent_body.find("token=").unwrap() + "token=".len();
    let sent_token = &sent_body[at..at + 43];
    let stored = mail::mailbox(&app.db, None, 100).await.unwrap();
    assert!(stored.iter().all(|m| m.sent_at.is_some()));
    assert!(
        stored.iter().all(|m| !m.body.contains(sent_token)),
        "a sent letter's stored body still holds its sign-in link"
    );
    let sent = mail::mailbox(&app.db, None, 100).await.unwrap();
    assert!(
        sent.iter()
            .all(|m| m.delivered_via.as_deref() == Some("smtp"))
    );
}

/// A refused registration comes back with what was typed, carried in the session: the name,
/// address and phone number never appear in a URL, and the form shows them once.
#[tokio::test]
async fn a_refused_registration_keeps_the_typed_values_out_of_the_url() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let csrf = app.csrf_token_from_page(&browser).await;
    let refused = browser
        .post(app.at("/volunteer/register"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Citra Dewi"),
            ("email", "citra.dewi@siar.test"),
            ("phone", "not a phone"),
            ("skills", "cook"),
            ("lang", "en"),
        ])
        .send()
        .await
        .unwrap();
    let location = see_other(&refused);
    assert!(
        location.starts_with("/volunteer?invalid=phone"),
        "{location}"
    );
    for private in ["Citra", "citra.dewi", "phone="] {
        assert!(!location.contains(private), "{private} in {location}");
    }

    let html = app.html(&browser, &location).await;
    assert!(html.contains("value=\"Citra Dewi\""), "the name is back");
    assert!(
        html.contains("value=\"citra.dewi@siar.test\""),
        "the address is back"
    );
    assert!(
        html.contains("id=\"reg-phone-error\""),
        "the phone is named"
    );
    // Shown once: a reload is an empty form.
    assert!(!app.html(&browser, &location).await.contains("Citra Dewi"));

    // Registered: the page says where the link went, and the URL does not.
    let csrf = app.csrf_token_from_page(&browser).await;
    let registered = browser
        .post(app.at("/volunteer/register"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Citra Dewi"),
            ("email", "citra.dewi@siar.test"),
            ("lang", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 303);
    let location = registered.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(location, "/volunteer?sent=1");
    let page = browser.get(app.at(&location)).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("citra.dewi@siar.test"));
}

/// A public registration as sent from `client` (the proxy's header names it).
async fn register_from(app: &TestApp, client: &str, name: &str, email: &str) -> reqwest::Response {
    app.new_browser()
        .post(app.at("/api/v1/volunteers/register"))
        .header("x-forwarded-for", client)
        .json(&json!({"name": name, "email": email}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn public_mail_doors_hold_their_limits_under_a_parallel_flood() {
    use server::services::rate_limit::{MAILS_PER_CLIENT, MAILS_PER_RECIPIENT};
    let app = TestApp::spawn_with(&[("SIAR_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    let app = &app;

    // One client address registering many addresses at once: the cap holds exactly.
    let flood = (0..MAILS_PER_CLIENT * 2).map(|i| async move {
        register_from(app, "203.0.113.7", "Ani", &format!("banjir-{i}@example.id")).await
    });
    let statuses: Vec<u16> = futures_util::future::join_all(flood)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let accepted = statuses.iter().filter(|s| **s == 202).count() as u64;
    let limited = statuses.iter().filter(|s| **s == 429).count() as u64;
    assert_eq!(
        (accepted, limited),
        (MAILS_PER_CLIENT, MAILS_PER_CLIENT),
        "{}",
        app.backend
    );
    let letters = mail::mailbox(&app.db, None, 1000).await.unwrap().len() as u64;
    assert_eq!(letters, MAILS_PER_CLIENT, "{}", app.backend);

    // The same address is refused at the link door too, with a time to come back; another
    // client address is not held up.
    let link = app
        .new_browser()
        .post(app.at("/api/v1/volunteers/sign-in-link"))
        .header("x-forwarded-for", "203.0.113.7")
        .header("accept-language", "en")
        .json(&json!({"email": "banjir-0@example.id"}))
        .send()
        .await
        .unwrap();
    assert!(link.headers().contains_key("retry-after"));
    let body = problem(link, 429).await;
    assert_eq!(body["type"], "/problems/rate-limited");
    assert_eq!(
        register_from(app, "198.51.100.2", "Budi", "budi@example.id")
            .await
            .status(),
        202
    );

    // One recipient, asked for from many addresses at once: no more than its own cap.
    let victim = "korban@example.id";
    let many = (0..MAILS_PER_RECIPIENT + 5).map(|i| {
        let client = format!("192.0.2.{}", i + 1);
        async move { register_from(app, &client, "Korban", victim).await.status() }
    });
    let accepted = futures_util::future::join_all(many)
        .await
        .iter()
        .filter(|s| **s == 202)
        .count() as u64;
    assert_eq!(accepted, MAILS_PER_RECIPIENT, "{}", app.backend);
}

#[tokio::test]
async fn a_letter_never_repeats_a_stranger_s_link_in_the_library_s_name() {
    let app = TestApp::spawn().await;
    let lure = "Halo Selamat! Klaim hadiah Anda di http://evil.example/hadiah";
    let email = "sasaran@example.id";
    assert_eq!(
        register_from(&app, "127.0.0.1", lure, email).await.status(),
        202
    );
    let letter = &mail::mailbox(&app.db, Some(email), 10).await.unwrap()[0];
    assert!(
        !letter.body.contains("evil.example") && letter.body.starts_with("Halo,"),
        "{}",
        letter.body
    );
    // An ordinary name is still used.
    assert_eq!(
        register_from(&app, "127.0.0.1", "Andi Rahman", "andi@example.id")
            .await
            .status(),
        202
    );
    let letter = &mail::mailbox(&app.db, Some("andi@example.id"), 10)
        .await
        .unwrap()[0];
    assert!(
        letter.body.starts_with("Halo Andi Rahman,"),
        "{}",
        letter.body
    );
}

#[tokio::test]
async fn staff_editing_a_session_s_roles_at_once_never_get_a_server_error() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, _) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Pendongeng", "capacity": 2}]),
        60,
    )
    .await;
    let path = format!("/api/v1/sessions/{}/roles", session["id"].as_str().unwrap());
    let edits = (0..8u32).map(|i| {
        let body = json!([{"name": format!("Peran {i}"), "capacity": i + 1}]);
        staff.send(Method::PUT, &path, Some(body))
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
async fn a_session_s_roles_are_set_by_rows_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, ids) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Pendongeng", "capacity": 1, "skill": "storyteller"},
               {"name": "Kamera", "capacity": 1}]),
        60,
    )
    .await;
    let id = session["id"].as_str().unwrap();
    let form = format!("/staff/sessions/{id}/roles");
    let roles = || async {
        staff
            .get_json(&format!("/api/v1/sessions/{id}/roles"))
            .await
    };
    let (storyteller, camera) = (ids[0].as_str().unwrap(), ids[1].as_str().unwrap());
    // What the form sends: every row's four fields in order, two of them the empty rows.
    let rows = |second_capacity: &'static str| {
        vec![
            ("role_id", storyteller),
            ("role_name", "Pendongeng utama"),
            ("role_capacity", "2"),
            ("role_skill", "storyteller"),
            ("role_id", camera),
            ("role_name", "Kamera"),
            ("role_capacity", second_capacity),
            ("role_skill", ""),
            ("role_id", ""),
            ("role_name", "Moderator obrolan"),
            ("role_capacity", "1"),
            ("role_skill", "moderator"),
            ("role_id", ""),
            ("role_name", ""),
            ("role_capacity", "1"),
            ("role_skill", ""),
        ]
    };

    // A bad row: sent back by row and field, nothing saved.
    let refused = see_other(&staff.post_form(&form, &rows("banyak")).await);
    assert!(refused.contains("form=roles"), "{refused}");
    assert!(
        refused.contains("roles%5B1%5D.capacity") || refused.contains("roles[1].capacity"),
        "{refused}"
    );
    assert_eq!(roles().await.as_array().unwrap().len(), 2);
    let page = staff.page(&refused).await;
    assert!(
        page.contains("id=\"role-1-capacity-error\""),
        "the error stands under its field"
    );

    let saved = see_other(&staff.post_form(&form, &rows("3")).await);
    assert!(saved.contains("saved=roles"), "{saved}");
    let after = roles().await;
    let summary: Vec<(String, u64, Value)> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["capacity"].as_u64().unwrap(),
                r["skill"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Pendongeng utama".to_owned(), 2, json!("storyteller")),
            ("Kamera".to_owned(), 3, Value::Null),
            ("Moderator obrolan".to_owned(), 1, json!("moderator")),
        ]
    );
    assert_eq!(
        after[0]["id"].as_str(),
        Some(storyteller),
        "a renamed role keeps its id"
    );

    // An emptied name takes the role off.
    let fields = [
        ("role_id", storyteller),
        ("role_name", "Pendongeng utama"),
        ("role_capacity", "2"),
        ("role_skill", "storyteller"),
        ("role_id", camera),
        ("role_name", ""),
        ("role_capacity", "3"),
        ("role_skill", ""),
    ];
    see_other(&staff.post_form(&form, &fields).await);
    let names: Vec<Value> = roles()
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("Pendongeng utama")]);

    // The editor shows the rows, each labelled, with the skills to choose from.
    let editor = staff.page(&format!("/staff/sessions/{id}")).await;
    assert!(editor.contains("for=\"role-0-name\""), "labelled rows");
    assert!(
        editor.contains("<option value=\"moderator\""),
        "skills listed"
    );
}

/// A program's roles are edited as the same rows as a session's (not typed lines with skill
/// codes), together with its sign-up rules; a bad value comes back under its field.
#[tokio::test]
async fn a_program_s_roles_are_set_by_rows_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (session, _) = session_with_roles(
        &staff,
        Duration::days(3),
        json!([{"name": "Pendongeng", "capacity": 1, "skill": "storyteller"}]),
        60,
    )
    .await;
    let program = staff
        .get_json(&format!(
            "/api/v1/programs/{}",
            session["program_id"].as_str().unwrap()
        ))
        .await;
    let (program_id, slug) = (
        program["id"].as_str().unwrap().to_owned(),
        program["slug"].as_str().unwrap().to_owned(),
    );
    let settings = || async {
        staff
            .get_json(&format!("/api/v1/programs/{program_id}/volunteering"))
            .await
    };
    let storyteller = settings().await["roles"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = format!("/staff/programs/{slug}/volunteering");
    let fields = |cutoff: &'static str, capacity: &'static str| {
        vec![
            ("role_id", storyteller.clone()),
            ("role_name", "Pendongeng utama".to_owned()),
            ("role_capacity", capacity.to_owned()),
            ("role_skill", "storyteller".to_owned()),
            ("role_id", String::new()),
            ("role_name", "Juru masak".to_owned()),
            ("role_capacity", "2".to_owned()),
            ("role_skill", "cook".to_owned()),
            ("role_id", String::new()),
            ("role_name", String::new()),
            ("role_capacity", "1".to_owned()),
            ("role_skill", String::new()),
            ("signup_cutoff_minutes", cutoff.to_owned()),
            ("offer_window_minutes", "720".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let staff = &staff;
        let form = form.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            see_other(&staff.post_form(&form, &pairs).await)
        }
    };

    // A bad place count and a bad cut-off: each named under its field, nothing saved.
    let refused = send(fields("lama", "0")).await;
    assert!(refused.contains("form=program-roles"), "{refused}");
    let page = staff.page(&refused).await;
    assert!(
        page.contains("id=\"role-0-capacity-error\""),
        "the row's error under its field"
    );
    assert!(
        page.contains("id=\"cutoff-error\""),
        "the cut-off's error under its field"
    );
    assert_eq!(settings().await["roles"].as_array().unwrap().len(), 1);

    let saved = send(fields("90", "2")).await;
    assert!(saved.contains("saved=program-roles"), "{saved}");
    let after = settings().await;
    assert_eq!(after["signup_cutoff_minutes"], 90);
    let roles = after["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(
        roles[0]["id"].as_str(),
        Some(storyteller.as_str()),
        "renamed, same role"
    );
    assert_eq!(
        (roles[0]["name"].as_str(), roles[0]["capacity"].as_u64()),
        (Some("Pendongeng utama"), Some(2))
    );
    assert_eq!(
        (roles[1]["name"].as_str(), roles[1]["skill"].as_str()),
        (Some("Juru masak"), Some("cook"))
    );

    // The page shows the rows, labelled, with the skills by name in the page's language.
    let page = staff.page(&format!("/staff/programs/{slug}")).await;
    assert!(page.contains("for=\"role-1-name\""), "labelled rows");
    assert!(
        page.contains(">Pendongeng</option>"),
        "skills by name, in Indonesian"
    );
    assert!(
        !page.contains("id=\"roles-text\""),
        "no typed lines any more"
    );
}

/// The volunteer's id, read from the database by their address.
async fn volunteer_id(app: &TestApp, person: &VolunteerClient) -> uuid::Uuid {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::db::entities::volunteers;
    volunteers::Entity::find()
        .filter(volunteers::Column::Email.eq(person.email.clone()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// How many letters of these kinds went to the person.
async fn letters_to(app: &TestApp, person: &VolunteerClient, kinds: &[&str]) -> usize {
    mail::mailbox(&app.db, Some(&person.email), 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| kinds.contains(&m.kind.as_str()))
        .count()
}

const SIGNUP_LETTERS: [&str; 2] = ["signup_confirmed", "waitlisted"];

#[tokio::test]
async fn a_batch_decides_each_request_by_the_single_sign_up_s_rules() {
    use server::services::signups::batch::{Request, decide};
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(5),
        json!([{"name": "Relawan", "capacity": 2}, {"name": "Juru masak", "capacity": 2, "skill": "cook"}]),
        120,
    )
    .await;
    // A session of another program at the same time, for the overlap rule.
    let (_, elsewhere) = session_with_roles(
        &staff,
        Duration::days(5),
        json!([{"name": "Host", "capacity": 5}]),
        120,
    )
    .await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(volunteer(&app, &format!("B{i}"), "id", &[]).await);
    }
    let already = people[0].sign_up_ok(&roles[0]).await;
    let returning = people[1].sign_up_ok(&roles[0]).await;
    people[1]
        .send(
            Method::POST,
            &format!(
                "/api/v1/signups/{}/withdraw",
                returning["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    people[2].sign_up_ok(&elsewhere[0]).await;
    let mut ids = Vec::new();
    for person in &people {
        ids.push(volunteer_id(&app, person).await);
    }
    let request = |i: usize, key: Option<&str>| Request {
        volunteer_id: ids[i],
        idempotency_key: key.map(str::to_owned),
        now: Utc::now(),
    };
    let role: uuid::Uuid = roles[0].as_str().unwrap().parse().unwrap();
    // In arrival order: one already in, one back after withdrawing, one busy elsewhere then,
    // one twice (the second with a key), two newcomers for one free place.
    let batch = [
        request(0, None),
        request(1, Some("back-1")),
        request(2, None),
        request(3, None),
        request(3, Some("again-3")),
        request(4, None),
        request(5, None),
    ];
    let answers = decide(&app.db, role, &batch, &app.url).await.unwrap();
    let ok = |i: usize| answers[i].as_ref().unwrap();
    assert_eq!(ok(0).id.to_string(), already["id"].as_str().unwrap());
    assert_eq!(
        ok(1).id.to_string(),
        returning["id"].as_str().unwrap(),
        "her old row is reused"
    );
    assert_eq!(ok(1).status.as_str(), "confirmed");
    assert!(matches!(
        answers[2],
        Err(server::error::AppError::Refused(
            shared::dto::volunteers::Refusal::Overlap
        ))
    ));
    assert_eq!(ok(3).status.as_str(), "waitlisted");
    assert_eq!(ok(3).waitlist_position, Some(1));
    assert_eq!(
        ok(4).id,
        ok(3).id,
        "the same person's repeat gets the same sign-up"
    );
    assert_eq!(ok(5).waitlist_position, Some(2));
    assert_eq!(ok(6).waitlist_position, Some(3));
    // The role needing a skill nobody listed refuses everyone, and writes nothing.
    let cook: uuid::Uuid = roles[1].as_str().unwrap().parse().unwrap();
    let refused = decide(&app.db, cook, &batch[3..5], &app.url).await.unwrap();
    assert!(refused.iter().all(|a| matches!(
        a,
        Err(server::error::AppError::Refused(
            shared::dto::volunteers::Refusal::MissingSkill
        ))
    )));
    assert!(signup_statuses(&app, &roles[1]).await.is_empty());

    let rows = signup_statuses(&app, &roles[0]).await;
    let statuses: Vec<&str> = rows.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "confirmed",
            "confirmed",
            "waitlisted",
            "waitlisted",
            "waitlisted"
        ]
    );
    let positions: Vec<i64> = rows.iter().map(|(_, _, p)| *p).collect();
    assert_eq!(
        positions,
        [1, 3, 4, 5, 6],
        "arrival numbers go on from the withdrawn one's"
    );
    // One letter per sign-up: the returning volunteer's second, the repeat's only one.
    assert_eq!(letters_to(&app, &people[1], &SIGNUP_LETTERS).await, 2);
    assert_eq!(letters_to(&app, &people[3], &SIGNUP_LETTERS).await, 1);
    assert_eq!(letters_to(&app, &people[2], &SIGNUP_LETTERS).await, 1);
    // A retry of the keyed request later is a replay of the same sign-up.
    let replay = people[3]
        .client
        .post(format!("{}/api/v1/session-roles/{role}/signups", app.url))
        .header("x-csrf-token", &people[3].csrf)
        .header("idempotency-key", "again-3")
        .send()
        .await
        .unwrap();
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"].as_str().unwrap(), ok(3).id.to_string());
}

#[tokio::test]
async fn a_burst_with_repeats_retries_and_withdrawals_stays_exact() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(6),
        json!([{"name": "Relawan", "capacity": 4}]),
        120,
    )
    .await;
    let role = roles[0].clone();
    let mut people = Vec::new();
    for i in 0..16 {
        people.push(volunteer(&app, &format!("R{i}"), "id", &[]).await);
    }
    let first = people[0].sign_up_ok(&role).await;
    people[1].sign_up_ok(&role).await;
    let path = format!("/api/v1/session-roles/{}/signups", role.as_str().unwrap());
    let keyed = |person: &VolunteerClient| {
        person
            .client
            .post(format!("{}{path}", app.url))
            .header("x-csrf-token", &person.csrf)
            .header("idempotency-key", "burst-5")
            .send()
    };
    // Everyone else at once, R4 three times, R5 twice with one key, and R0 withdrawing
    // meanwhile.
    let mut burst: Vec<_> = people[1..]
        .iter()
        .map(|p| p.sign_up(&role).boxed())
        .collect();
    burst.push(people[4].sign_up(&role).boxed());
    burst.push(people[4].sign_up(&role).boxed());
    burst.push(async { keyed(&people[5]).await.unwrap() }.boxed());
    burst.push(async { keyed(&people[5]).await.unwrap() }.boxed());
    let withdraw_path = format!("/api/v1/signups/{}/withdraw", first["id"].as_str().unwrap());
    let withdrawal = people[0].send(Method::POST, &withdraw_path, None);
    let (answers, withdrawn) =
        futures_util::future::join(futures_util::future::join_all(burst), withdrawal).await;
    assert_eq!(withdrawn.status(), 200);
    let mut bodies = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        bodies.push(answer.json::<Value>().await.unwrap());
    }
    // R4's and R5's repeats (at the end) got their first request's sign-up.
    assert_eq!(bodies[3]["id"], bodies[15]["id"]);
    assert_eq!(bodies[3]["id"], bodies[16]["id"]);
    assert_eq!(bodies[4]["id"], bodies[17]["id"]);
    assert_eq!(bodies[4]["id"], bodies[18]["id"]);

    // One row per person; the places held (confirmed or offered) fill the role exactly and
    // follow arrival order: nobody who came later holds a place while an earlier one waits.
    let rows = signup_statuses(&app, &role).await;
    assert_eq!(rows.len(), 16);
    let mut places: Vec<i64> = rows.iter().filter_map(|(_, place, _)| *place).collect();
    places.sort_unstable();
    assert_eq!(places, [1, 2, 3, 4]);
    let positions: Vec<i64> = rows.iter().map(|(_, _, p)| *p).collect();
    assert_eq!(positions, (1..=16).collect::<Vec<i64>>());
    let first_waiting = rows.iter().position(|(s, _, _)| s == "waitlisted").unwrap();
    assert!(
        rows[first_waiting..]
            .iter()
            .all(|(s, _, _)| s == "waitlisted")
    );
    assert_eq!(rows.iter().filter(|(s, _, _)| s == "withdrawn").count(), 1);
    for (i, person) in people.iter().enumerate() {
        assert_eq!(letters_to(&app, person, &SIGNUP_LETTERS).await, 1, "R{i}");
    }
}

/// `siar serve` as a separate process on the app's database, and the address it listens on.
fn serve_process(app: &TestApp) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siar"));
    command
        .arg("serve")
        .envs(&app.vars)
        .env("SIAR_BIND", "127.0.0.1:0")
        .env("SIAR_BASE_URL", &app.url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server stopped"
        );
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split(';').next().unwrap().trim().to_owned();
        }
    };
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, format!("http://{addr}"))
}

#[tokio::test]
async fn kill_9_during_a_burst_loses_no_acknowledged_sign_up() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (_, roles) = session_with_roles(
        &staff,
        Duration::days(6),
        json!([{"name": "Relawan", "capacity": 5}]),
        120,
    )
    .await;
    let role = roles[0].clone();
    let (mut server, url) = serve_process(&app);
    let mut people = Vec::new();
    for i in 0..40 {
        let mut person = volunteer(&app, &format!("K{i}"), "id", &[]).await;
        person.base = url.clone();
        people.push(person);
    }
    // Everyone taps at once; the process is killed (SIGKILL) as soon as the first answer
    // arrives, while later batches are still being decided.
    let mut burst: futures_util::stream::FuturesUnordered<_> = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.client
                .post(format!(
                    "{url}/api/v1/session-roles/{}/signups",
                    role.as_str().unwrap()
                ))
                .header("x-csrf-token", &p.csrf)
                .send()
                .map(move |r| (i, r))
        })
        .collect();
    let mut acknowledged: Vec<(usize, Value)> = Vec::new();
    let mut killed = false;
    while let Some((i, answer)) = futures_util::StreamExt::next(&mut burst).await {
        // A connection cut by the kill, or a 200 whose body was cut off, acknowledged nothing.
        if let Ok(answer) = answer
            && answer.status() == 200
            && let Ok(body) = answer.json::<Value>().await
        {
            acknowledged.push((i, body));
        }
        if !killed {
            server.kill().unwrap();
            server.wait().unwrap();
            killed = true;
        }
    }
    drop(burst);
    println!(
        "{} of 40 sign-ups acknowledged before the kill",
        acknowledged.len()
    );
    assert!(!acknowledged.is_empty());

    // Every acknowledged sign-up is stored as it was reported, with its letter; the role
    // stays exact however much of the burst was lost.
    let rows = signup_statuses(&app, &role).await;
    let ids = signup_ids(&app, &role).await;
    for (i, body) in &acknowledged {
        let stored = ids
            .iter()
            .position(|id| body["id"].as_str() == Some(id.as_str()));
        let (status, _, _) = &rows[stored.unwrap_or_else(|| panic!("K{i}'s sign-up was lost"))];
        assert_eq!(body["status"].as_str(), Some(status.as_str()), "K{i}");
        assert_eq!(
            letters_to(&app, &people[*i], &SIGNUP_LETTERS).await,
            1,
            "K{i}"
        );
    }
    let positions: Vec<i64> = rows.iter().map(|(_, _, p)| *p).collect();
    assert_eq!(positions, (1..=rows.len() as i64).collect::<Vec<i64>>());

    // Everyone tries again on the surviving instance: each ends with exactly one sign-up,
    // the acknowledged ones unchanged, and the places go to the first five arrivals.
    for (i, person) in people.iter_mut().enumerate() {
        person.base = app.url.clone();
        let again = person.sign_up_ok(&role).await;
        if let Some((_, body)) = acknowledged.iter().find(|(j, _)| *j == i) {
            assert_eq!(again["id"], body["id"], "K{i}");
        }
    }
    let rows = signup_statuses(&app, &role).await;
    assert_eq!(rows.len(), 40);
    assert_eq!(
        rows.iter().map(|(_, _, p)| *p).collect::<Vec<i64>>(),
        (1..=40).collect::<Vec<i64>>()
    );
    assert!(
        rows[..5]
            .iter()
            .all(|(s, place, _)| s == "confirmed" && place.is_some())
    );
    assert!(rows[5..].iter().all(|(s, _, _)| s == "waitlisted"));
    for (i, person) in people.iter().enumerate() {
        assert_eq!(letters_to(&app, person, &SIGNUP_LETTERS).await, 1, "K{i}");
    }
}

/// The role's sign-up ids in arrival order (as [`signup_statuses`] lists them).
async fn signup_ids(app: &TestApp, role: &Value) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use server::db::entities::signups;
    let role_id: uuid::Uuid = role.as_str().unwrap().parse().unwrap();
    signups::Entity::find()
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .order_by_asc(signups::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id.to_string())
        .collect()
}

/// A session abroad also says when it starts on the library's clock, wherever a person reads
/// its time: the API, the public session page, the volunteer's open slots and own list, and
/// the partner's private page (where staff and volunteers in Makassar read it).
#[tokio::test]
async fn a_session_abroad_also_says_its_start_on_the_library_s_clock() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let slug = format!("leiden-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": "Dongeng dari Leiden", "slug": slug, "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published", "tz": "Europe/Amsterdam"}),
            201,
        )
        .await;
    let program_id = program["id"].as_str().unwrap();
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/programs/{program_id}/volunteering"),
            json!({"signup_cutoff_minutes": 60, "offer_window_minutes": 720,
                   "roles": [{"name": "Pembawa acara", "capacity": 2}]}),
            200,
        )
        .await;
    let day = (Utc::now() + Duration::days(30)).date_naive();
    let session = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program_id, "start_local": format!("{day}T10:00:00"), "duration_minutes": 60}),
            201,
        )
        .await["session"]
        .clone();
    let id = session["id"].as_str().unwrap().to_owned();
    // What Leiden's 10:00 reads in Makassar that day (16.00 or 17.00, by Europe's summer time).
    let instant = starts_at(&session);
    let makassar = instant.with_timezone(&chrono_tz::Asia::Makassar);
    let expected_clock = json!({"start_local": makassar.format("%Y-%m-%dT%H:%M:%S").to_string(), "zone_label": "WITA"});
    let europe = instant
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%Z")
        .to_string();
    let expected_text = format!("10.00–11.00 {europe} ({} WITA)", makassar.format("%H.%M"));
    assert_eq!(session["library_clock"], expected_clock, "the API");
    let public = app.html(&app.client, &format!("/sessions/{id}")).await;
    assert!(
        public.contains(&expected_text),
        "the public session page says {expected_text}"
    );

    // The volunteer's open slots and own list.
    let person = volunteer(&app, "Rina", "id", &[]).await;
    let open = person
        .send(Method::GET, "/api/v1/volunteering/open", None)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let slot = open
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["session"]["id"] == id.as_str())
        .expect("the session among the open ones");
    assert_eq!(
        slot["session"]["library_clock"], expected_clock,
        "open slots"
    );
    let role = slot["roles"][0]["id"].clone();
    person.sign_up_ok(&role).await;
    let mine = person.my_signups().await;
    assert_eq!(
        mine[0]["session"]["library_clock"], expected_clock,
        "my sign-ups"
    );
    for path in ["/volunteer/open", "/volunteer/me"] {
        let page = app.html(&person.client, path).await;
        assert!(page.contains(&expected_text), "{path} says {expected_text}");
    }

    // The partner's private page.
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "PPI Leiden", "kind": "community"}),
            201,
        )
        .await;
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/sessions/{id}/partners"),
            json!([{"partner_id": partner["id"], "role": "co_host"}]),
            200,
        )
        .await;
    let link = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            partner["id"].as_str().unwrap()
        ))
        .await;
    let token = link["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let view = app
        .new_browser()
        .get(app.at(&format!("/api/v1/partner-access/{token}")))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        view["sessions"][0]["library_clock"], expected_clock,
        "the partner's view"
    );
    let page = app
        .html(&app.new_browser(), &format!("/partner-access/{token}"))
        .await;
    assert!(
        page.contains(&expected_text),
        "the partner's page says {expected_text}"
    );
}
