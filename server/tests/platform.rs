//! Migrations, health, the OpenAPI document and the server-rendered pages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{StaffClient, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use shared::dto::auth::Role;
use shared::words::ProgramKind;

#[tokio::test]
async fn migrations_create_the_schema_and_are_idempotent() {
    let app = TestApp::spawn().await;
    // Start-up already migrated; running again must change nothing and not fail.
    server::db::migrate(&app.db)
        .await
        .expect("second migration run");
    for table in ["users", "auth_sessions", "login_attempts"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = app
            .db
            .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
            .await
            .expect("query")
            .expect("a row");
        let count: i64 = row.try_get("", "n").expect("count");
        assert_eq!(count, 0, "{table} on {}", app.backend);
    }
}

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/users",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
}

#[tokio::test]
async fn pages_render_in_indonesian_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    // Tokens in page URLs (sign-in links, private pages) never leave as a referrer.
    assert_eq!(home.headers()["referrer-policy"], "same-origin");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    let html = home.text().await.unwrap();
    assert!(html.contains("lang=\"id\""), "html lang");
    assert!(html.contains("Program kami"), "Indonesian home page");
    assert!(
        !html.contains("/pkg/"),
        "no client code on a page without islands"
    );
    let schedule = app.get("/schedule").await.text().await.unwrap();
    assert!(
        schedule.contains("/pkg/siar.js"),
        "the client where an island is"
    );

    // The language link sets a cookie that later pages follow.
    let switch = app.get("/lang/en?next=/login").await;
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/login");
    let login = app.get("/login").await.text().await.unwrap();
    assert!(login.contains("lang=\"en\"") && login.contains("Staff sign-in"));

    // A browser that prefers English gets English without choosing.
    let english = app
        .new_browser()
        .get(app.at("/"))
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("Our programmes"));
}

#[tokio::test]
async fn staff_pages_send_visitors_to_sign_in_and_unknown_pages_are_404() {
    let app = TestApp::spawn().await;
    let staff = app.get("/staff/users").await;
    assert_eq!(staff.status(), 303);
    assert_eq!(staff.headers()["location"], "/login?next=%2Fstaff%2Fusers");

    let missing = app
        .client
        .get(app.at("/no-such-page"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Halaman tidak ditemukan")
    );
}

#[tokio::test]
async fn concurrent_writes_all_succeed() {
    let app = TestApp::spawn().await;
    let csrf = app
        .signed_in_as(&app.client, shared::dto::auth::Role::Admin)
        .await;
    let requests = (0..16).map(|i| {
        let request = app
            .client
            .post(app.at("/api/v1/users"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({
                "email": format!("relawan{i}@siar.test"),
                "name": format!("Relawan {i}"),
                "role": "viewer",
                "password": common::PASSWORD,
            }));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert!(
        statuses.iter().all(|s| *s == 201),
        "{statuses:?} on {}",
        app.backend
    );

    if app.backend == "sqlite" {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "PRAGMA journal_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        let mode: String = row.try_get_by_index(0).unwrap();
        assert_eq!(mode, "wal");
    }
}

/// Every `enum` list anywhere in `value`, with where it was found.
fn enums_in(value: &Value, at: &str, found: &mut Vec<(String, Vec<Value>)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "enum"
                    && let Some(values) = inner.as_array()
                {
                    found.push((at.to_owned(), values.clone()));
                }
                enums_in(inner, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                enums_in(inner, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_spells_every_enum_value_as_the_api_takes_it() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut found = Vec::new();
    enums_in(&doc, "", &mut found);
    assert!(found.len() > 5, "the document lists its enums: {found:?}");
    // Siar's wire words are lower case (`talk_show`, `published`, `this`) or RFC 5545 codes
    // (`MO`); a Rust variant name (`TalkShow`, `Letter`) is a value the server refuses.
    let mixed_case = |s: &str| {
        s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    };
    let wrong: Vec<_> = found
        .iter()
        .filter(|(_, values)| values.iter().any(|v| v.as_str().is_some_and(mixed_case)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Exactly the words the server reads.
    let kinds: Vec<&str> = ProgramKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        doc["components"]["schemas"]["ProgramKind"]["enum"],
        json!(kinds)
    );
}

#[tokio::test]
async fn every_operation_documents_the_problems_any_request_can_meet() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut wanted = vec!["400", "503"];
            if matches!(method.as_str(), "post" | "put" | "patch" | "delete") {
                wanted.push("403");
            }
            if operation["requestBody"].is_object() {
                wanted.extend(["413", "422"]);
            }
            if operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
            {
                wanted.push("401");
            }
            for status in wanted {
                if !operation["responses"][status].is_object() {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[tokio::test]
async fn client_files_are_hashed_kept_a_year_and_sent_precompressed() {
    // A published bundle as `cargo xtask` leaves it: the files, their compressed copies and
    // `pkg/current` naming them.
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let bundle = "siar-0123abcd";
    for (file, bytes) in [
        (format!("{bundle}.js"), &b"plain js"[..]),
        (format!("{bundle}.js.br"), b"brotli js"),
        (format!("{bundle}.js.gz"), b"gzip js"),
        (format!("{bundle}.wasm"), b"plain wasm"),
        (format!("{bundle}.wasm.br"), b"brotli wasm"),
        (format!("{bundle}.wasm.gz"), b"gzip wasm"),
        ("siar.js".to_owned(), b"unhashed js"),
        ("siar-staff-4567.js".to_owned(), b"staff js"),
        ("current".to_owned(), b"siar-0123abcd\nsiar-staff-4567\n"),
    ] {
        std::fs::write(pkg.join(file), bytes).unwrap();
    }
    let root = site.path().display().to_string();
    let app = TestApp::spawn_with(&[("SIAR_SITE_ROOT", root.as_str())]).await;

    // Pages with islands load the hashed bundle: the public one, or the staff one on staff
    // pages.
    let html = app.get("/schedule").await.text().await.unwrap();
    assert!(html.contains("/pkg/siar-0123abcd.js"), "hashed script");
    assert!(html.contains("/pkg/siar-0123abcd.wasm"), "hashed wasm");
    assert!(!html.contains("/pkg/siar.js"), "no plain script");
    let staff = StaffClient::new(&app, Role::Coordinator).await;
    let html = staff.page("/staff/partners").await;
    assert!(
        html.contains("/pkg/siar-staff-4567.js"),
        "staff bundle: {html}"
    );
    assert!(
        !html.contains("/pkg/siar-0123abcd"),
        "not the public bundle"
    );

    let fetch = |path: &'static str, accept: &'static str| {
        app.client
            .get(app.at(path))
            .header("accept-encoding", accept)
            .send()
    };
    let wasm = fetch("/pkg/siar-0123abcd.wasm", "gzip, deflate, br")
        .await
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.bytes().await.unwrap(), &b"brotli wasm"[..]);

    let js = fetch("/pkg/siar-0123abcd.js", "gzip").await.unwrap();
    assert_eq!(js.headers()["content-encoding"], "gzip");
    assert_eq!(js.bytes().await.unwrap(), &b"gzip js"[..]);

    let plain = fetch("/pkg/siar-0123abcd.js", "identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap(), &b"plain js"[..]);

    // A file whose name does not change with its bytes is checked again on every use.
    let unhashed = fetch("/pkg/siar.js", "identity").await.unwrap();
    assert_eq!(unhashed.status(), 200);
    assert_eq!(unhashed.headers()["cache-control"], "no-cache");
    assert_eq!(
        fetch("/pkg/siar-ffff.js", "br").await.unwrap().status(),
        404
    );
}
