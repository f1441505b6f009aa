//! Partners and agreements on the real server, database and file storage: agreement status
//! over time and expiry reminders with a controlled clock, a partner's private link (only its
//! own data, dead after a reset), answers to session requests, document types and limits, the
//! cooperation report against a hand-made fixture, and the dashboard's alerts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{StaffClient, TestApp, problem};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use server::db::entities::{agreement_documents, outbox};
use server::services::agreements::library_today;
use server::services::cooperation::{self, report};
use shared::dto::auth::Role;
use shared::dto::volunteers::{AttendanceMark, VolunteerInput};
use shared::words::AgreementStatus;
use uuid::Uuid;

async fn partner(staff: &StaffClient, name: &str, kind: &str) -> Value {
    staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": format!("{name} {}", &Uuid::new_v4().simple().to_string()[..6]), "kind": kind}),
            201,
        )
        .await
}

async fn program(staff: &StaffClient) -> Value {
    let slug = format!("p-{}", &Uuid::new_v4().simple().to_string()[..8]);
    staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({"name": format!("Dongkelor {slug}"), "slug": slug, "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": "published"}),
            201,
        )
        .await
}

async fn session(staff: &StaffClient, program: &Value, starts_in: Duration) -> Value {
    let start = (Utc::now() + starts_in).with_timezone(&chrono_tz::Asia::Makassar);
    let outcome = staff
        .expect(
            Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program["id"], "start_local": start.format("%Y-%m-%dT%H:00:00").to_string(),
                   "duration_minutes": 60}),
            201,
        )
        .await;
    outcome["session"].clone()
}

fn agreement_body(partners: &[&Value], starts_on: NaiveDate, ends_on: NaiveDate) -> Value {
    json!({
        "title": format!("Kerja sama {}", &Uuid::new_v4().simple().to_string()[..6]),
        "form": "written_mou",
        "state": "in_force",
        "partner_ids": partners.iter().map(|p| p["id"].clone()).collect::<Vec<_>>(),
        "starts_on": starts_on,
        "ends_on": ends_on,
    })
}

fn id(value: &Value) -> Uuid {
    value["id"].as_str().unwrap().parse().unwrap()
}

