//! Annual reports over HTTP on both databases: made off the request path with progress,
//! checked with qpdf and pdftotext (name, year, totals, page count), downloaded through a
//! link that expires, verified on the public page, isolated between people, audited,
//! deleted; and certificates that are damaged or kill the worker are left out and named.

use crate::certificates::{new_entry, objects, upload};
use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use server::inspect::samples::{jpeg, pdf, png};
use sha2::{Digest, Sha256};
use std::process::Command;

async fn set_name(browser: &Browser, name: &str) {
    let saved = browser
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", name),
                ("title", "advokat"),
                ("admission_date", "2015-09-01"),
                ("birth_date", ""),
                ("rule_set", ""),
                ("language", "en"),
            ],
        )
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());
}

/// Asks for the 2026 report and waits until it is made; returns its id and final view.
async fn make_report(browser: &Browser, language: &str) -> (String, Value) {
    make_report_of(browser, 2026, language).await
}

/// The same for any year.
async fn make_report_of(browser: &Browser, year: i32, language: &str) -> (String, Value) {
    let year = year.to_string();
    let created = browser
        .form(
            "/api/reports/create_report",
            &[("year", year.as_str()), ("language", language)],
        )
        .await;
    assert_eq!(created.status(), 200);
    let id: String = created.json().await.expect("the report's id");
    for _ in 0..600 {
        let view: Value = browser
            .form("/api/reports/report_progress", &[("id", &id)])
            .await
            .json()
            .await
            .expect("json");
        if !matches!(view["status"].as_str(), Some("queued" | "running")) {
            return (id, view);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the report was not made within a minute");
}

/// Follows `/reports/{id}/open` to its signed link and downloads the file.
async fn download(browser: &Browser, id: &str) -> Vec<u8> {
    let response = browser
        .get(&format!("/reports/{id}/open?d=attachment"))
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let url = if location.starts_with('/') {
        browser.url(&location)
    } else {
        location
    };
    let file = browser.client.get(url).send().await.expect("GET the link");
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    file.bytes().await.expect("bytes").to_vec()
}

fn tool(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (setup.sh installs it): {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The file's text (pdftotext), of one page or all.
fn text(path: &str, page: Option<usize>) -> String {
    let n = page.map(|p| p.to_string());
    let mut args = Vec::new();
    if let Some(n) = &n {
        args.extend(["-f", n.as_str(), "-l", n.as_str()]);
    }
    args.extend([path, "-"]);
    tool("pdftotext", &args).1
}

fn pages(path: &str) -> usize {
    let (ok, info) = tool("pdfinfo", &[path]);
    assert!(ok);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

async fn check_file(browser: &Browser, id: &str, bytes: Vec<u8>) -> String {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("report.pdf");
    let response = browser
        .client
        .post(browser.url(&format!("/verify/{id}")))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 200);
    response.text().await.expect("the verification page")
}

async fn reports_are_made_verified_downloaded_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_name(&anna, "Åsa Öberg").await;
    let first = new_entry(&anna, "Arbitration day").await;
    let second = new_entry(&anna, "Ethics seminar").await;
    assert_eq!(upload(&anna, &first, "intyg.pdf", pdf(2)).await.0, 201);
    assert_eq!(
        upload(&anna, &second, "photo.jpg", jpeg(640, 480)).await.0,
        201
    );
    assert_eq!(
        upload(&anna, &second, "scan.png", png(200, 100)).await.0,
        201
    );

    let (id, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "ready", "{view}");
    assert_eq!(view["percent"], 100);
    assert_eq!(view["left_out"], 0);
    let bytes = download(&anna, &id).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let path = path.to_str().expect("utf-8");

    let (ok, check) = tool("qpdf", &["--check", path]);
    assert!(ok, "qpdf --check: {check}");
    let all = text(path, None);
    for expected in [
        "Åsa Öberg",
        "Annual CPD report 2026",
        "Arbitration day",
        "Page 1 of",
    ] {
        assert!(all.contains(expected), "{expected:?} in the report:\n{all}");
    }
    // The totals: 18 required, 6 counted (two courses of 3), 12 still needed.
    let lines: Vec<&str> = all.lines().map(str::trim).collect();
    for figure in ["18", "6", "12"] {
        assert!(lines.contains(&figure), "{figure} in the report:\n{all}");
    }
    assert!(all.contains("Total") && all.contains("Still needed"));
    // The summary's pages, then every certificate page: 2 + 1 + 1.
    let total = pages(path);
    assert_eq!(view["pages"], total);
    let summary = total - 4;
    assert!(summary >= 2, "a cover and a summary");
    let first_cert = text(path, Some(summary + 1));
    assert!(first_cert.contains("Certificate 1 of 3"), "{first_cert}");
    assert!(first_cert.contains("intyg.pdf"));
    assert!(text(path, Some(summary + 3)).contains("photo.jpg"));
    assert!(text(path, Some(total)).contains(&format!("Page {total} of {total}")));

    // The public page knows the file by its SHA-256 and says nothing about the person.
    let public = app.browser();
    let found: Value = public
        .form("/api/reports/verify_report", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(found["pages"], total);
    let said = found.to_string();
    assert!(!said.contains("Öberg") && !said.contains("anna@"), "{said}");
    // The verdict is the response to the upload, with the uploaded file's SHA-256 shown.
    let issued_sha = hex::encode(Sha256::digest(&bytes));
    let html = check_file(&public, &id, bytes.clone()).await;
    assert!(html.contains("has not been altered"), "{html}");
    assert_eq!(
        html.matches(issued_sha.as_str()).count(),
        2,
        "issued and uploaded"
    );
    assert!(!html.contains("Öberg"));
    let mut altered = bytes.clone();
    let at = altered.len() / 2;
    altered[at] ^= 1;
    let altered_sha = hex::encode(Sha256::digest(&altered));
    let html = check_file(&public, &id, altered).await;
    assert!(html.contains("NOT the report we issued"), "{html}");
    assert!(html.contains(&altered_sha), "{html}");
    // A file larger than the issued one is not read to its end, and is not it.
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"%%EOF\n");
    let html = check_file(&public, &id, longer).await;
    assert!(html.contains("larger than the report we issued"), "{html}");
    // No URL puts a verdict on the page: a forged report's QR code could point anywhere.
    for query in [
        "?result=match",
        "?result=mismatch",
        "?__err=x&result=match",
        "",
    ] {
        let html = public.page(&format!("/verify/{id}{query}")).await;
        assert!(
            html.contains(&issued_sha),
            "{query}: the page still says what we issued"
        );
        assert!(
            !html.contains("has not been altered") && !html.contains("NOT the report"),
            "{query}: {html}"
        );
        assert!(!html.contains("verify-outcome"), "{query}");
    }

    // Someone else (another firm) cannot follow, open or delete it.
    let bertil = app.signed_in_browser("bertil@other.se").await;
    let peek = bertil
        .form("/api/reports/report_progress", &[("id", &id)])
        .await;
    assert_eq!(peek.status(), 404);
    assert_eq!(
        bertil.get(&format!("/reports/{id}/open")).await.status(),
        404
    );
    let gone = bertil
        .form("/api/reports/delete_report", &[("id", &id)])
        .await;
    assert_eq!(gone.status(), 404);
    // Without a session there is no download at all.
    assert_eq!(
        public.get(&format!("/reports/{id}/open")).await.status(),
        303
    );

    // In Swedish, with the Swedish words.
    let (sv, _) = make_report(&anna, "sv").await;
    let sv_bytes = download(&anna, &sv).await;
    let sv_path = dir.path().join("rapport.pdf");
    std::fs::write(&sv_path, &sv_bytes).expect("write");
    let sv_text = text(sv_path.to_str().expect("utf-8"), None);
    assert!(
        sv_text.contains("Årsrapport") && sv_text.contains("Summa"),
        "{sv_text}"
    );

    let actions = app.audit_actions().await;
    for action in ["report.requested", "report.generated", "report.link_issued"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }

    // Deleted: the file and its verification go.
    let before = objects(&app).await.len();
    let deleted = anna
        .form("/api/reports/delete_report", &[("id", &id)])
        .await;
    assert!(deleted.status().is_success());
    // The file waits out the undo window, then goes.
    app.finalize_deletions().await;
    assert_eq!(objects(&app).await.len(), before - 1);
    let found: Value = public
        .form("/api/reports/verify_report", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    assert!(found.is_null());
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "report.deleted")
    );
    app.stop().await;
}
on_both_backends!(reports_are_made_verified_downloaded_and_deleted);

/// Replaces a certificate's stored file (sealed like an upload) with `bytes`.
async fn replace_object(app: &TestApp, certificate: &str, bytes: &[u8]) {
    use app::backend::storage::{firm_key, spool::SpoolWriter};
    let state = &app.server.as_ref().expect("running").state;
    let (key, firm): (String, String) =
        sqlx::query_as("SELECT object_key, firm_id FROM certificates WHERE id = $1")
            .bind(certificate)
            .fetch_one(&app.db().pool)
            .await
            .expect("the certificate");
    let mut conn = app.db().pool.acquire().await.expect("conn");
    let data_key = firm_key::get(&mut conn, state.master_key(), &firm)
        .await
        .expect("key")
        .expect("the firm has a key");
    let mut spool = SpoolWriter::create(state.storage.spool_dir(), &key, &data_key, 1 << 30)
        .await
        .expect("spool");
    spool.write(bytes).await.expect("write");
    let spool = spool.finish().await.expect("finish");
    state
        .storage
        .put(spool, &data_key, "application/pdf")
        .await
        .expect("put");
    sqlx::query("UPDATE certificates SET size_bytes = $1 WHERE id = $2")
        .bind(i64::try_from(bytes.len()).expect("small"))
        .bind(certificate)
        .execute(&app.db().pool)
        .await
        .expect("update");
}

/// A damaged certificate is named with its reason; one that kills the worker (here the
/// worker's first run dies on certificate 2, as a parser crash would) is left out and the
/// report made again without it. The server carries on either way.
async fn bad_certificates_are_left_out_and_named(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("worker.sh");
    let marker = dir.path().join("crashed");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             if [ \"$1\" = report ] && [ ! -e {marker} ]; then\n\
               touch {marker}; cat > /dev/null\n\
               echo '{{\"begin\":{{\"certificate\":2}}}}' >&2\n\
               kill -SEGV $$\n\
             fi\n\
             exec {real} \"$@\"\n",
            marker = marker.display(),
            real = env!("CARGO_BIN_EXE_cpd-registry"),
        ),
    )
    .expect("script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let command = script.to_str().expect("utf-8");
    let app = TestApp::spawn_with_vars(backend, &[("INSPECT_COMMAND", command)]).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_name(&anna, "Anna Berg").await;
    let entry = new_entry(&anna, "Tax law update").await;
    for (name, bytes) in [
        ("good.pdf", pdf(1)),
        ("broken.pdf", pdf(3)),
        ("crasher.pdf", pdf(4)),
    ] {
        let (status, answer) = upload(&anna, &entry, name, bytes).await;
        assert_eq!(status, 201, "{answer}");
    }
    let (_, list) = crate::certificates::certificates(&anna, &entry).await;
    let broken = list["items"][1]["id"].as_str().expect("id").to_owned();
    let mut damaged = pdf(3);
    damaged.truncate(60);
    replace_object(&app, &broken, &damaged).await;

    let (id, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "ready", "{view}");
    assert_eq!(view["left_out"], 2);
    assert!(marker.exists(), "the first run died");
    let bytes = download(&anna, &id).await;
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let path = path.to_str().expect("utf-8");
    assert!(tool("qpdf", &["--check", path]).0);
    let all = text(path, None);
    for expected in [
        "Certificates not included",
        "broken.pdf",
        "The file is damaged and cannot be read.",
        "crasher.pdf",
        "The file could not be read safely.",
    ] {
        assert!(all.contains(expected), "{expected:?} in the report:\n{all}");
    }
    // Only the good certificate's page follows the summary.
    let total = pages(path);
    assert!(text(path, Some(total)).contains("good.pdf"));
    assert!(text(path, Some(total)).contains("Certificate 1 of 1"));
    assert!(!text(path, Some(total - 1)).contains("Certificate 1 of"));
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.stop().await;
}
on_both_backends!(bad_certificates_are_left_out_and_named);

/// From the review: a PDF stored before the upload check knew a kind of active content
/// reached the auditor with it, since the bundle copied each page's `/Annots` and `/AA` as
/// they were. Here the stored file of a plain upload is replaced by one with scripts, web
/// and launch links, a submitting form, an attachment and an XFA form (as if uploaded
/// under older rules): the report holds none of it (our parser, qpdf), and keeps the
/// certificate's links within itself.
async fn a_stored_pdf_reaches_the_report_without_active_content(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_name(&anna, "Anna Berg").await;
    let entry = new_entry(&anna, "Tax law update").await;
    let (status, answer) = upload(&anna, &entry, "old.pdf", pdf(1)).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().expect("id").to_owned();
    replace_object(&app, &id, &server::inspect::samples::active_pdf()).await;

    let (report, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "ready", "{view}");
    assert_eq!(view["left_out"], 0, "cleaned, not left out");
    let bytes = download(&anna, &report).await;
    let doc = lopdf::Document::load_mem(&bytes).expect("the report loads");
    assert!(!server::inspect::has_active_content(&doc));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let qdf = dir.path().join("report.qdf.pdf");
    let path = path.to_str().expect("utf-8");
    let qdf = qdf.to_str().expect("utf-8");
    assert!(tool("qpdf", &["--check", path]).0);
    assert!(
        tool("qpdf", &["--list-attachments", path])
            .1
            .contains("no embedded files")
    );
    assert!(tool("qpdf", &["--qdf", "--object-streams=disable", path, qdf]).0);
    let expanded = std::fs::read(qdf).expect("the expanded report");
    for gone in [
        "/JavaScript",
        "/JS ",
        "/URI",
        "/Launch",
        "/SubmitForm",
        "/XFA",
        "/EmbeddedFiles",
        "/OpenAction",
        "/AA ",
        "/FileAttachment",
        "evil.example",
        "cmd.exe",
        "invoice.exe",
        "pretend executable",
    ] {
        assert!(
            !expanded.windows(gone.len()).any(|w| w == gone.as_bytes()),
            "{gone} reached the report"
        );
    }
    assert!(
        expanded.windows(5).any(|w| w == b"/Dest"),
        "the link within the certificate stays"
    );
    app.stop().await;
}
on_both_backends!(a_stored_pdf_reaches_the_report_without_active_content);

/// From the review: reports never counted against the firm's quota. A report that would
/// take the firm past it is not kept: it fails with a message that says what to do, and
/// no object is left; a firm already full is told so when it asks for one.
async fn a_report_that_does_not_fit_the_quota_is_refused(backend: Backend) {
    let app = TestApp::spawn_with_vars(backend, &[("FIRM_STORAGE_QUOTA_MB", "1")]).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_name(&anna, "Anna Berg").await;
    let entry = new_entry(&anna, "Course").await;
    let (status, answer) = upload(&anna, &entry, "intyg.pdf", pdf(1)).await;
    assert_eq!(status, 201, "{answer}");
    let before = objects(&app).await;
    // The firm has 1 000 bytes left: any report is larger.
    sqlx::query("UPDATE certificates SET size_bytes = 1048576 - 1000")
        .execute(&app.db().pool)
        .await
        .expect("nearly fill the quota");

    let (_, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(view["problem"], "quota", "{view}");
    assert_eq!(objects(&app).await, before, "the report's file was removed");
    let page = anna.page("/reports").await;
    assert!(
        page.contains("The report did not fit in your firm&#x27;s storage")
            || page.contains("The report did not fit in your firm's storage"),
        "{page}"
    );
    assert!(page.contains("Delete reports you no longer need"), "{page}");

    // A firm already at its quota is told before anything is made.
    sqlx::query("UPDATE certificates SET size_bytes = 1048576")
        .execute(&app.db().pool)
        .await
        .expect("fill the quota");
    let refused = anna
        .form(
            "/api/reports/create_report",
            &[("year", "2026"), ("language", "en")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("storage is full"), "{body}");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "report.failed"),
        "the failure is audited"
    );
    app.stop().await;
}
on_both_backends!(a_report_that_does_not_fit_the_quota_is_refused);

/// A report whose instance stopped (no sign of life for two minutes) is marked failed when
/// its person looks, and can be made again; one another instance is still making (alive)
/// is left alone, and keeps its person to one report at a time.
async fn reports_cut_off_by_a_stopped_instance_are_failed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let bertil = app.signed_in_browser("bertil@other.se").await;
    let now = app::backend::db::now_micros();
    for (email, id, alive) in [
        (
            "anna@firm.se",
            "01900000-0000-7000-8000-00000000000a",
            now - 300_000_000,
        ),
        (
            "bertil@other.se",
            "01900000-0000-7000-8000-00000000000b",
            now,
        ),
    ] {
        sqlx::query(
            "INSERT INTO reports (id, user_id, firm_id, year, language, status, steps_total, created_at_us, alive_at_us) \
             SELECT $1, id, firm_id, 2026, 'en', 'running', 3, $2, $3 FROM users WHERE email_index = $4",
        )
        .bind(id)
        .bind(alive)
        .bind(alive)
        .bind(crate::helpers::email_index(email))
        .execute(&app.db().pool)
        .await
        .expect("a report in the making");
    }
    let list: Value = anna
        .form("/api/reports/list_reports", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["status"], "failed", "{list}");
    assert_eq!(list["items"][0]["problem"], "interrupted");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "report.failed")
    );
    let (_, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "ready");

    let list: Value = bertil
        .form("/api/reports/list_reports", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["status"], "running", "{list}");
    let again = bertil
        .form(
            "/api/reports/create_report",
            &[("year", "2026"), ("language", "en")],
        )
        .await;
    assert_eq!(again.status(), 422);
    app.stop().await;
}
on_both_backends!(reports_cut_off_by_a_stopped_instance_are_failed);

