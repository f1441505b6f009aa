//! One private link of each kind (partner page, contest entry, staff and volunteer calendar
//! feeds), made through the API as their users would.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::auth::Role;

use super::{StaffClient, TestApp};

/// Every private link the four kinds of holder have, as (kind, URL).
pub struct Links {
    pub partner: String,
    pub entry: String,
    pub staff_feed: String,
    pub volunteer_feed: String,
}

impl Links {
    pub fn all(&self) -> [(&str, &str); 4] {
        [
            ("partner", &self.partner),
            ("entry", &self.entry),
            ("staff feed", &self.staff_feed),
            ("volunteer feed", &self.volunteer_feed),
        ]
    }
}

pub fn token_of(url: &str) -> String {
    let last = url.rsplit('/').next().unwrap();
    last.trim_end_matches(".ics").to_owned()
}

/// What [`make_links`] made, and who made it.
pub struct Made {
    /// The coordinator who made the partner and the contest.
    pub staff: StaffClient,
    /// The partner, as the API answered.
    pub partner: Value,
    pub links: Links,
    /// The volunteer's browser, signed in, and its CSRF token.
    pub volunteer: reqwest::Client,
    pub volunteer_csrf: String,
}

/// Makes one link of each kind through the API, as their users would.
pub async fn make_links(app: &TestApp) -> Made {
    let staff = StaffClient::new(app, Role::Coordinator).await;
    let partner = staff
        .expect(
            Method::POST,
            "/api/v1/partners",
            json!({"name": "Perpustakaan Provinsi", "kind": "library"}),
            201,
        )
        .await;
    let partner_link = staff
        .get_json(&format!(
            "/api/v1/partners/{}/access-link",
            partner["id"].as_str().unwrap()
        ))
        .await["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let program = staff
        .expect(
            Method::POST,
            "/api/v1/programs",
            json!({
                "name": "Lomba Bercerita", "slug": "lomba-rahasia", "kind": "contest",
                "tz": "Asia/Makassar", "default_duration_minutes": 60, "status": "published",
            }),
            201,
        )
        .await;
    let makassar = (Utc::now() + Duration::hours(8)).naive_utc();
    staff
        .expect(
            Method::POST,
            "/api/v1/contests",
            json!({
                "program_id": program["id"], "rules": "Satu cerita rakyat.",
                "opens_at": (makassar - Duration::hours(1)).format("%Y-%m-%dT%H:%M:%S").to_string(),
                "closes_at": (makassar + Duration::days(7)).format("%Y-%m-%dT%H:%M:%S").to_string(),
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
        .post(app.at("/api/v1/public/contests/lomba-rahasia/entries"))
        .json(&json!({
            "entrant_name": "Andi", "birth_date": "2017-05-01", "school": "SD Inpres 1",
            "city": "Makassar", "contact_email": "ibu.andi@siar.test", "guardian_name": "Ibu Andi",
            "consent_rules": true, "title": "Si Kancil", "description": "",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry_link = receipt["url"].as_str().expect("entry receipt").to_owned();

    let staff_feed = staff.get_json("/api/v1/me/calendar").await["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let email = "rina@siar.test";
    let registered = app
        .client
        .post(app.at("/api/v1/volunteers/register"))
        .json(&json!({"name": "Rina", "email": email, "lang": "id", "skills": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 202);
    let volunteer = app.new_browser();
    let volunteer_csrf = super::sign_in_volunteer(app, &volunteer, email).await;
    let links: Value = volunteer
        .get(app.at("/api/v1/volunteer/me/calendar"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let volunteer_feed = links["url"].as_str().unwrap().to_owned();
    Made {
        staff,
        partner,
        links: Links {
            partner: partner_link,
            entry: entry_link,
            staff_feed,
            volunteer_feed,
        },
        volunteer,
        volunteer_csrf,
    }
}
