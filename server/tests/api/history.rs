//! A lawyer takes their record to a new firm: the archive "Download all my data" made is
//! uploaded there, checked against the published schema and its own hashes, reviewed
//! (nothing saved until confirmed), then brought in. The round trip is lossless: the same
//! figures every year and the same certificate bytes; a second upload adds nothing; a
//! tampered archive is refused whole.

use crate::certificates::{new_entry, upload};
use crate::exports::{download, make_export};
use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use app::model::LogData;
use serde_json::Value;
use server::inspect::samples::{jpeg, pdf};
use std::io::{Read, Write};

/// Uploads an archive as the data page's form does: (status, the staged import's id).
async fn send(browser: &Browser, bytes: Vec<u8>) -> (u16, Option<String>, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("cpd-registry-data.zip");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = browser
        .client
        .post(browser.url("/account/history/upload"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.split("history=").nth(1))
        .map(str::to_owned);
    (status, id, response.text().await.unwrap_or_default())
}

async fn status_of(browser: &Browser, id: &str) -> Value {
    browser
        .form("/api/account/get_history_import", &[("id", id)])
        .await
        .json()
        .await
        .expect("json")
}

/// Confirms a staged import and waits until it is done; its summary.
async fn bring_in(browser: &Browser, id: &str) -> Value {
    let confirmed = browser
        .form("/api/account/confirm_history_import", &[("id", id)])
        .await;
    assert!(confirmed.status().is_success(), "{}", confirmed.status());
    for _ in 0..300 {
        let now = status_of(browser, id).await;
        match now["status"].as_str() {
            Some("done") => return now["summary"].clone(),
            Some("failed") => panic!("the import failed"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    panic!("the import was not done in 30 s");
}

/// Every year's answer as the dashboard computes it from the person's log.
async fn figures(browser: &Browser) -> Vec<(i32, String, u32, u32, u32)> {
    let log: LogData = browser
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("log");
    log.years()
        .into_iter()
        .map(|y| {
            let r = log.evaluate(y, None);
            (
                y,
                r.status.as_str().to_owned(),
                r.counted.quarters(),
                r.required.quarters(),
                r.shortfall.quarters(),
            )
        })
        .collect()
}

async fn certificate_hashes(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.sha256 FROM certificates c JOIN users u ON u.id = c.user_id WHERE u.email_index = $1 ORDER BY c.sha256",
    )
    .bind(crate::helpers::email_index(email))
    .fetch_all(&app.db().pool)
    .await
    .expect("hashes")
}

/// The archive with `data.json` changed by `edit`.
fn tampered(zip_bytes: &[u8], edit: impl Fn(&mut Value)) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("file");
        let name = file.name().to_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("read");
        if name == "data.json" {
            let mut data: Value = serde_json::from_slice(&bytes).expect("json");
            edit(&mut data);
            bytes = serde_json::to_vec(&data).expect("json");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

async fn a_record_moves_to_a_new_firm_without_loss(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "karin@ek.se";
    let karin = app
        .person(email)
        .named("Karin Ek")
        .born("1961-06-07")
        .course("2024-02-01", "Procedural law day", "6")
        .course("2025-03-01", "Insolvency", "9.5")
        .course_with("2026-03-01", "Ethics online", "2.5", "e-learning", "ethics")
        .create()
        .await;
    let old = karin.browser;
    let entry = new_entry(&old, "Arbitration").await;
    for (name, bytes) in [("diploma.pdf", pdf(2)), ("photo.jpg", jpeg(64, 48))] {
        let (status, body) = upload(&old, &entry, name, bytes).await;
        assert_eq!(status, 201, "{body}");
    }
    let leave = old
        .form(
            "/api/log/add_leave",
            &[
                ("from", "2025-05-01"),
                ("to", "2025-08-31"),
                ("reason", "Parental leave"),
            ],
        )
        .await;
    assert!(leave.status().is_success());
    let before = figures(&old).await;
    assert!(before.len() >= 3, "{before:?}");
    let id = make_export(&app, &old, email).await;
    let (_, archive) = download(&old, &id).await;

    // At the new firm: a new address, a new account of her own.
    let new_email = "karin@lind.se";
    let new = app.signed_in_browser(new_email).await;
    // Refused whole, nothing staged: not a ZIP, a changed course, a certificate that is
    // not the file it claims, a field the schema does not know.
    let (status, _, body) = send(&new, b"not a zip".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("not a ZIP archive"), "the page says why");
    let fake_hash = tampered(&archive, |d| {
        d["certificates"][0]["sha256"] = "0".repeat(64).into()
    });
    let (status, _, body) = send(&new, fake_hash).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("is not the file its data.json describes"),
        "{body}"
    );
    let extra = tampered(&archive, |d| d["profile"]["salary"] = 1.into());
    let (status, _, body) = send(&new, extra).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("does not follow the published format"),
        "{body}"
    );
    // One file named for every certificate (to have it inflated and inspected again and
    // again); a profile with a name past its limit.
    let one_file = tampered(&archive, |d| {
        let first = d["certificates"][0].clone();
        d["certificates"][1]["file"] = first["file"].clone();
        d["certificates"][1]["sha256"] = first["sha256"].clone();
        d["certificates"][1]["size_bytes"] = first["size_bytes"].clone();
    });
    let (status, _, body) = send(&new, one_file).await;
    assert_eq!(status, 422);
    assert!(body.contains("two certificates name one file"), "{body}");
    let long_name = tampered(&archive, |d| {
        d["profile"]["full_name"] = "x".repeat(500).into()
    });
    let (status, _, _) = send(&new, long_name).await;
    assert_eq!(status, 422);
    let bad_course = tampered(&archive, |d| d["entries"][0]["hours"] = "30".into());
    let (status, _, _) = send(&new, bad_course).await;
    assert_eq!(status, 422);
    let staged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM history_imports")
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert_eq!(staged, 0);

    // The real archive: reviewed first, nothing saved yet.
    let (status, import, _) = send(&new, archive.clone()).await;
    assert!(matches!(status, 302 | 303), "{status}");
    let import = import.expect("an id");
    // One at a time: a second upload waits until this one is added or dropped.
    let (status, _, body) = send(&new, archive.clone()).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("already have an uploaded history waiting"),
        "{body}"
    );
    let page = new.page(&format!("/account/data?history={import}")).await;
    assert!(
        page.contains("From the archive of Karin Ek: 4 new courses"),
        "{page}"
    );
    assert!(certificate_hashes(&app, new_email).await.is_empty());
    assert!(
        figures(&new)
            .await
            .iter()
            .all(|(_, _, counted, _, _)| *counted == 0)
    );
    // Nobody else can see or confirm it.
    let other = app.signed_in_browser("someone@else.se").await;
    let theirs = other
        .form("/api/account/confirm_history_import", &[("id", &import)])
        .await;
    assert_eq!(theirs.status().as_u16(), 404);

    let summary = bring_in(&new, &import).await;
    assert_eq!(summary["courses_new"], 4, "{summary}");
    assert_eq!(summary["certificates"], 2, "{summary}");
    assert_eq!(summary["leaves_new"], 1, "{summary}");
    // Lossless: every year's figures, and every certificate byte for byte.
    assert_eq!(figures(&new).await, before);
    assert_eq!(
        certificate_hashes(&app, new_email).await,
        certificate_hashes(&app, email).await
    );
    let log = new.page("/log?year=2025").await;
    assert!(log.contains("Insolvency"), "{log}");

    // The same archive again adds nothing.
    let (_, again, _) = send(&new, archive).await;
    let again = again.expect("an id");
    let page = new.page(&format!("/account/data?history={again}")).await;
    assert!(
        page.contains("0 new courses (4 already in your log)"),
        "{page}"
    );
    let summary = bring_in(&new, &again).await;
    assert_eq!(summary["courses_new"], 0, "{summary}");
    assert_eq!(summary["certificates"], 0, "{summary}");
    assert_eq!(summary["certificates_known"], 2, "{summary}");
    assert_eq!(figures(&new).await, before);
    // The archive's file is gone once brought in.
    let kept: Vec<Option<String>> = sqlx::query_scalar("SELECT object_key FROM history_imports")
        .fetch_all(&app.db().pool)
        .await
        .expect("keys");
    assert!(kept.iter().all(Option::is_none), "{kept:?}");
    let actions = app.audit_actions().await;
    for action in ["history.staged", "history.confirmed", "history.imported"] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
    app.assert_audit_verifies().await;
    app.stop().await;
}
on_both_backends!(a_record_moves_to_a_new_firm_without_loss);
