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
    ("GET", "/api/v1/auth/me", Role::Viewer),
    ("GET", "/api/v1/users", Role::Admin),
    ("POST", "/api/v1/users", Role::Admin),
    ("GET", "/staff", Role::Viewer),
    ("GET", "/staff/users", Role::Admin),
];

fn body_for(method: &str, path: &str) -> Option<Value> {
    (method == "POST" && path == "/api/v1/users").then(|| {
        json!({
            "email": format!("new-{}@siar.test", uuid::Uuid::new_v4().simple()),
            "name": "Baru",
            "role": "viewer",
            "password": common::PASSWORD,
        })
    })
}

async fn status_of(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: Option<&str>,
    method: &str,
    path: &str,
) -> u16 {
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), app.at(path));
    if let Some(token) = csrf {
        request = request.header("x-csrf-token", token);
    }
    if let Some(body) = body_for(method, path) {
        request = request.json(&body);
    }
    request.send().await.unwrap().status().as_u16()
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
                assert!(
                    (200..300).contains(&status),
                    "{role:?} {method} {path}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{role:?} {method} {path}");
            }
        }
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
        .collect();
    assert!(!secured.is_empty());
    assert_eq!(
        secured, listed,
        "secured operations in OpenAPI vs the matrix"
    );
}

#[tokio::test]
async fn the_matrix_covers_every_staff_page() {
    for (prefix, role) in server::page_guard::STAFF_PAGES {
        assert!(
            STAFF_ROUTES
                .iter()
                .any(|(m, p, r)| *m == "GET" && p == prefix && r == role),
            "staff page {prefix} missing from the matrix"
        );
    }
}
