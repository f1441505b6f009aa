//! Bad input gets a clear 4xx problem document in the requester's language, never a 500.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{PASSWORD, TestApp, problem};
use serde_json::json;
use shared::dto::auth::Role;

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.at("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert_eq!(body["type"], "/problems/malformed");
}

#[tokio::test]
async fn wrong_content_type_and_missing_fields_are_client_errors() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.at("/api/v1/auth/login"))
        .header("content-type", "application/xml")
        .header("x-csrf-token", "none")
        .body("<login/>")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());

    let response = app
        .client
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({"email": "a@b.id"}))
        .send()
        .await
        .unwrap();
    problem(response, 400).await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413_problem() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(server::api::MAX_JSON_BYTES + 1);
    let response = app
        .client
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({"email": huge, "password": "x"}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 413).await;
    assert_eq!(body["type"], "/problems/too-large");
}

#[tokio::test]
async fn invalid_fields_are_listed_in_the_requesters_language() {
    let app = TestApp::spawn().await;
    let csrf = app.signed_in_as(&app.client, Role::Admin).await;
    let bad = json!({"email": "not-an-address", "name": "", "role": "viewer", "password": "short"});

    let indonesian = app
        .client
        .post(app.at("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let body = problem(indonesian, 422).await;
    assert_eq!(body["type"], "/problems/validation");
    assert_eq!(body["errors"]["email"][0], "Alamat email tidak valid.");
    assert_eq!(body["errors"]["password"][0], "Minimal 12 karakter.");
    assert_eq!(body["errors"]["name"][0], "Wajib diisi.");

    let english = app
        .client
        .post(app.at("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&bad)
        .send()
        .await
        .unwrap();
    let body = problem(english, 422).await;
    assert_eq!(body["errors"]["password"][0], "Use at least 12 characters.");
}

#[tokio::test]
async fn a_taken_email_is_reported_on_the_field_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let csrf = app.signed_in_as(&app.client, Role::Admin).await;
    let user = json!({"email": "rina@siar.test", "name": "Rina", "role": "coordinator", "password": PASSWORD});
    let created = app
        .client
        .post(app.at("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let again =
        json!({"email": "RINA@siar.test", "name": "Other", "role": "viewer", "password": PASSWORD});
    let duplicate = app
        .client
        .post(app.at("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(&again)
        .send()
        .await
        .unwrap();
    let body = problem(duplicate, 422).await;
    assert_eq!(body["errors"]["email"][0], "Sudah dipakai.");

    let list: serde_json::Value = app.get("/api/v1/users").await.json().await.unwrap();
    let rina: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == "rina@siar.test")
        .collect();
    assert_eq!(rina.len(), 1);
    assert_eq!(rina[0]["name"], "Rina", "the first account is unchanged");
}

#[tokio::test]
async fn unknown_api_routes_and_methods_are_problems() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/nothing-here").await, 404).await;
    let method = app
        .client
        .delete(app.at("/api/v1/auth/me"))
        .header("x-csrf-token", "x")
        .send()
        .await
        .unwrap();
    assert!(method.status().is_client_error());
}

#[tokio::test]
async fn a_request_that_gets_no_database_connection_in_time_is_told_to_retry() {
    let app = TestApp::spawn_with(&[
        ("SIAR_DATABASE_POOL", "2"),
        ("SIAR_DATABASE_ACQUIRE_TIMEOUT_MS", "300"),
    ])
    .await;
    let pool = if app.backend == "sqlite" {
        server::db::SQLITE_POOL
    } else {
        2
    };
    // Every connection is busy (a burst, a slow report) for longer than the timeout. Readers:
    // on SQLite, writers would queue for the one writer's lock instead.
    let mut held = Vec::new();
    for _ in 0..pool {
        #[allow(clippy::disallowed_methods)]
        held.push(sea_orm::TransactionTrait::begin(&app.db).await.unwrap());
    }
    let response = app.get("/api/v1/sessions").await;
    assert_eq!(response.headers()["retry-after"], "2");
    let body = problem(response, 503).await;
    assert_eq!(body["type"], "/problems/unavailable");
    // Once they are free again, the same request is answered.
    drop(held);
    assert_eq!(app.get("/api/v1/sessions").await.status(), 200);
}

/// A server function given a body it cannot read answers like the REST API: 400 for JSON
/// that does not parse or has the wrong shape, 413 for a body over the limit; never 500, and
/// in the reader's language.
#[tokio::test]
async fn server_functions_answer_unreadable_bodies_with_a_client_error() {
    let app = TestApp::spawn().await;
    let staff = app.new_browser();
    app.signed_in_as(&staff, Role::Coordinator).await;
    let huge = format!("{{\"request\": \"{}\"}}", "a".repeat(3 * 1024 * 1024));
    for (body, expected) in [
        ("{\"request\": {\"tz\": ", 400),
        ("{\"request\": {\"tz\": \"Asia/Makassar\"}}", 400),
        ("[1, 2, 3]", 400),
        (huge.as_str(), 413),
    ] {
        for language in ["id", "en"] {
            let response = staff
                .post(app.at("/_fn/preview"))
                .header("content-type", "application/json")
                .header("accept-language", language)
                .body(body.to_owned())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let problem: serde_json::Value = response.json().await.unwrap_or_default();
            let shown = &body[..body.len().min(40)];
            assert_eq!(status, expected, "{shown}: {problem}");
            assert_eq!(problem["status"], expected, "{shown}: {problem}");
            let title = problem["title"].as_str().unwrap_or_default();
            let indonesian = title.contains("Permintaan") || title.contains("Data");
            assert_eq!(
                indonesian,
                language == "id",
                "{shown} in {language}: {title}"
            );
        }
    }
}
