//! What the client benchmarks share: Siar on the demo data, serving the client that
//! `cargo xtask build-client` published in `target/site`, in this process.

use std::collections::HashMap;
use std::path::PathBuf;

use server::app::App;
use server::config::{Config, LogFormat};
use server::demo;

/// The running site: its address, and the folder its database and files live in (deleted
/// when this is dropped).
pub struct DemoSite {
    pub base: String,
    pub _dir: tempfile::TempDir,
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Starts Siar on a fresh SQLite database with the demo data, its jobs (mail) running as
/// `siar serve` runs them.
pub async fn start() -> DemoSite {
    server::telemetry::init(LogFormat::Pretty);
    let site = root().join("target/site");
    assert!(
        site.join("pkg").join("current").exists(),
        "no published client in {}: run `cargo xtask build-client` first",
        site.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let vars = HashMap::from([
        (
            "DATABASE_URL".to_owned(),
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("bench.db").display()
            ),
        ),
        ("SIAR_BIND".to_owned(), "127.0.0.1:0".to_owned()),
        ("SIAR_SITE_ROOT".to_owned(), site.display().to_string()),
        (
            "SIAR_STORAGE".to_owned(),
            dir.path().join("files").display().to_string(),
        ),
    ]);
    let app = App::build(Config::from_vars(&vars).expect("config"))
        .await
        .expect("app");
    let base = format!("http://{}", app.local_addr().expect("address"));
    demo::seed(&app.state().db, &base).await.expect("demo data");
    tokio::spawn(app.serve(std::future::pending()));
    DemoSite { base, _dir: dir }
}
