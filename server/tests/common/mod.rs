//! `TestApp::spawn()`: the real server, started exactly as `siar serve` starts it, on port 0
//! with a fresh database: a temporary SQLite file, or, when `TEST_DATABASE_URL` is set, a
//! new PostgreSQL schema of its own. Each test gets its own app, so tests never share data.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

pub mod links;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Client, Response, redirect};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use server::app::App;
use server::config::Config;
use shared::dto::auth::{CreateUserRequest, Role};

/// The password every test account gets.
pub const PASSWORD: &str = "kata-sandi-uji-12";

/// A running server and a cookie-keeping client that does not follow redirects.
pub struct TestApp {
    pub url: String,
    pub client: Client,
    pub db: DatabaseConnection,
    pub backend: &'static str,
    /// The settings it was started with (a second instance reuses them).
    pub vars: HashMap<String, String>,
    _dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    /// Starts a fresh app.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&[]).await
    }

    /// Starts a fresh app with some settings changed (say, S3 storage).
    pub async fn spawn_with(changes: &[(&str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut vars = HashMap::from([
            ("SIAR_BIND".to_owned(), "127.0.0.1:0".to_owned()),
            (
                "SIAR_STORAGE".to_owned(),
                dir.path().join("files").display().to_string(),
            ),
            (
                "SIAR_SITE_ROOT".to_owned(),
                dir.path().join("site").display().to_string(),
            ),
            // Tests change data and read feeds at once: check the feed cache every time.
            ("SIAR_FEED_RECHECK_MS".to_owned(), "0".to_owned()),
            // Tests run background jobs by hand, with their own clock.
            ("SIAR_JOBS_INTERVAL_MS".to_owned(), "0".to_owned()),
        ]);
        let backend = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                vars.insert("DATABASE_URL".into(), url);
                let schema = format!("siar_test_{}", uuid::Uuid::new_v4().simple());
                vars.insert("SIAR_DATABASE_SCHEMA".into(), schema);
                "postgres"
            }
            _ => {
                let file = dir.path().join("siar.db");
                vars.insert(
                    "DATABASE_URL".into(),
                    format!("sqlite://{}?mode=rwc", file.display()),
                );
                "sqlite"
            }
        };
        for (key, value) in changes {
            vars.insert((*key).to_owned(), (*value).to_owned());
        }
        TestApp::start(vars, dir, backend).await
    }

    /// Another server instance on the same database (as behind a load balancer).
    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_with(&[]).await
    }

    /// Another instance on the same database, with some settings changed.
    pub async fn another_instance_with(&self, changes: &[(&str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut vars = self.vars.clone();
        for (key, value) in changes {
            vars.insert((*key).to_owned(), (*value).to_owned());
        }
        // Instances behind one name share its public URL.
        vars.insert("SIAR_BASE_URL".into(), self.url.clone());
        TestApp::start(vars, dir, self.backend).await
    }

    async fn start(
        vars: HashMap<String, String>,
        dir: tempfile::TempDir,
        backend: &'static str,
    ) -> TestApp {
        let config = Config::from_vars(&vars).expect("test config");
        let app = App::build(config).await.expect("app starts");
        let addr = app.local_addr().expect("bound address");
        let db = app.state().db.clone();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.serve(async move {
            let _ = stopped.await;
        }));
        let client = Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .expect("http client");
        TestApp {
            url: format!("http://{addr}"),
            client,
            db,
            backend,
            vars,
            _dir: dir,
            _shutdown: shutdown,
        }
    }

    /// `url` + `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// `GET path` with the app's own client.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.at(path))
            .send()
            .await
            .expect("request")
    }

    /// The HTML of `path` as `client` (a browser with its own cookies) sees it.
    pub async fn html(&self, client: &Client, path: &str) -> String {
        client
            .get(self.at(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("html")
    }

    /// Creates a staff account with [`PASSWORD`] directly through the service.
    pub async fn create_user(&self, email: &str, role: Role) {
        let request = CreateUserRequest {
            email: email.into(),
            name: format!("Staf {}", role.as_str()),
            role: Some(role),
            password: PASSWORD.into(),
        };
        server::services::users::create_user(&self.db, request, chrono::Utc::now())
            .await
            .expect("user created");
    }

    /// A new client with its own cookie jar (another browser).
    pub fn new_browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Signs in through the API; returns the CSRF token for later requests.
    pub async fn login_api(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.at("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Signs `client` in as a new account of `role`; returns the CSRF token.
    pub async fn signed_in_as(&self, client: &Client, role: Role) -> String {
        let email = format!(
            "{}-{}@siar.test",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        self.create_user(&email, role).await;
        let response = self.login_api(client, &email, PASSWORD).await;
        assert_eq!(response.status(), 200, "sign-in as {role:?}");
        let body: Value = response.json().await.expect("json");
        body["csrf_token"].as_str().expect("csrf token").to_owned()
    }

    /// Visits the home page so the browser gets its CSRF cookie; returns the token as the
    /// page's forms carry it.
    pub async fn csrf_token_from_page(&self, client: &Client) -> String {
        let html = client
            .get(self.at("/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("html");
        let marker = "name=\"csrf_token\" value=\"";
        let start = html.find(marker).expect("csrf field on the login page") + marker.len();
        html[start..].split('"').next().expect("token").to_owned()
    }
}

/// Where a 303 answer sends the browser.
pub fn see_other(response: &Response) -> String {
    assert_eq!(response.status(), 303, "a redirect");
    response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Signs `client` in as the volunteer who was mailed a sign-in link at `email`; returns the
/// CSRF token of that session.
pub async fn sign_in_volunteer(app: &TestApp, client: &Client, email: &str) -> String {
    let token = link_token(app, email).await;
    let response = client
        .post(app.at("/api/v1/volunteers/sign-in"))
        .json(&json!({"token": token}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "volunteer sign-in");
    let body: Value = response.json().await.expect("json");
    body["csrf_token"].as_str().expect("csrf token").to_owned()
}

/// The token of the newest sign-in link mailed to `email`.
pub async fn link_token(app: &TestApp, email: &str) -> String {
    let mail = server::services::mail::mailbox(&app.db, Some(email), 10)
        .await
        .unwrap();
    let body = &mail
        .iter()
        .find(|m| m.kind == "sign_in_link" || m.kind == "invitation")
        .expect("a sign-in link was mailed")
        .body;
    let start = body.find("token=").expect("link in body") + "token=".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// [`session_with_roles`] in a program of `status` (draft, published, archived).
pub async fn session_with_roles_in(
    staff: &StaffClient,
    status: &str,
    starts_in: Duration,
    roles: Value,
    cutoff_minutes: u32,
) -> (Value, Vec<Value>) {
    let slug = format!("p-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let program = staff
        .expect(
            reqwest::Method::POST,
            "/api/v1/programs",
            json!({"name": format!("Dongkelor {slug}"), "slug": slug, "kind": "storytelling_broadcast",
                   "default_duration_minutes": 60, "status": status}),
            201,
        )
        .await;
    staff
        .expect(
            reqwest::Method::PUT,
            &format!("/api/v1/programs/{}/volunteering", program["id"].as_str().unwrap()),
            json!({"signup_cutoff_minutes": cutoff_minutes, "offer_window_minutes": 720, "roles": roles}),
            200,
        )
        .await;
    let session = add_session(staff, &program["id"], starts_in).await;
    let roles = staff
        .get_json(&format!(
            "/api/v1/sessions/{}/roles",
            session["id"].as_str().unwrap()
        ))
        .await;
    let ids = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    (session, ids)
}

pub async fn add_session(staff: &StaffClient, program_id: &Value, starts_in: Duration) -> Value {
    let start = (Utc::now() + starts_in).with_timezone(&chrono_tz::Asia::Makassar);
    let local = start.format("%Y-%m-%dT%H:%M:00").to_string();
    let outcome = staff
        .expect(
            reqwest::Method::POST,
            "/api/v1/sessions",
            json!({"program_id": program_id, "start_local": local, "duration_minutes": 60}),
            201,
        )
        .await;
    outcome["session"].clone()
}

/// Asserts an RFC 9457 body and returns it.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    assert_content_type(response.headers(), "application/problem+json");
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "{body}"
    );
    body
}

pub fn assert_content_type(headers: &HeaderMap, expected: &str) {
    let actual = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        actual.starts_with(expected),
        "content type {actual:?}, expected {expected}"
    );
}

/// A signed-in staff client that sends its CSRF token with every request.
pub struct StaffClient {
    pub client: Client,
    pub csrf: String,
    pub base: String,
}

impl StaffClient {
    /// Signs in a new account of `role`.
    pub async fn new(app: &TestApp, role: Role) -> StaffClient {
        let client = app.new_browser();
        let csrf = app.signed_in_as(&client, role).await;
        StaffClient {
            client,
            csrf,
            base: app.url.clone(),
        }
    }

    /// Sends `body` as JSON with `method` to `path`.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    /// Posts `fields` as a plain form, with the CSRF token, as a browser does before (or
    /// without) the page's client.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut body = vec![("csrf_token", self.csrf.as_str())];
        body.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&body)
            .send()
            .await
            .expect("request")
    }

    /// GETs the page at `path` and returns its HTML.
    pub async fn page(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("html")
    }

    /// Every session of a program (up to 500), by start.
    pub async fn sessions_of(&self, program_id: &Value) -> Vec<Value> {
        let page = self
            .get_json(&format!(
                "/api/v1/sessions?program_id={}&per_page=500",
                program_id.as_str().expect("program id")
            ))
            .await;
        page["items"].as_array().expect("items").clone()
    }

    /// GETs `path` and expects 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.send(reqwest::Method::GET, path, None).await;
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Sends JSON and expects `status`; returns the body.
    pub async fn expect(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
        status: u16,
    ) -> Value {
        let response = self.send(method.clone(), path, Some(body)).await;
        let got = response.status().as_u16();
        let text = response.text().await.expect("body");
        assert_eq!(got, status, "{method} {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

/// The first Saturday at least `days` from today: far enough ahead that "from now on" edits
/// cover every session a test looks at, whenever it runs.
pub fn saturday_after(days: i64) -> NaiveDate {
    let mut day = Utc::now().date_naive() + Duration::days(days);
    while day.weekday() != Weekday::Sat {
        day += Duration::days(1);
    }
    day
}
