//! Signing in and out, the login rate limit, sessions and CSRF.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{PASSWORD, TestApp, problem};
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};
use shared::dto::auth::Role;

#[tokio::test]
async fn sign_in_through_the_api_starts_a_session() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Coordinator).await;

    let anonymous = app.get("/api/v1/auth/me").await;
    problem(anonymous, 401).await;

    // The address is matched case-insensitively and trimmed.
    let response = app
        .login_api(&app.client, " Rina@SIAR.test ", PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    let cookies: Vec<_> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("siar_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "plain http base URL: no Secure flag: {session}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "rina@siar.test");
    assert_eq!(body["user"]["role"], "coordinator");

    let me: Value = app.get("/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["email"], "rina@siar.test");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let csrf = app.signed_in_as(&app.client, Role::Viewer).await;
    let response = app
        .client
        .post(app.at("/api/v1/auth/logout"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    problem(app.get("/api/v1/auth/me").await, 401).await;
}

#[tokio::test]
async fn wrong_password_and_unknown_account_look_the_same() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Viewer).await;
    let wrong = problem(
        app.login_api(&app.client, "rina@siar.test", "not the password")
            .await,
        401,
    )
    .await;
    let unknown = problem(
        app.login_api(&app.new_browser(), "nobody@siar.test", PASSWORD)
            .await,
        401,
    )
    .await;
    assert_eq!(wrong["type"], "/problems/invalid-credentials");
    assert_eq!(wrong["title"], unknown["title"]);
    // Indonesian by default.
    assert_eq!(wrong["title"], "Email atau kata sandi salah");
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Viewer).await;
    for _ in 0..5 {
        let browser = app.new_browser();
        problem(
            app.login_api(&browser, "rina@siar.test", "wrong password!")
                .await,
            401,
        )
        .await;
    }
    let response = app
        .login_api(&app.new_browser(), "rina@siar.test", PASSWORD)
        .await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    let body = problem(response, 429).await;
    assert_eq!(body["type"], "/problems/rate-limited");

    // Another account from the same address (behind one proxy, everyone's) still signs in:
    // the address has a limit of its own, ten times higher.
    app.create_user("budi@siar.test", Role::Viewer).await;
    let budi = app
        .login_api(&app.new_browser(), "budi@siar.test", PASSWORD)
        .await;
    assert_eq!(budi.status(), 200);
}

#[tokio::test]
async fn wrong_passwords_sent_in_parallel_are_counted_before_any_is_checked() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Viewer).await;
    let attempts = (0..40).map(|_| async {
        app.login_api(&app.new_browser(), "rina@siar.test", "wrong password!")
            .await
            .status()
            .as_u16()
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, refused),
        (5, 35),
        "{} : {statuses:?}",
        app.backend
    );
    let right = app
        .login_api(&app.new_browser(), "rina@siar.test", PASSWORD)
        .await;
    assert_eq!(right.status(), 429);
}

#[tokio::test]
async fn one_address_guessing_across_many_accounts_is_stopped() {
    let app = TestApp::spawn().await;
    for i in 0..server::services::auth::MAX_ADDRESS_FAILURES {
        let status = app
            .login_api(&app.new_browser(), &format!("nobody{i}@siar.test"), "guess")
            .await
            .status();
        assert_eq!(status, 401, "guess {i}");
    }
    app.create_user("rina@siar.test", Role::Viewer).await;
    problem(
        app.login_api(&app.new_browser(), "rina@siar.test", PASSWORD)
            .await,
        429,
    )
    .await;
}

/// Behind a proxy the address comes from a header; what is not an address there counts as
/// the peer, so junk neither fails the request (it once gave a 500 on PostgreSQL, too long
/// for its column) nor makes every guess a new address.
#[tokio::test]
async fn a_client_address_header_that_is_no_address_counts_as_the_peer() {
    let app = TestApp::spawn_with(&[("SIAR_CLIENT_IP_HEADER", "X-Forwarded-For")]).await;
    // Each guess at another account, so that only the per-address limit can stop them.
    let guess = |junk: String, i: u64| {
        app.new_browser()
            .post(app.at("/api/v1/auth/login"))
            .header("x-forwarded-for", junk)
            .json(
                &serde_json::json!({"email": format!("nobody{i}@siar.test"), "password": "guess"}),
            )
            .send()
    };
    let limit = server::services::auth::MAX_ADDRESS_FAILURES;
    for i in 0..limit {
        let junk = format!("{}{i}, 10.0.0.1", "x".repeat(300));
        let response = guess(junk, i).await.unwrap();
        assert_eq!(response.status(), 401, "{} guess {i}", app.backend);
    }
    let response = guess("not-an-address".to_owned(), limit).await.unwrap();
    assert_eq!(response.status(), 429, "{}", app.backend);
    // A real address in the header is its own client.
    let response = guess("203.0.113.9".to_owned(), limit + 1).await.unwrap();
    assert_eq!(response.status(), 401, "{}", app.backend);
}

