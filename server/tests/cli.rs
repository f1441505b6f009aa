//! The `siar` command line, run as a real process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sea_orm::Database;

/// Runs `siar` with `args` on a fresh database, feeding `stdin`; returns its output and the
/// database URL and schema it used.
fn siar(dir: &std::path::Path, args: &[&str], stdin: &str) -> (Output, String, Option<String>) {
    let (url, schema) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => (
            url,
            Some(format!("siar_test_{}", uuid::Uuid::new_v4().simple())),
        ),
        _ => (format!("sqlite://{}/siar.db?mode=rwc", dir.display()), None),
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_siar"));
    command
        .args(args)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn");
    if let Some(schema) = &schema {
        command.env("SIAR_DATABASE_SCHEMA", schema);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    (child.wait_with_output().unwrap(), url, schema)
}

#[test]
fn help_lists_the_subcommands() {
    let output = Command::new(env!("CARGO_BIN_EXE_siar"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for subcommand in ["serve", "migrate", "admin"] {
        assert!(
            text.contains(subcommand),
            "{subcommand} missing from:\n{text}"
        );
    }
}

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin_and_the_account_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "admin",
        "create",
        "--email",
        "kepala@siar.test",
        "--name",
        "Kepala Dinas",
    ];
    let (output, url, schema) = siar(dir.path(), &args, "kata sandi kepala dinas\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("created admin account kepala@siar.test")
    );

    let mut options = sea_orm::ConnectOptions::new(url);
    if let Some(schema) = schema {
        options.set_schema_search_path(schema);
    }
    let db = Database::connect(options).await.unwrap();
    let user = server::services::auth::sign_in(
        &db,
        "kepala@siar.test",
        "kata sandi kepala dinas",
        "127.0.0.1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(user.role, shared::dto::auth::Role::Admin);
}

#[test]
fn admin_create_refuses_a_short_password_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _, _) = siar(
        dir.path(),
        &["admin", "create", "--email", "a@siar.test", "--name", "A"],
        "short\n",
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("password: Use at least 12 characters."),
        "{stderr}"
    );
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_siar"))
        .args(["migrate"])
        .env("SIAR_BIND", "nowhere")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SIAR_BIND"));
}

/// One GET over a plain TCP connection; the answer is not needed, only the server's log.
fn get(addr: &str, path: &str) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
}

#[test]
fn secrets_in_paths_never_reach_the_log() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_siar"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/siar.db?mode=rwc", dir.path().display()),
        )
        .env("SIAR_STORAGE", dir.path().join("files"))
        .env("SIAR_BIND", "127.0.0.1:0")
        // What an operator turns on to see every request.
        .env("RUST_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
    let secret = "Rahasia0123456789abcdefghijklmnopqrstuvwxyz";
    let paths = [
        format!("/partner-access/{secret}"),
        format!(
            "/api/v1/partner-access/{secret}/documents/{}",
            uuid::Uuid::nil()
        ),
        format!("/contest-entry/{secret}/certificate"),
        format!("/api/v1/contest-entries/{secret}"),
        format!("/uploads/tus/{secret}"),
        format!("/calendar/me/{secret}.ics"),
        format!("/volunteer/sign-in?token={secret}"),
    ];
    for path in &paths {
        get(&addr, path);
    }
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("/partner-access/"),
        "requests are logged with their path: {log}"
    );
    assert!(!log.contains(secret), "a secret reached the log:\n{log}");
}
