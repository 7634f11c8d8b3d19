//! "Download all my data": the archive is made in the background, holds every course,
//! leave and certificate (byte for byte) with a data.json the published schema accepts,
//! is downloaded only by its person through an expiring link, and every step is audited.

use crate::certificates::{new_entry, upload};
use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use server::inspect::samples::{jpeg, pdf};
use sha2::{Digest, Sha256};
use std::io::Read;

/// Confirms it is the person (`email`), asks for an archive and waits until it is ready; its id.
pub async fn make_export(app: &TestApp, browser: &Browser, email: &str) -> String {
    make_archive(app, browser, email, "/api/account/request_export", &[]).await
}

/// [`make_export`] through another request (a member's or the firm's archive).
pub async fn make_archive(
    app: &TestApp,
    browser: &Browser,
    email: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> String {
    app.step_up(browser, email).await;
    let asked = browser.form(path, fields).await;
    assert!(asked.status().is_success(), "{}", asked.status());
    let id: String = asked.json().await.expect("id");
    for _ in 0..300 {
        let list: Value = browser
            .form("/api/account/list_exports", &[])
            .await
            .json()
            .await
            .expect("json");
        let this = list["items"]
            .as_array()
            .expect("list")
            .iter()
            .find(|e| e["id"] == id.as_str())
            .cloned()
            .expect("listed");
        match this["status"].as_str() {
            Some("ready") => return id,
            Some("failed") => panic!("the export failed"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    panic!("the export was not ready in 30 s");
}

/// Downloads an archive as a browser does: the page's link, then the signed link.
pub async fn download(browser: &Browser, id: &str) -> (u16, Vec<u8>) {
    let first = browser.get(&format!("/account/export/{id}/download")).await;
    let status = first.status().as_u16();
    let Some(location) = first
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
    else {
        return (status, Vec::new());
    };
    let url = if location.starts_with("http") {
        location.to_owned()
    } else {
        browser.url(location)
    };
    let file = browser.client.get(url).send().await.expect("file");
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(
        file.headers()["content-type"].to_str().expect("ascii"),
        "application/zip"
    );
    (status, file.bytes().await.expect("bytes").to_vec())
}

async fn a_person_downloads_everything_and_only_they_can(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "karin@ek.se";
    let karin = app
        .person(email)
        .named("Karin Ek")
        .born("1981-06-07")
        .course("2026-02-01", "Procedural law day", "6")
        .course_with("2026-03-01", "Ethics online", "2.5", "e-learning", "ethics")
        .create()
        .await;
    let browser = karin.browser;
    let entry = new_entry(&browser, "Arbitration").await;
    // Two photos with one name (as phones send them): two files in the archive.
    for (name, bytes) in [
        ("diploma.pdf", pdf(2)),
        ("photo.jpg", jpeg(64, 48)),
        ("photo.jpg", jpeg(32, 24)),
    ] {
        let (status, body) = upload(&browser, &entry, name, bytes).await;
        assert_eq!(status, 201, "{body}");
    }
    let leave = browser
        .form(
            "/api/log/add_leave",
            &[
                ("from", "2026-05-01"),
                ("to", "2026-05-31"),
                ("reason", "Parental leave"),
            ],
        )
        .await;
    assert!(leave.status().is_success());

    // Not without confirming it is her (a stolen session does not take everything).
    let refused = browser.form("/api/account/request_export", &[]).await;
    assert_eq!(refused.status().as_u16(), 422);
    let id = make_export(&app, &browser, email).await;
    let page = browser.page("/account/data").await;
    assert!(page.contains("Download ZIP"), "{page}");
    // The storage sweep knows the archive is no orphan.
    let state = &app.server.as_ref().expect("running").state;
    app::backend::certificates::sweep::sweep(state, 0)
        .await
        .expect("sweep");
    let (status, zip_bytes) = download(&browser, &id).await;
    assert!(matches!(status, 302 | 303 | 307), "{status}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a ZIP");
    let mut read = |name: &str| {
        let mut file = zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the archive"));
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("read");
        bytes
    };
    let readme = String::from_utf8(read("README.txt")).expect("utf-8");
    assert!(
        readme.contains("data.json") && readme.contains("certificates/"),
        "{readme}"
    );
    let csv = String::from_utf8(read("entries.csv")).expect("utf-8");
    assert!(
        csv.contains("Procedural law day") && csv.contains("Arbitration"),
        "{csv}"
    );
    let data_bytes = read("data.json");
    let data: Value = serde_json::from_slice(&data_bytes).expect("json");
    assert_eq!(data["version"], 1);
    assert_eq!(data["profile"]["full_name"], "Karin Ek");
    assert_eq!(data["profile"]["birth_date"], "1981-06-07");
    assert_eq!(data["entries"].as_array().expect("entries").len(), 3);
    assert_eq!(
        data["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["topic"] == "ethics")
            .count(),
        1
    );
    assert_eq!(data["leave"][0]["reason"], "Parental leave");
    assert!(data["compliance"].as_array().is_some_and(|y| !y.is_empty()));
    // Every certificate, byte for byte, where data.json says it is.
    let certificates = data["certificates"]
        .as_array()
        .expect("certificates")
        .clone();
    assert_eq!(certificates.len(), 3);
    for c in &certificates {
        let bytes = read(c["file"].as_str().expect("path"));
        assert_eq!(hex::encode(Sha256::digest(&bytes)), c["sha256"], "{c}");
    }
    // The published schema accepts it, checked by the reference validator.
    let dir = tempfile::tempdir().expect("dir");
    let data_path = dir.path().join("data.json");
    std::fs::write(&data_path, &data_bytes).expect("write");
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/export-schema.json");
    let checked = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), format_checker=jsonschema.FormatChecker())",
            schema,
            data_path.to_str().expect("path"),
        ])
        .output()
        .expect("python3 with jsonschema (scripts/setup.sh installs it)");
    assert!(
        checked.status.success(),
        "data.json does not match docs/export-schema.json: {}",
        String::from_utf8_lossy(&checked.stderr)
    );

    // Nobody else gets it, not even through its id.
    let other = app.signed_in_browser("someone@else.se").await;
    let (status, _) = download(&other, &id).await;
    assert_eq!(status, 404);
    let anonymous = app.browser();
    let response = anonymous
        .get(&format!("/account/export/{id}/download"))
        .await;
    assert!(
        matches!(response.status().as_u16(), 401 | 303 | 302),
        "{}",
        response.status()
    );
    let actions = app.audit_actions().await;
    for action in ["export.requested", "export.made", "export.link_issued"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    // After its week it is gone, with its file.
    let key: String = sqlx::query_scalar("SELECT object_key FROM exports WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db().pool)
        .await
        .expect("key");
    let later = app::backend::db::now_micros() + 8 * 86_400 * 1_000_000;
    assert_eq!(
        app::backend::exports::remove_expired(state, later)
            .await
            .expect("remove"),
        1
    );
    let objects = state.storage.list().await.expect("list");
    assert!(!objects.iter().any(|(k, _)| *k == key));
    app.stop().await;
}
on_both_backends!(a_person_downloads_everything_and_only_they_can);