#[tokio::test]
async fn a_success_clears_the_accounts_failures() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Viewer).await;
    for _ in 0..4 {
        problem(
            app.login_api(&app.new_browser(), "rina@siar.test", "wrong password!")
                .await,
            401,
        )
        .await;
    }
    assert_eq!(
        app.login_api(&app.new_browser(), "rina@siar.test", PASSWORD)
            .await
            .status(),
        200
    );
    problem(
        app.login_api(&app.new_browser(), "rina@siar.test", "wrong password!")
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn sign_in_form_works_without_javascript() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Coordinator).await;
    let token = app.csrf_token_from_page(&app.client).await;

    let failed = app
        .client
        .post(app.at("/auth/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "rina@siar.test"),
            ("password", "wrong password!"),
            ("next", "/staff"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 303);
    assert_eq!(
        failed.headers()["location"],
        "/login?error=invalid&next=%2Fstaff"
    );

    let signed_in = app
        .client
        .post(app.at("/auth/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "rina@siar.test"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(
        signed_in.headers()["location"],
        "/staff",
        "an off-site next is ignored"
    );
    let dashboard = app.get("/staff").await;
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.unwrap().contains("Staf coordinator"));

    // Signing in gave the browser a new token.
    let token = app.csrf_token_from_page(&app.client).await;
    let out = app
        .client
        .post(app.at("/auth/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(app.get("/staff").await.status(), 303);
}

#[tokio::test]
async fn form_posts_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    app.create_user("rina@siar.test", Role::Viewer).await;
    let token = app.csrf_token_from_page(&app.client).await;
    let fields = [("email", "rina@siar.test"), ("password", PASSWORD)];

    let missing = app
        .client
        .post(app.at("/auth/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let body = problem(missing, 403).await;
    assert_eq!(body["type"], "/problems/csrf");

    let wrong = app
        .client
        .post(app.at("/auth/login"))
        .form(&[
            ("csrf_token", "A".repeat(43).as_str()),
            ("email", "rina@siar.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    problem(wrong, 403).await;

    // A browser that never got the cookie cannot post a form at all.
    let fresh = app
        .new_browser()
        .post(app.at("/auth/login"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    problem(fresh, 403).await;

    // The right token, but sent from another site.
    let cross_site = app
        .client
        .post(app.at("/auth/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "rina@siar.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    problem(cross_site, 403).await;
}

#[tokio::test]
async fn html_form_errors_are_pages_not_json() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.at("/auth/login"))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .form(&[("email", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    common::assert_content_type(response.headers(), "text/html");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("The form has expired"),
        "{html}"
    );
}

#[tokio::test]
async fn api_requests_with_a_session_need_the_csrf_header() {
    let app = TestApp::spawn().await;
    let csrf = app.signed_in_as(&app.client, Role::Admin).await;
    let new_user =
        json!({"email": "budi@siar.test", "name": "Budi", "role": "viewer", "password": PASSWORD});

    let without = app
        .client
        .post(app.at("/api/v1/users"))
        .json(&new_user)
        .send()
        .await
        .unwrap();
    problem(without, 403).await;

    let with = app
        .client
        .post(app.at("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 201);
}

/// The four ways into a session, each from a browser that already holds a CSRF token.
#[derive(Debug, Clone, Copy)]
enum SignIn {
    StaffApi,
    StaffForm,
    VolunteerApi,
    VolunteerForm,
}

/// Signs `browser` in the way `how` says; returns the token the answer hands over, if it
/// hands one over (the JSON paths do; the form paths redirect).
async fn sign_in(
    app: &TestApp,
    browser: &reqwest::Client,
    token: &str,
    how: SignIn,
) -> Option<String> {
    let email = format!("csrf-{}@siar.test", uuid::Uuid::new_v4().simple());
    let link = match how {
        SignIn::StaffApi | SignIn::StaffForm => {
            app.create_user(&email, Role::Coordinator).await;
            None
        }
        SignIn::VolunteerApi | SignIn::VolunteerForm => {
            let registered = app
                .client
                .post(app.at("/api/v1/volunteers/register"))
                .json(&json!({"name": "Ani", "email": email, "lang": "id", "skills": []}))
                .send()
                .await
                .unwrap();
            assert_eq!(registered.status(), 202);
            Some(common::link_token(app, &email).await)
        }
    };
    let response = match how {
        SignIn::StaffApi => app.login_api(browser, &email, PASSWORD).await,
        SignIn::StaffForm => browser
            .post(app.at("/auth/login"))
            .form(&[
                ("csrf_token", token),
                ("email", &email),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap(),
        SignIn::VolunteerApi => browser
            .post(app.at("/api/v1/volunteers/sign-in"))
            .json(&json!({"token": link}))
            .send()
            .await
            .unwrap(),
        SignIn::VolunteerForm => browser
            .post(app.at("/volunteer/sign-in"))
            .form(&[("csrf_token", token), ("token", link.as_deref().unwrap())])
            .send()
            .await
            .unwrap(),
    };
    match how {
        SignIn::StaffApi | SignIn::VolunteerApi => {
            assert_eq!(response.status(), 200, "{how:?}");
            let body: Value = response.json().await.unwrap();
            Some(body["csrf_token"].as_str().unwrap().to_owned())
        }
        SignIn::StaffForm | SignIn::VolunteerForm => {
            assert_eq!(response.status(), 303, "{how:?}");
            None
        }
    }
}

#[tokio::test]
async fn every_sign_in_gives_the_browser_a_new_csrf_token() {
    let app = TestApp::spawn().await;
    for how in [
        SignIn::StaffApi,
        SignIn::StaffForm,
        SignIn::VolunteerApi,
        SignIn::VolunteerForm,
    ] {
        let browser = app.new_browser();
        // A token planted before sign-in (by someone who shares the device or the cookie
        // jar) must be worth nothing afterwards.
        let before = app.csrf_token_from_page(&browser).await;
        let handed_over = sign_in(&app, &browser, &before, how).await;
        let after = app.csrf_token_from_page(&browser).await;
        assert_ne!(
            before, after,
            "{how:?}: the token is the same after sign-in"
        );
        if let Some(handed_over) = handed_over {
            assert_eq!(
                handed_over, after,
                "{how:?}: the answer names the browser's token"
            );
        }
        let sign_out = match how {
            SignIn::StaffApi | SignIn::StaffForm => "/auth/logout",
            SignIn::VolunteerApi | SignIn::VolunteerForm => "/volunteer/sign-out",
        };
        let with_old = browser
            .post(app.at(sign_out))
            .form(&[("csrf_token", before.as_str())])
            .send()
            .await
            .unwrap();
        let body = problem(with_old, 403).await;
        assert_eq!(body["type"], "/problems/csrf", "{how:?}");
        let with_new = browser
            .post(app.at(sign_out))
            .form(&[("csrf_token", after.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(with_new.status(), 303, "{how:?}");
    }
}

/// A browser signed in as a new account of `role`; returns (browser, CSRF token, account id).
async fn signed_in(app: &TestApp, role: Role) -> (reqwest::Client, String, String) {
    let browser = app.new_browser();
    let csrf = app.signed_in_as(&browser, role).await;
    let me: Value = browser
        .get(app.at("/api/v1/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (browser, csrf, me["id"].as_str().unwrap().to_owned())
}

async fn me_status(app: &TestApp, browser: &reqwest::Client) -> u16 {
    browser
        .get(app.at("/api/v1/auth/me"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn admin_post(
    app: &TestApp,
    admin: &(reqwest::Client, String, String),
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = admin
        .0
        .request(method, app.at(path))
        .header("x-csrf-token", &admin.1);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_deactivated_account_s_open_session_stops_at_once() {
    let app = TestApp::spawn().await;
    let admin = signed_in(&app, Role::Admin).await;
    let (browser, _, id) = signed_in(&app, Role::Coordinator).await;
    assert_eq!(me_status(&app, &browser).await, 200);

    let response = admin_post(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/users/{id}/deactivate"),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["active"], false);
    assert_eq!(me_status(&app, &browser).await, 401, "{}", app.backend);

    // Reactivated, the old session stays ended; signing in again works.
    let response = admin_post(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/users/{id}/activate"),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(me_status(&app, &browser).await, 401);

    // Nobody deactivates their own account.
    let own = admin_post(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/users/{}/deactivate", admin.2),
        None,
    )
    .await;
    let body = problem(own, 422).await;
    assert!(body["errors"]["active"].is_array(), "{body}");
    assert_eq!(me_status(&app, &admin.0).await, 200);
}

#[tokio::test]
async fn an_admin_sets_a_password_or_ends_sessions_and_every_open_session_stops() {
    let app = TestApp::spawn().await;
    let admin = signed_in(&app, Role::Admin).await;
    let email = "lupa@siar.test";
    app.create_user(email, Role::Viewer).await;
    let phone = app.new_browser();
    let laptop = app.new_browser();
    for browser in [&phone, &laptop] {
        assert_eq!(app.login_api(browser, email, PASSWORD).await.status(), 200);
    }
    let users: Vec<Value> = admin
        .0
        .get(app.at("/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = users.iter().find(|u| u["email"] == email).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let short = admin_post(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("/api/v1/users/{id}/password"),
        Some(json!({"password": "pendek"})),
    )
    .await;
    assert!(problem(short, 422).await["errors"]["password"].is_array());
    assert_eq!(
        me_status(&app, &phone).await,
        200,
        "a refused change ends nothing"
    );

    let new_password = "kata-sandi-baru-yang-panjang";
    let set = admin_post(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("/api/v1/users/{id}/password"),
        Some(json!({"password": new_password})),
    )
    .await;
    assert_eq!(set.status(), 204);
    assert_eq!(me_status(&app, &phone).await, 401, "{}", app.backend);
    assert_eq!(me_status(&app, &laptop).await, 401);
    // (A new browser: a JSON call that carries an old session cookie needs its CSRF token.)
    let phone = app.new_browser();
    assert_eq!(app.login_api(&phone, email, PASSWORD).await.status(), 401);
    assert_eq!(
        app.login_api(&phone, email, new_password).await.status(),
        200
    );

    let ended = admin_post(
        &app,
        &admin,
        reqwest::Method::POST,
        &format!("/api/v1/users/{id}/sign-out"),
        None,
    )
    .await;
    assert_eq!(ended.status(), 204);
    assert_eq!(me_status(&app, &phone).await, 401);

    // Only admins.
    let (coordinator, csrf, _) = signed_in(&app, Role::Coordinator).await;
    let refused = coordinator
        .post(app.at(&format!("/api/v1/users/{id}/sign-out")))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    problem(refused, 403).await;
}

#[tokio::test]
async fn changing_my_password_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let email = "ganti@siar.test";
    app.create_user(email, Role::Judge).await;
    let here = app.new_browser();
    let elsewhere = app.new_browser();
    let login = app.login_api(&here, email, PASSWORD).await;
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.login_api(&elsewhere, email, PASSWORD).await.status(),
        200
    );
    let change = |current: &str, new: &str| {
        here.put(app.at("/api/v1/auth/password"))
            .header("x-csrf-token", &csrf)
            .header("accept-language", "en")
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };

    let wrong = problem(
        change("bukan-kata-sandi", "kata-sandi-baru-123")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(wrong["errors"]["current_password"].is_array(), "{wrong}");
    let short = problem(change(PASSWORD, "pendek").await.unwrap(), 422).await;
    assert!(short["errors"]["new_password"].is_array(), "{short}");
    assert_eq!(me_status(&app, &elsewhere).await, 200);

    let changed = change(PASSWORD, "kata-sandi-baru-123").await.unwrap();
    assert_eq!(changed.status(), 200);
    let new_csrf = changed.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_csrf, csrf);
    assert_eq!(me_status(&app, &here).await, 200, "this session goes on");
    assert_eq!(me_status(&app, &elsewhere).await, 401, "{}", app.backend);
    assert_eq!(
        app.login_api(&app.new_browser(), email, "kata-sandi-baru-123")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn account_actions_work_as_plain_forms() {
    let app = TestApp::spawn().await;
    let admin = app.new_browser();
    app.signed_in_as(&admin, Role::Admin).await;
    let token = app.csrf_token_from_page(&admin).await;
    let (browser, _, id) = signed_in(&app, Role::Coordinator).await;

    let page = app.html(&admin, "/staff/users").await;
    assert!(
        page.contains(&format!("/staff/users/{id}/deactivate")),
        "the page offers the action"
    );
    let answer = admin
        .post(app.at(&format!("/staff/users/{id}/deactivate")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        common::see_other(&answer),
        format!("/staff/users?done=deactivated#user-{id}")
    );
    assert_eq!(me_status(&app, &browser).await, 401);

    let short = admin
        .post(app.at(&format!("/staff/users/{id}/password")))
        .form(&[("csrf_token", token.as_str()), ("password", "pendek")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        common::see_other(&short),
        format!("/staff/users?error=password#user-{id}")
    );

    // One's own password, from the dashboard.
    let wrong = admin
        .post(app.at("/account/password"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("current_password", "salah-sekali-ini"),
            ("new_password", "kata-sandi-baru-123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        common::see_other(&wrong),
        "/staff?password=wrong#my-account"
    );
    let changed = admin
        .post(app.at("/account/password"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("current_password", PASSWORD),
            ("new_password", "kata-sandi-baru-123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        common::see_other(&changed),
        "/staff?password=changed#my-account"
    );
    let dashboard = app.html(&admin, "/staff?password=changed").await;
    assert!(dashboard.contains("data-testid=\"password-notice\""));
}
