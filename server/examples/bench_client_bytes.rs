//! Benchmark (issue 21): the client code (JS + wasm) each kind of page makes a phone download
//! on its first visit, compressed as served. Starts Siar on the demo data with the client that
//! `cargo xtask` built (`target/site`), opens each page as its user would (staff signed in),
//! collects every `/pkg/…` file the page loads or preloads, and fetches each as a browser does
//! (`Accept-Encoding: br, gzip`), counting the bytes on the wire. Targets: ≤ 250 KiB for
//! public, volunteer, partner and contest-entry pages, ≤ 600 KiB for staff pages; prints each
//! page's bytes and the ratio to its target. Run with `cargo xtask bench client`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use server::demo;

#[path = "support/demo_site.rs"]
mod demo_site;

const KIB: f64 = 1024.0;
const PUBLIC_TARGET_KIB: f64 = 250.0;
const STAFF_TARGET_KIB: f64 = 600.0;

#[tokio::main]
async fn main() {
    let site = demo_site::start().await;
    let base = site.base.clone();
    let visitor = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let sessions: serde_json::Value = visitor
        .get(format!("{base}/api/v1/sessions?per_page=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_id = sessions["items"][0]["id"]
        .as_str()
        .expect("a demo session")
        .to_owned();
    // A parent's private entry page, where the uploader is.
    let receipt: serde_json::Value = visitor
        .post(format!(
            "{base}/api/v1/public/contests/{}/entries",
            demo::DEMO_CONTEST
        ))
        .json(&serde_json::json!({
            "entrant_name": "Andi Bench",
            "birth_date": "2018-03-01",
            "school": "SD Inpres Bontoala",
            "city": "Makassar",
            "contact_email": "bench@siar.example",
            "guardian_name": "Ibu Sari",
            "consent_rules": true,
            "consent_publication": true,
            "title": "Si Kancil",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry_page = format!(
        "/contest-entry/{}",
        receipt["access_token"].as_str().expect("an entry receipt")
    );
    let mut pages: Vec<(String, f64)> = [
        "/".to_owned(),
        "/schedule".to_owned(),
        "/programs/dongkelor".to_owned(),
        format!("/sessions/{session_id}"),
        "/partners/harian-fajar-makassar".to_owned(),
        "/volunteer".to_owned(),
        "/volunteer/open".to_owned(),
        format!("/contests/{}", demo::DEMO_CONTEST),
        entry_page,
        "/login".to_owned(),
    ]
    .into_iter()
    .map(|path| (path, PUBLIC_TARGET_KIB))
    .collect();

    let staff = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let admin = &demo::DEMO_LOGINS[0];
    let login = staff
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": admin.email, "password": admin.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "demo admin signs in");
    let staff_pages = [
        "/staff".to_owned(),
        "/staff/programs".to_owned(),
        "/staff/programs/dongkelor".to_owned(),
        format!("/staff/sessions/{session_id}"),
        "/staff/calendar".to_owned(),
        "/staff/partners".to_owned(),
        "/staff/blackouts".to_owned(),
        "/staff/volunteers".to_owned(),
    ];
    pages.extend(staff_pages.into_iter().map(|p| (p, STAFF_TARGET_KIB)));

    println!("\nissue 21 · client code per page on a first visit (compressed as served)");
    let mut all_met = true;
    for (path, target_kib) in &pages {
        let client = if *target_kib == STAFF_TARGET_KIB {
            &staff
        } else {
            &visitor
        };
        let page = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        let mut bytes = 0usize;
        let files = client_files(&html);
        for file in &files {
            let response = client
                .get(format!("{base}{file}"))
                .header("accept-encoding", "br, gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{file}");
            bytes += response.bytes().await.unwrap().len();
        }
        let kib = bytes as f64 / KIB;
        let ratio = kib / target_kib;
        all_met &= ratio <= 1.0;
        println!(
            "  {path:<40} {bytes:>9} bytes ({kib:>6.0} KiB) in {} files / {target_kib:.0} KiB = {ratio:.2} {}",
            files.len(),
            if ratio <= 1.0 { "met" } else { "MISSED" }
        );
    }
    println!(
        "  {}",
        if all_met {
            "PASS"
        } else {
            "FAIL (target ≤ 1.00 on every page)"
        }
    );
    if !all_met {
        std::process::exit(1);
    }
}

/// Every `/pkg/…` file the page names (scripts, module preloads, the wasm preload).
fn client_files(html: &str) -> BTreeSet<String> {
    html.match_indices("/pkg/")
        .map(|(at, _)| {
            let rest = &html[at..];
            let end = rest
                .find(|c: char| c == '"' || c == '\'' || c.is_whitespace() || c == ')')
                .unwrap_or(rest.len());
            rest[..end].to_owned()
        })
        .collect()
}