async fn upload(
    staff: &StaffClient,
    agreement: &Value,
    name: &str,
    bytes: Vec<u8>,
    lang: &str,
) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    staff
        .client
        .post(format!(
            "{}/api/v1/agreements/{}/documents",
            staff.base,
            agreement["id"].as_str().unwrap()
        ))
        .header("x-csrf-token", &staff.csrf)
        .header("accept-language", lang)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn mails_of_kind(app: &TestApp, kind: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn agreement_status_follows_the_dates_and_reminders_go_once() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let me = staff.get_json("/api/v1/auth/me").await;
    let fajar = partner(&staff, "Harian FAJAR", "media").await;
    let now = Utc::now();
    let today = library_today(now);
    let mut body = agreement_body(
        &[&fajar],
        today - Duration::days(10),
        today + Duration::days(70),
    );
    body["library_responsible_id"] = me["id"].clone();
    let agreement = staff
        .expect(Method::POST, "/api/v1/agreements", body.clone(), 201)
        .await;
    assert_eq!(agreement["status"], "active");

    // The status on other days, in the library's zone.
    let status_on = |day: NaiveDate| {
        let db = app.db.clone();
        let agreement_id = id(&agreement);
        async move {
            server::services::agreements::get(&db, agreement_id, day)
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(
        status_on(today - Duration::days(11)).await,
        AgreementStatus::Upcoming
    );
    assert_eq!(
        status_on(today + Duration::days(70)).await,
        AgreementStatus::Active
    );
    assert_eq!(
        status_on(today + Duration::days(71)).await,
        AgreementStatus::Expired
    );
    // A draft stays a draft, and ending it early ends it.
    let mut draft = body.clone();
    draft["state"] = json!("draft");
    draft["title"] = json!("Draf kerja sama");
    let draft = staff
        .expect(Method::POST, "/api/v1/agreements", draft, 201)
        .await;
    assert_eq!(draft["status"], "draft");
    let mut ended = body.clone();
    ended["state"] = json!("ended");
    ended["title"] = json!("Diakhiri lebih awal");
    let ended = staff
        .expect(Method::POST, "/api/v1/agreements", ended, 201)
        .await;
    assert_eq!(ended["status"], "ended");

    // Reminders: none 70 days out, the 60-day one once, then the 14-day one once. Only the
    // agreement in force is reminded of.
    let reminders = |at: DateTime<Utc>| {
        let db = app.db.clone();
        let url = app.url.clone();
        async move {
            cooperation::queue_expiry_reminders(&db, &url, at)
                .await
                .unwrap()
        }
    };
    assert_eq!(reminders(now).await, 0);
    assert_eq!(reminders(now + Duration::days(10)).await, 1);
    assert_eq!(reminders(now + Duration::days(11)).await, 0);
    let sixty = mails_of_kind(&app, "agreement_ending_60").await;
    assert_eq!(sixty.len(), 1);
    assert_eq!(sixty[0].recipient, me["email"].as_str().unwrap());
    assert!(
        sixty[0]
            .subject
            .contains(agreement["title"].as_str().unwrap())
    );
    assert!(sixty[0].body.contains(&format!(
        "/staff/agreements/{}",
        agreement["id"].as_str().unwrap()
    )));
    // Through the job loop, as the server runs it.
    let delivered = server::jobs::run_once(
        &app.db,
        &server::services::mail::Transport::Mailbox,
        &app.url,
        now + Duration::days(56),
    )
    .await
    .unwrap();
    assert!(delivered >= 1);
    assert_eq!(reminders(now + Duration::days(57)).await, 0);
    assert_eq!(mails_of_kind(&app, "agreement_ending_14").await.len(), 1);
    assert_eq!(reminders(now + Duration::days(80)).await, 0);

    // An agreement recorded 10 days before its end gets only the 14-day reminder; with
    // nobody responsible, coordinators and admins get it.
    let late = agreement_body(
        &[&fajar],
        today - Duration::days(100),
        today + Duration::days(10),
    );
    staff
        .expect(Method::POST, "/api/v1/agreements", late, 201)
        .await;
    let queued = reminders(now).await;
    assert!(queued >= 1, "every coordinator and admin is told");
    assert_eq!(mails_of_kind(&app, "agreement_ending_60").await.len(), 1);

    // The dashboard lists agreements ending within 60 days.
    let alerts = staff.get_json("/api/v1/cooperation/alerts").await;
    let expiring: Vec<&str> = alerts["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        !expiring.contains(&agreement["title"].as_str().unwrap()),
        "70 days out"
    );
    assert_eq!(expiring.len(), 1);
    assert_eq!(alerts["expiring"][0]["days_left"], 10);
}

#[tokio::test]
async fn a_partner_link_shows_only_its_partner_and_dies_on_reset() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let library = partner(&staff, "Perpustakaan Provinsi", "library").await;
    let newspaper = partner(&staff, "Harian FAJAR", "media").await;
    let dongkelor = program(&staff).await;
    let talkshow = program(&staff).await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/partners",
                dongkelor["id"].as_str().unwrap()
            ),
            json!([{"partner_id": library["id"], "role": "co_host"}]),
            200,
        )
        .await;
    let on_dongkelor = session(&staff, &dongkelor, Duration::days(3)).await;
    let requested = session(&staff, &talkshow, Duration::days(4)).await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/sessions/{}/partners",
                requested["id"].as_str().unwrap()
            ),
            json!([{"partner_id": newspaper["id"], "role": "media_partner"}]),
            200,
        )
        .await;
    let today = library_today(Utc::now());
    let ours = staff
        .expect(
            Method::POST,
            "/api/v1/agreements",
            agreement_body(&[&library], today, today + Duration::days(365)),
            201,
        )
        .await;
    let theirs = staff
        .expect(
            Method::POST,
            "/api/v1/agreements",
            agreement_body(&[&newspaper], today, today + Duration::days(365)),
            201,
        )
        .await;
    let their_pdf = upload(&staff, &theirs, "mou.pdf", b"%PDF-1.4 FAJAR".to_vec(), "id").await;
    assert_eq!(their_pdf.status(), 201);
    let their_pdf: Value = their_pdf.json().await.unwrap();

    let link = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            library["id"].as_str().unwrap()
        ))
        .await;
    let url = link["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(
        staff
            .get_json(&format!(
                "/api/v1/partners/{}/access-link",
                library["id"].as_str().unwrap()
            ))
            .await["url"],
        url,
        "the link is stable until reset"
    );

    // The partner's contact has no account: the link is enough, and shows only its data.
    let anonymous = app.new_browser();
    let view: Value = anonymous
        .get(app.at(&format!("/api/v1/partner-access/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["name"], library["name"]);
    let sessions: Vec<&str> = view["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(sessions, [on_dongkelor["id"].as_str().unwrap()]);
    assert_eq!(view["sessions"][0]["role"], "co_host");
    assert_eq!(
        view["sessions"][0]["answer"],
        Value::Null,
        "a whole program is not a request"
    );
    let agreements: Vec<&str> = view["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(agreements, [ours["id"].as_str().unwrap()]);
    // Another partner's document and session request are not reachable through it.
    let foreign_doc = anonymous
        .get(app.at(&format!(
            "/api/v1/partner-access/{token}/documents/{}",
            their_pdf["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_doc.status(), 404);
    let foreign_answer = anonymous
        .post(app.at(&format!(
            "/api/v1/partner-access/{token}/sessions/{}/answer",
            requested["id"].as_str().unwrap()
        )))
        .json(&json!({"answer": "declined"}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_answer.status(), 404);

    // The newspaper answers its request; staff see the answer kept on the session.
    let their_link = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            newspaper["id"].as_str().unwrap()
        ))
        .await;
    let their_token = their_link["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let their_view: Value = anonymous
        .get(app.at(&format!("/api/v1/partner-access/{their_token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(their_view["sessions"][0]["answer"], "requested");
    let answered: Value = anonymous
        .post(app.at(&format!(
            "/api/v1/partner-access/{their_token}/sessions/{}/answer",
            requested["id"].as_str().unwrap()
        )))
        .json(&json!({"answer": "confirmed", "note": "Wartawan kami datang."}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answered["answer"], "confirmed");
    assert_eq!(answered["answer_note"], "Wartawan kami datang.");
    let downloaded = anonymous
        .get(app.at(&format!(
            "/api/v1/partner-access/{their_token}/documents/{}",
            their_pdf["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(
        downloaded.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4 FAJAR"
    );
    // Saving the same partners again keeps the answer; the private page renders.
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/sessions/{}/partners",
                requested["id"].as_str().unwrap()
            ),
            json!([{"partner_id": newspaper["id"], "role": "media_partner"}]),
            200,
        )
        .await;
    let page = anonymous
        .get(app.at(&format!("/partner-access/{their_token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(theirs["title"].as_str().unwrap()));
    assert!(html.contains("Dikonfirmasi"), "the kept answer is shown");
    // Each session says which day it is, not only its hours.
    let day = chrono::NaiveDateTime::parse_from_str(
        requested["start_local"].as_str().unwrap(),
        "%Y-%m-%dT%H:%M:%S",
    )
    .unwrap()
    .date();
    let long_day = shared::recurrence::long_date(shared::Lang::Id, day);
    assert!(
        html.contains(&long_day),
        "no {long_day:?} on the partner's page"
    );

    // A reset kills the old link at once.
    let reset = staff
        .expect(
            Method::POST,
            &format!(
                "/api/v1/partners/{}/access-link/reset",
                library["id"].as_str().unwrap()
            ),
            json!({}),
            200,
        )
        .await;
    assert_ne!(reset["url"], link["url"]);
    for dead in [token.as_str(), "short", &"x".repeat(43)] {
        let response = anonymous
            .get(app.at(&format!("/api/v1/partner-access/{dead}")))
            .send()
            .await
            .unwrap();
        problem(response, 404).await;
    }
    let fresh = reset["url"].as_str().unwrap().rsplit('/').next().unwrap();
    let response = anonymous
        .get(app.at(&format!("/api/v1/partner-access/{fresh}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn documents_are_pdf_jpeg_or_png_by_content_and_within_the_limit() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let library = partner(&staff, "Perpustakaan UIN", "university").await;
    let today = library_today(Utc::now());
    let agreement = staff
        .expect(
            Method::POST,
            "/api/v1/agreements",
            agreement_body(&[&library], today, today + Duration::days(30)),
            201,
        )
        .await;
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let response = upload(
        &staff,
        &agreement,
        "MoU bertanda tangan.pdf",
        pdf.clone(),
        "id",
    )
    .await;
    assert_eq!(response.status(), 201);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["content_type"], "application/pdf");
    assert_eq!(document["file_name"], "MoU bertanda tangan.pdf");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let response = upload(&staff, &agreement, "pindaian", png, "id").await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<Value>().await.unwrap()["content_type"],
        "image/png"
    );

    // The name says PDF, the bytes say ZIP: refused, with the reason, in the asked language.
    let response = upload(
        &staff,
        &agreement,
        "mou.pdf",
        b"PK\x03\x04zip".to_vec(),
        "id",
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        body["errors"]["file"][0],
        "Jenis berkas ini tidak diterima; kirim berkas PDF, JPEG, PNG."
    );
    let response = upload(&staff, &agreement, "notes.txt", b"hello".to_vec(), "en").await;
    let body = problem(response, 422).await;
    assert_eq!(
        body["errors"]["file"][0],
        "This kind of file is not accepted; send a PDF, JPEG, PNG file."
    );
    // Over 10 MiB: refused from the declared length, before the body is read.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b'0');
    let response = upload(&staff, &agreement, "besar.pdf", big, "en").await;
    let body = problem(response, 422).await;
    assert_eq!(
        body["errors"]["file"][0],
        "The file is too large; the limit is 10 MiB."
    );
    // Only the two good files were kept, and they read back byte for byte.
    let kept = agreement_documents::Entity::find()
        .filter(agreement_documents::Column::AgreementId.eq(id(&agreement)))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 2);
    let path = format!(
        "/api/v1/agreements/{}/documents/{}",
        agreement["id"].as_str().unwrap(),
        document["id"].as_str().unwrap()
    );
    let response = staff.send(Method::GET, &path, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // A viewer may read but not attach.
    let viewer = StaffClient::new(&app, Role::Viewer).await;
    assert_eq!(viewer.send(Method::GET, &path, None).await.status(), 200);
    let refused = upload(&viewer, &agreement, "x.pdf", pdf, "id").await;
    assert_eq!(refused.status(), 403);
    // Removing it removes the file too.
    assert_eq!(staff.send(Method::DELETE, &path, None).await.status(), 204);
    assert_eq!(staff.send(Method::GET, &path, None).await.status(), 404);
}

#[tokio::test]
async fn the_report_adds_up_to_a_hand_made_fixture() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let library = partner(&staff, "Perpustakaan Provinsi", "library").await;
    let newspaper = partner(&staff, "Harian FAJAR", "media").await;
    let campus = partner(&staff, "Kampus ITB KALLA", "campus").await;
    let dongkelor = program(&staff).await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/volunteering",
                dongkelor["id"].as_str().unwrap()
            ),
            json!({"signup_cutoff_minutes": 60, "offer_window_minutes": 720,
                   "roles": [{"name": "Pendongeng", "capacity": 5}]}),
            200,
        )
        .await;
    staff
        .expect(
            Method::PUT,
            &format!(
                "/api/v1/programs/{}/partners",
                dongkelor["id"].as_str().unwrap()
            ),
            json!([{"partner_id": library["id"], "role": "co_host"}]),
            200,
        )
        .await;
    // Four sessions a week apart; the fourth is cancelled.
    let mut sessions = Vec::new();
    for week in 1..=4 {
        sessions.push(session(&staff, &dongkelor, Duration::days(7 * week)).await);
    }
    staff
        .expect(
            Method::POST,
            &format!(
                "/api/v1/sessions/{}/cancel",
                sessions[3]["id"].as_str().unwrap()
            ),
            json!({"reason": "Libur"}),
            200,
        )
        .await;
    // The newspaper is asked for sessions 1 and 2 and declines the second.
    for s in &sessions[..2] {
        staff
            .expect(
                Method::PUT,
                &format!("/api/v1/sessions/{}/partners", s["id"].as_str().unwrap()),
                json!([{"partner_id": newspaper["id"], "role": "media_partner"}]),
                200,
            )
            .await;
    }
    let newspaper_token = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            newspaper["id"].as_str().unwrap()
        ))
        .await["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    cooperation::answer(
        &app.db,
        &app.url,
        &newspaper_token,
        id(&sessions[1]),
        shared::dto::agreements::AnswerInput {
            answer: shared::words::PartnerAnswer::Declined,
            note: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();

    // Volunteers: two from the library, one on their own. The library's serve 60 + 60 + 30
    // minutes; the third 60 minutes that count for no partner.
    let now = Utc::now();
    let volunteer = |name: &str, partner: Option<&Value>| VolunteerInput {
        name: name.into(),
        email: format!(
            "{}-{}@siar.test",
            name.to_lowercase(),
            Uuid::new_v4().simple()
        ),
        partner_id: partner.map(id),
        ..VolunteerInput::default()
    };
    let mut people = Vec::new();
    for (name, partner) in [
        ("Rahma", Some(&library)),
        ("Sari", Some(&library)),
        ("Andi", None),
    ] {
        people.push(
            server::services::volunteers::register(
                &app.db,
                volunteer(name, partner),
                true,
                &app.url,
                now,
            )
            .await
            .unwrap()
            .id,
        );
    }
    let role_of = |s: &Value| {
        let staff = &staff;
        let sid = s["id"].as_str().unwrap().to_owned();
        async move {
            let roles = staff
                .get_json(&format!("/api/v1/sessions/{sid}/roles"))
                .await;
            roles[0]["id"].as_str().unwrap().parse::<Uuid>().unwrap()
        }
    };
    let assign = |role: Uuid, person: Uuid| {
        let db = app.db.clone();
        let url = app.url.clone();
        async move {
            server::services::signups::assign(&db, role, person, &url, now)
                .await
                .unwrap()
                .id
        }
    };
    let first_role = role_of(&sessions[0]).await;
    let second_role = role_of(&sessions[1]).await;
    let rahma_1 = assign(first_role, people[0]).await;
    let sari_1 = assign(first_role, people[1]).await;
    let andi_1 = assign(first_role, people[2]).await;
    let rahma_2 = assign(second_role, people[0]).await;
    let after_all = now + Duration::days(40);
    let mark = |session: &Value, marks: Vec<AttendanceMark>| {
        let db = app.db.clone();
        let session_id = id(session);
        async move {
            server::services::signups::reports::mark_attendance(&db, session_id, marks, after_all)
                .await
                .unwrap();
        }
    };
    let present = |signup_id, minutes_served| AttendanceMark {
        signup_id,
        attended: true,
        minutes_served,
    };
    mark(
        &sessions[0],
        vec![
            present(rahma_1, None),
            present(sari_1, Some(30)),
            present(andi_1, None),
        ],
    )
    .await;
    mark(&sessions[1], vec![present(rahma_2, None)]).await;

    // Agreements: the library's in force; the newspaper's ended before the period, and a
    // draft, neither counting.
    let today = library_today(now);
    staff
        .expect(
            Method::POST,
            "/api/v1/agreements",
            agreement_body(
                &[&library, &campus],
                today - Duration::days(30),
                today + Duration::days(300),
            ),
            201,
        )
        .await;
    staff
        .expect(
            Method::POST,
            "/api/v1/agreements",
            agreement_body(
                &[&newspaper],
                today - Duration::days(300),
                today - Duration::days(1),
            ),
            201,
        )
        .await;
    let mut draft = agreement_body(&[&newspaper], today, today + Duration::days(300));
    draft["state"] = json!("draft");
    staff
        .expect(Method::POST, "/api/v1/agreements", draft, 201)
        .await;

    let found = report::partner_report(&app.db, today, today + Duration::days(35), None, after_all)
        .await
        .unwrap();
    let line = |p: &Value| {
        found
            .lines
            .iter()
            .find(|l| l.partner_id == id(p))
            .expect("a line per partner")
            .clone()
    };
    let lib = line(&library);
    assert_eq!(lib.sessions_held, 3, "the cancelled session was not held");
    assert_eq!(lib.roles.len(), 1);
    assert_eq!(
        (lib.roles[0].role.as_str(), lib.roles[0].sessions),
        ("co_host", 3)
    );
    assert_eq!((lib.volunteer_sessions, lib.volunteer_minutes), (3, 150));
    assert_eq!(lib.agreements_active, 1);
    let paper = line(&newspaper);
    assert_eq!(
        paper.sessions_held, 1,
        "the declined session does not count"
    );
    assert_eq!(
        (paper.roles[0].role.as_str(), paper.roles[0].sessions),
        ("media_partner", 1)
    );
    assert_eq!(
        (
            paper.volunteer_sessions,
            paper.volunteer_minutes,
            paper.agreements_active
        ),
        (0, 0, 0)
    );
    let kalla = line(&campus);
    assert_eq!((kalla.sessions_held, kalla.agreements_active), (0, 1));
    // Before the sessions end, none was held yet.
    let early = report::partner_report(
        &app.db,
        today,
        today + Duration::days(35),
        Some(id(&library)),
        now,
    )
    .await
    .unwrap();
    assert_eq!(early.lines.len(), 1);
    assert_eq!(early.lines[0].sessions_held, 0);

    let csv = report::partner_report_csv(&found);
    let row = csv
        .lines()
        .find(|l| l.starts_with(library["id"].as_str().unwrap()))
        .unwrap();
    assert!(row.ends_with(",3,co_host:3,3,150,2.50,1"), "{row}");
    // Through the API, with a bad period refused on its field.
    let response = staff
        .send(
            Method::GET,
            "/api/v1/reports/partners?from=2027-02-01&to=2027-01-01",
            None,
        )
        .await;
    let body = problem(response, 422).await;
    assert!(body["errors"]["to"].is_array());
    let response = staff
        .send(
            Method::GET,
            &format!(
                "/api/v1/reports/partners.csv?from={today}&to={}",
                today + Duration::days(35)
            ),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );

    // The dashboard: the newspaper has upcoming sessions and no agreement in force.
    let alerts = cooperation::alerts(&app.db, now).await.unwrap();
    let uncovered: Vec<Uuid> = alerts.uncovered.iter().map(|p| p.id).collect();
    assert!(!uncovered.contains(&id(&library)));
    assert!(
        uncovered.contains(&id(&newspaper)),
        "asked for next week, no agreement in force"
    );
    assert!(!uncovered.contains(&id(&campus)), "no upcoming sessions");
}

fn location(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        303,
        "a form post answers with a redirect"
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The field errors a refused plain form sent back in `?errors=`.
fn sent_back_errors(location: &str) -> Value {
    let query = location.split_once('?').unwrap().1;
    let (_, json) = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .find(|(key, _)| key == "errors")
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

#[tokio::test]
async fn the_plain_forms_save_and_send_field_errors_back() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let me = staff.get_json("/api/v1/auth/me").await;
    let fajar = partner(&staff, "Harian FAJAR", "media").await;
    let slug = fajar["slug"].as_str().unwrap();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let staff = &staff;
        async move {
            let mut fields = fields;
            fields.push(("csrf_token", staff.csrf.clone()));
            staff
                .client
                .post(format!("{}{path}", staff.base))
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };

    // The profile form saves every field, the library-side responsible included.
    let profile = |email: &str| {
        vec![
            ("name", fajar["name"].as_str().unwrap().to_owned()),
            ("kind", "media".to_owned()),
            ("contact_email", email.to_owned()),
            ("address", "Jl. Racing Centre, Makassar".to_owned()),
            ("offers", "media_coverage".to_owned()),
            (
                "other_contacts",
                "Andi; Redaktur; andi@fajar.example".to_owned(),
            ),
            ("their_responsible", "Redaktur pelaksana".to_owned()),
            ("responsible_user_id", me["id"].as_str().unwrap().to_owned()),
        ]
    };
    let saved = post(
        format!("/staff/partners/{slug}"),
        profile("redaksi@fajar.example"),
    )
    .await;
    assert!(location(&saved).ends_with("?done=1"));
    let stored = staff
        .get_json(&format!(
            "/api/v1/partners/{}",
            fajar["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(stored["offers"], json!(["media_coverage"]));
    assert_eq!(stored["other_contacts"][0]["position"], "Redaktur");
    assert_eq!(stored["responsible_user_id"], me["id"]);
    // A bad address comes back on its field; nothing saved is lost.
    let refused = post(format!("/staff/partners/{slug}"), profile("bukan-email")).await;
    let errors = sent_back_errors(&location(&refused));
    assert_eq!(errors["contact_email"][0]["code"], "invalid_email");
    let unchanged = staff
        .get_json(&format!(
            "/api/v1/partners/{}",
            fajar["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(unchanged["contact_email"], "redaksi@fajar.example");

    // An oral agreement without who agreed is refused on that field; a complete one opens
    // its page.
    let today = library_today(Utc::now());
    let agreement = |agreed_by: &str| {
        vec![
            ("title", "Liputan Dongkelor".to_owned()),
            ("form", "oral".to_owned()),
            ("state", "in_force".to_owned()),
            ("partner_ids", fajar["id"].as_str().unwrap().to_owned()),
            ("starts_on", today.to_string()),
            ("ends_on", (today + Duration::days(30)).to_string()),
            ("agreed_by", agreed_by.to_owned()),
            ("agreed_on", today.to_string()),
            ("scope", "Berita sebulan sekali".to_owned()),
            ("costs", "Perpustakaan; Foto; 150.000".to_owned()),
        ]
    };
    let refused = post("/staff/agreements".into(), agreement("")).await;
    let errors = sent_back_errors(&location(&refused));
    assert_eq!(errors["agreed_by"][0]["code"], "required");
    let created = post("/staff/agreements".into(), agreement("Redaktur pelaksana")).await;
    let page = location(&created);
    let id = page
        .trim_start_matches("/staff/agreements/")
        .trim_end_matches("?done=1")
        .to_owned();
    let stored = staff.get_json(&format!("/api/v1/agreements/{id}")).await;
    assert_eq!(stored["costs"][0]["amount_idr"], 150_000);

    // The upload form carries its token in its address; without it, it is refused.
    let upload_form = |token: Option<&str>| {
        let form = Form::new().part(
            "file",
            Part::bytes(b"%PDF-1.4 lisan".to_vec()).file_name("ringkasan.pdf"),
        );
        let query = token
            .map(|t| format!("?csrf_token={t}"))
            .unwrap_or_default();
        staff
            .client
            .post(format!(
                "{}/staff/agreements/{id}/documents{query}",
                staff.base
            ))
            .multipart(form)
            .send()
    };
    assert_eq!(upload_form(None).await.unwrap().status(), 403);
    let attached = upload_form(Some(&staff.csrf)).await.unwrap();
    assert!(location(&attached).contains("attached=1"));
    let stored = staff.get_json(&format!("/api/v1/agreements/{id}")).await;
    assert_eq!(stored["documents"][0]["file_name"], "ringkasan.pdf");
}

/// A partner who declined a session is not taking part: the public session page and API,
/// the session filter by partner and the partner's feed leave it out; staff still see it.
/// A newspaper asked to take part in a session four days ahead: the partner, the session's
/// id and the partner's private token.
async fn newspaper_asked(staff: &StaffClient) -> (Value, String, String) {
    let newspaper = partner(staff, "Harian FAJAR", "media").await;
    let talkshow = program(staff).await;
    let asked = session(staff, &talkshow, Duration::days(4)).await;
    let session_id = asked["id"].as_str().unwrap().to_owned();
    staff
        .expect(
            Method::PUT,
            &format!("/api/v1/sessions/{session_id}/partners"),
            json!([{"partner_id": newspaper["id"], "role": "media_partner"}]),
            200,
        )
        .await;
    let link = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            newspaper["id"].as_str().unwrap()
        ))
        .await;
    let token = link["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (newspaper, session_id, token)
}

async fn answer(app: &TestApp, token: &str, session_id: &str, body: Value) {
    let answered = app
        .new_browser()
        .post(app.at(&format!(
            "/api/v1/partner-access/{token}/sessions/{session_id}/answer"
        )))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
}

#[tokio::test]
async fn staff_see_a_partner_s_answer_and_are_told_of_it_once() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (newspaper, session_id, token) = newspaper_asked(&staff).await;
    let name = newspaper["name"].as_str().unwrap();
    let staff_partners = || async {
        staff
            .get_json(&format!("/api/v1/sessions/{session_id}"))
            .await["partners"]
            .clone()
    };
    assert_eq!(staff_partners().await[0]["answer"], "requested");

    let note = "Wartawan kami datang pukul 13.30.";
    answer(
        &app,
        &token,
        &session_id,
        json!({"answer": "confirmed", "note": note}),
    )
    .await;
    let listed = staff_partners().await;
    assert_eq!(listed[0]["answer"], "confirmed", "{listed}");
    assert_eq!(listed[0]["answer_note"], note, "{listed}");
    // The public reads who takes part, not what was said between the partner and the staff.
    let public: Value = app
        .get(&format!("/api/v1/sessions/{session_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["partners"][0]["partner_id"], newspaper["id"]);
    assert!(public["partners"][0].get("answer").is_none(), "{public}");
    assert!(!public.to_string().contains(note), "{public}");

    // Every active coordinator and admin is told, once: the same answer sent again is news
    // to nobody.
    let managers = server::db::entities::users::Entity::find()
        .filter(server::db::entities::users::Column::Active.eq(true))
        .filter(server::db::entities::users::Column::Role.is_in(["coordinator", "admin"]))
        .count(&app.db)
        .await
        .unwrap();
    answer(
        &app,
        &token,
        &session_id,
        json!({"answer": "confirmed", "note": note}),
    )
    .await;
    let letters = mails_of_kind(&app, "partner_answered").await;
    assert_eq!(letters.len() as u64, managers);
    let letter = &letters[0];
    assert!(letter.subject.contains(name), "{}", letter.subject);
    assert!(
        letter
            .body
            .contains(&format!("/staff/sessions/{session_id}")),
        "{}",
        letter.body
    );
    assert!(
        !letter.body.contains(note),
        "a partner's text is not repeated in the library's letters"
    );
    // A changed answer is news again; flipping back the same day is not (a leaked link
    // cannot flood the staff's mailboxes).
    answer(&app, &token, &session_id, json!({"answer": "declined"})).await;
    assert_eq!(
        mails_of_kind(&app, "partner_answered").await.len() as u64,
        2 * managers
    );
    answer(&app, &token, &session_id, json!({"answer": "confirmed"})).await;
    answer(&app, &token, &session_id, json!({"answer": "declined"})).await;
    assert_eq!(
        mails_of_kind(&app, "partner_answered").await.len() as u64,
        2 * managers
    );

    // The dashboard lists the answer; the partner's staff page shows it by its session.
    let alerts = staff.get_json("/api/v1/cooperation/alerts").await;
    let mine: Vec<&Value> = alerts["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["partner_name"] == name)
        .collect();
    assert_eq!(mine.len(), 1, "{alerts}");
    assert_eq!(mine[0]["answer"], "declined");
    assert_eq!(mine[0]["session_id"], session_id.as_str());
    let page = staff
        .page(&format!(
            "/staff/partners/{}",
            newspaper["slug"].as_str().unwrap()
        ))
        .await;
    let sessions = page
        .split("data-testid=\"partner-sessions\"")
        .nth(1)
        .expect("the partner's sessions");
    assert!(
        sessions.contains(&format!("/staff/sessions/{session_id}")) && sessions.contains("Ditolak"),
        "{sessions}"
    );
    let dashboard = staff.page("/staff").await;
    assert!(
        dashboard.contains("data-testid=\"partner-answers\""),
        "{dashboard}"
    );
}

#[tokio::test]
async fn a_partner_who_declined_is_not_listed_publicly_on_the_session() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let (newspaper, session_id, token) = newspaper_asked(&staff).await;
    let session_id = session_id.as_str();
    let partner_feed = format!(
        "/calendar/partners/{}.ics",
        newspaper["slug"].as_str().unwrap()
    );
    let from = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let to = (Utc::now() + Duration::days(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let by_partner = format!(
        "/api/v1/sessions?partner={}&from={from}&to={to}",
        newspaper["id"].as_str().unwrap()
    );
    let public_view = |app: &TestApp| {
        let path = format!("/api/v1/sessions/{session_id}");
        let request = app.new_browser().get(app.at(&path));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    // Asked, not yet answered: listed.
    assert_eq!(
        public_view(&app).await["partners"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    answer(
        &app,
        &token,
        session_id,
        json!({"answer": "declined", "note": "Redaksi penuh minggu itu."}),
    )
    .await;

    let public: Value = public_view(&app).await;
    assert_eq!(public["partners"], json!([]), "{public}");
    let listed: Value = app.get(&by_partner).await.json().await.unwrap();
    assert_eq!(listed["total"], 0, "{listed}");
    // The feed may serve its cached bytes for up to a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let feed = app.get(&partner_feed).await.text().await.unwrap();
    assert!(!feed.contains(session_id), "{feed}");
    let staff_view = staff
        .get_json(&format!("/api/v1/sessions/{session_id}"))
        .await;
    assert_eq!(
        staff_view["partners"][0]["partner_id"], newspaper["id"],
        "staff keep the record: {staff_view}"
    );
}

#[tokio::test]
async fn a_partner_is_added_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let html = staff.page("/staff/partners").await;
    assert!(
        html.contains("method=\"post\" action=\"/staff/partners\""),
        "the form posts by itself"
    );

    // Without a name it comes back with the field's error; nothing is added.
    let refused = staff
        .post_form("/staff/partners", &[("name", ""), ("kind", "library")])
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with("/staff/partners?errors="),
        "{location}"
    );
    assert!(location.contains("name"), "{location}");
    assert_eq!(staff.get_json("/api/v1/partners").await, json!([]));

    let added = staff
        .post_form(
            "/staff/partners",
            &[
                ("name", "Perpustakaan Universitas Hasanuddin"),
                ("kind", "university"),
                ("contact_name", "Bu Sari"),
                ("contact_email", "sari@unhas.example"),
                ("contributes", "Ruang baca"),
            ],
        )
        .await;
    assert_eq!(common::see_other(&added), "/staff/partners?saved=added");
    let listed = staff.get_json("/api/v1/partners").await;
    assert_eq!(listed[0]["name"], "Perpustakaan Universitas Hasanuddin");
    assert_eq!(listed[0]["kind"], "university");
    assert_eq!(listed[0]["contact_email"], "sari@unhas.example");
    assert!(listed[0]["responsible_user_id"].is_string(), "{listed}");
    let page = staff.page("/staff/partners?saved=added").await;
    assert!(page.contains("Mitra ditambahkan."), "confirmed");
}

#[tokio::test]
async fn partner_roles_are_added_and_removed_without_the_client() {
    let app = TestApp::spawn().await;
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let library = partner(&staff, "Perpustakaan Provinsi", "library").await;
    let p = program(&staff).await;
    let slug = p["slug"].as_str().unwrap().to_owned();
    let editor = format!("/staff/programs/{slug}");
    let action = format!("{editor}/partners");
    assert!(
        staff
            .page(&editor)
            .await
            .contains(&format!("method=\"post\" action=\"{action}\"")),
        "the partner form posts by itself"
    );
    let roles = |program: &Value| -> Vec<(String, String)> {
        program["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["partner_id"].as_str().unwrap().to_owned(),
                    l["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let stored_path = format!("/api/v1/programs/{}", p["id"].as_str().unwrap());

    // No partner chosen: the field's error, nothing stored.
    let refused = staff
        .post_form(&action, &[("partner_id", ""), ("role", "co_host")])
        .await;
    let location = common::see_other(&refused);
    assert!(
        location.starts_with(&format!("{editor}?form=partners&errors=")),
        "{location}"
    );
    assert!(location.contains("partner_id"), "{location}");
    assert!(roles(&staff.get_json(&stored_path).await).is_empty());

    let id = library["id"].as_str().unwrap();
    let added = staff
        .post_form(&action, &[("partner_id", id), ("role", "co_host")])
        .await;
    assert_eq!(
        common::see_other(&added),
        format!("{editor}?saved=partners")
    );
    // The same link again stays one link.
    staff
        .post_form(&action, &[("partner_id", id), ("role", "co_host")])
        .await;
    assert_eq!(
        roles(&staff.get_json(&stored_path).await),
        vec![(id.to_owned(), "co_host".to_owned())]
    );
    let html = staff.page(&format!("{editor}?saved=partners")).await;
    assert!(
        html.contains(&format!("value=\"{id}/co_host\"")),
        "a remove form per link"
    );

    let removed = staff
        .post_form(&action, &[("remove", &format!("{id}/co_host"))])
        .await;
    assert_eq!(
        common::see_other(&removed),
        format!("{editor}?saved=partners")
    );
    assert!(roles(&staff.get_json(&stored_path).await).is_empty());
}
