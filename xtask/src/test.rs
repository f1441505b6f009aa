//! `cargo xtask test`: every check CI runs, in order of speed, stopping at the first failure.

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::sh::{self, Result};
use crate::{client, feedcheck, toolchain};

/// The PostgreSQL the tests use unless `TEST_DATABASE_URL` says otherwise.
const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Runs the checks. `--skip-e2e` and `--only-e2e` narrow them while iterating; CI runs all.
pub fn test(args: &[String]) -> Result<()> {
    let only_e2e = args.iter().any(|a| a == "--only-e2e");
    let skip_e2e = args.iter().any(|a| a == "--skip-e2e");
    let tools = toolchain::ensure(!skip_e2e)?;
    // The mail tests start a real SMTP server (aiosmtpd) with this Python.
    let python = feedcheck::python()?;
    if !only_e2e {
        sh::run(sh::cargo().args(["fmt", "--all", "--check"]))?;
        sh::run(sh::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        sh::run(
            sh::cargo()
                .args(["test", "--workspace"])
                .env("SIAR_TEST_PYTHON", &python),
        )?;
        let pg_url =
            std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.into());
        require_postgres(&pg_url)?;
        drop_old_test_schemas(&pg_url);
        // `--workspace` as above, not `-p server`: the same features, so nothing is built again.
        sh::run(
            sh::cargo()
                .args(["test", "--workspace"])
                .env("TEST_DATABASE_URL", &pg_url)
                .env("SIAR_TEST_PYTHON", &python),
        )?;
    }
    client::build(&tools)?;
    if !skip_e2e {
        browser_tests(&python)?;
    }
    eprintln!("\nall checks passed");
    Ok(())
}

/// schemathesis against the OpenAPI document of the server at `url` (`tools/api/check_api.py`),
/// run in the target directory, where it keeps its cache.
fn api_check(python: &std::path::Path, url: &str) -> Result<()> {
    sh::run(
        Command::new(python)
            .arg(sh::root().join("tools/api/check_api.py"))
            .arg(url)
            .current_dir(sh::target_dir()),
    )
}

/// Fails, never skips, when PostgreSQL cannot be reached: a green run must mean both
/// databases were tested.
fn require_postgres(url: &str) -> Result<()> {
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|hp| !hp.is_empty())
        .unwrap_or("127.0.0.1:5432");
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    let reachable = host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok());
    if reachable {
        Ok(())
    } else {
        Err(format!(
            "PostgreSQL is not reachable at {host_port} (TEST_DATABASE_URL); the tests need it"
        ))
    }
}

/// Each test creates its own `siar_test_*` schema; remove those of earlier runs. Best effort:
/// without `psql` they stay, which harms nothing but disk.
fn drop_old_test_schemas(url: &str) {
    let sql = "DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace \
               WHERE nspname LIKE 'siar_test_%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); \
               END LOOP; END $$;";
    let _ = Command::new("psql")
        .args([url, "-q", "-c", sql])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Starts the real server on a free port with a fresh SQLite database and demo data, then
/// runs the Playwright + axe-core tests in `e2e/` (and ical.js' feed check) against it, the
/// three-parser feed check with its random edit sequences, and schemathesis.
fn browser_tests(python: &std::path::Path) -> Result<()> {
    let root = sh::root();
    let e2e = root.join("e2e");
    sh::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&e2e),
    )?;
    // The binary `cargo test --workspace` builds (the CLI tests run it): the same features as
    // the tests, so nothing is compiled twice. `cargo build --bin siar` or `-p server` would
    // resolve features differently and rebuild TLS, sqlx and the server.
    sh::run(sh::cargo().args(["test", "--workspace", "--no-run"]))?;

    let data = std::env::temp_dir().join(format!("siar-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    // The server's log (tracing writes warnings and errors to standard error) is kept, and
    // its end printed when a check fails: a stalled page or a 500 is otherwise hard to
    // explain after the fact.
    let log = sh::target_dir().join("e2e-server.log");
    let log_file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut server = Command::new(sh::target_dir().join("debug/siar"))
        .args(["serve", "--demo"])
        .current_dir(&root)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/siar.db?mode=rwc", data.display()),
        )
        .env("SIAR_STORAGE", data.join("files"))
        .env("SIAR_BIND", "127.0.0.1:0")
        .env("SIAR_SITE_ROOT", sh::site_root())
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(
            log_file
                .try_clone()
                .map_err(|e| format!("{}: {e}", log.display()))?,
        )
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let result = listening_address(&mut server, log_file).and_then(|addr| {
        sh::run(
            Command::new("node")
                .args(["--test", "--test-concurrency=1", "tests/"])
                .current_dir(&e2e)
                .env("SIAR_URL", format!("http://{addr}"))
                .env("CHROMIUM_PATH", toolchain::chromium()),
        )?;
        feedcheck::check(python, &format!("http://{addr}"))?;
        // Last: as the coordinator it changes the demo data the tests above read.
        api_check(python, &format!("http://{addr}"))
    });
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);
    if result.is_err() {
        print_log_tail(&log);
    }
    result
}

/// The last lines of the browser tests' server log, on standard error.
fn print_log_tail(log: &std::path::Path) {
    const LINES: usize = 60;
    let Ok(text) = std::fs::read_to_string(log) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    eprintln!(
        "--- the server's last {LINES} log lines ({}) ---",
        log.display()
    );
    for line in &lines[lines.len().saturating_sub(LINES)..] {
        eprintln!("{line}");
    }
}

/// Reads the server's output until it says where it listens; the rest goes to `log`.
fn listening_address(server: &mut Child, mut file: std::fs::File) -> Result<String> {
    let stdout = server.stdout.take().ok_or("no server output")?;
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        if let Some(rest) = line.split("listening on ").nth(1) {
            let addr = rest.split(';').next().unwrap_or_default().trim().to_owned();
            // Keep draining the output so the server never blocks on a full pipe.
            std::thread::spawn(move || {
                use std::io::Write;
                for line in lines.map_while(std::result::Result::ok) {
                    let _ = writeln!(file, "{line}");
                }
            });
            return Ok(addr);
        }
    }
    Err("the server stopped before listening".into())
}