/// One word on a page as pdftotext sees it (poppler's own Helvetica metrics, not ours).
struct Word {
    page_width: f32,
    x_min: f32,
    x_max: f32,
    text: String,
}

fn words(path: &str) -> Vec<Word> {
    let (ok, xhtml) = tool("pdftotext", &["-bbox", path, "-"]);
    assert!(ok, "pdftotext -bbox");
    let attr = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        let end = start + tag[start..].find('"').expect("quote");
        tag[start..end].parse().expect("a number")
    };
    let mut page_width = 0.0;
    let mut out = Vec::new();
    for line in xhtml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page_width = attr(line, "width");
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let (tag, text) = rest.split_once('>').expect("a word");
            out.push(Word {
                page_width,
                x_min: attr(tag, "xMin"),
                x_max: attr(tag, "xMax"),
                text: text
                    .trim_end_matches("</word>")
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            });
        }
    }
    out
}

async fn a_long_unbroken_word_wraps_inside_its_column(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_name(&anna, "Åsa Öberg").await;
    // The longest title and provider the log takes, each one word: letters wider than the
    // old metrics thought (æ, ø, …, —) and the widest ASCII letter.
    let title: String = "Æøå…æ—".chars().cycle().take(200).collect();
    let provider = "W".repeat(200);
    let created = anna
        .form(
            "/api/log/create_entry",
            &[
                ("date", "2026-03-01"),
                ("title", title.as_str()),
                ("provider", provider.as_str()),
                ("hours", "3"),
                ("category", "teacher-led"),
                ("topic", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let (id, view) = make_report(&anna, "en").await;
    assert_eq!(view["status"], "ready", "{view}");
    let bytes = download(&anna, &id).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let path = path.to_str().expect("utf-8");
    let (ok, check) = tool("qpdf", &["--check", path]);
    assert!(ok, "qpdf --check: {check}");

    let words = words(path);
    // Nothing crosses the right margin (56 pt) on any page.
    for w in &words {
        assert!(
            w.x_max <= w.page_width - 56.0 + 0.5,
            "{:?} ends at {} of {}",
            w.text,
            w.x_max,
            w.page_width
        );
    }
    // Each word comes out whole, in order, over several lines that stay in their column:
    // the title's from 114 pt to 264 pt, the provider's from 268 pt to 368 pt.
    for (word, from, to) in [(&title, 114.0, 264.0), (&provider, 268.0, 368.0)] {
        let lines: Vec<&Word> = words
            .iter()
            .filter(|w| w.text.chars().all(|c| word.contains(c)))
            .collect();
        assert!(lines.len() > 5, "{word} over several lines");
        assert_eq!(
            lines.iter().map(|w| w.text.as_str()).collect::<String>(),
            *word,
            "every character of the word"
        );
        for line in &lines {
            assert!(
                line.x_min >= from - 0.5 && line.x_max <= to + 0.5,
                "{:?} from {} to {}",
                line.text,
                line.x_min,
                line.x_max
            );
        }
    }
    // pdftotext's own layout shows the word broken over lines, not cut short.
    let layout = tool("pdftotext", &["-layout", path, "-"]).1;
    assert!(
        layout.lines().filter(|l| l.contains("WWWW")).count() > 5,
        "{layout}"
    );
    app.stop().await;
}
on_both_backends!(a_long_unbroken_word_wraps_inside_its_column);

/// Today (UTC) as the server sees it.
fn today() -> domain::Date {
    domain::Date::from_unix_days(app::backend::db::now_micros().div_euclid(86_400 * 1_000_000))
}

/// The report tells the auditor what kind of hours are missing and that a course logged
/// ahead of today is not counted yet, as the dashboard does.
async fn the_report_says_what_is_missing_and_what_is_not_counted_yet(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let today = today();
    let year = today.year();
    let first = domain::Date::first_of_year(year).to_string();
    let last = domain::Date::last_of_year(year);
    // 25 general hours so far this year: the total is met, neither subject minimum is;
    // and one course logged ahead, on the year's last day (when today is not that day).
    let ahead = today < last;
    let mut person = app
        .person("sean@firm.ie")
        .named("Seán Ó Briain")
        .title("other")
        .rule_set("ie-solicitor")
        .course(&first, "Litigation update", "12.5")
        .course(&first, "Company law", "12.5");
    if ahead {
        let last = last.to_string();
        person = person.course_with(
            &last,
            "Wellbeing for lawyers",
            "3",
            "teacher-led",
            "wellbeing",
        );
    }
    let sean = person.create().await.browser;
    let (id, view) = make_report_of(&sean, year, "en").await;
    assert_eq!(view["status"], "ready", "{view}");
    let bytes = download(&sean, &id).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let path = path.to_str().expect("utf-8");
    assert!(tool("qpdf", &["--check", path]).0);
    // pdftotext breaks lines where the report does: compare with the spaces folded.
    let all = text(path, None)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Seán Ó Briain",
        "8 h still needed by 31 Dec",
        "5 h of professional development and wellbeing",
        "3 h of client care and professional standards",
    ] {
        assert!(all.contains(expected), "{expected:?} in the report:\n{all}");
    }
    if ahead {
        assert!(
            all.contains("1 course dated after today is not counted yet: 3 h on 31 Dec"),
            "the course logged ahead is announced:\n{all}"
        );
        assert!(
            !all.contains("Wellbeing for lawyers"),
            "not in the counted courses"
        );
    }
    app.stop().await;
}
on_both_backends!(the_report_says_what_is_missing_and_what_is_not_counted_yet);
