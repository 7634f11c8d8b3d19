//! Certificates over HTTP on both databases (local encrypted storage): upload, the checks
//! that refuse everything but real PDFs, JPEGs and PNGs, opening through links that
//! expire, isolation between people and firms, deletion, and the audit trail.

use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use server::inspect::samples::{jpeg, pdf, pdf_of_size, png, png_bomb};

/// Adds an entry for `browser` and returns its id.
pub async fn new_entry(browser: &Browser, title: &str) -> String {
    let fields = [
        ("date", "2026-03-01"),
        ("title", title),
        ("provider", "Advokatsamfundet"),
        ("hours", "3"),
        ("category", "teacher-led"),
        ("verifiable", "on"),
        ("topic", ""),
        ("notes", ""),
    ];
    let created = browser.form("/api/log/create_entry", &fields).await;
    assert!(created.status().is_success(), "{}", created.status());
    let log: Value = browser
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .rev()
        .find(|e| e["title"] == title)
        .and_then(|e| e["id"].as_str())
        .expect("the new entry")
        .to_owned()
}

/// A one-page PDF sent as the page's script sends it; the whole response (for its headers).
async fn upload_response(browser: &Browser, entry: &str, name: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(pdf(1)).file_name(name.to_owned());
    browser
        .client
        .post(browser.url("/certificates/upload"))
        .header("accept", "application/json")
        .multipart(
            reqwest::multipart::Form::new()
                .text("entry", entry.to_owned())
                .part("file", part),
        )
        .send()
        .await
        .expect("upload")
}

/// Uploads one file as the page's script does; returns the status and the JSON answer.
pub async fn upload(browser: &Browser, entry: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new()
        .text("entry", entry.to_owned())
        .part("file", part);
    let response = browser
        .client
        .post(browser.url("/certificates/upload"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn certificates(browser: &Browser, entry: &str) -> (u16, Value) {
    let response = browser
        .form("/api/certificates/list_certificates", &[("entry", entry)])
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn objects(app: &TestApp) -> Vec<String> {
    let state = &app.server.as_ref().expect("running").state;
    let mut keys: Vec<String> = state
        .storage
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    keys.sort();
    keys
}

async fn rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&app.db().pool)
        .await
        .expect("count")
}

/// Follows `/certificates/{id}/open` to the signed link it issues.
pub async fn link(browser: &Browser, id: &str, query: &str) -> String {
    let response = browser
        .get(&format!("/certificates/{id}/open{query}"))
        .await;
    assert_eq!(response.status(), 303, "open {id}");
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    if location.starts_with('/') {
        browser.url(&location)
    } else {
        location
    }
}

fn spools(app: &TestApp) -> usize {
    std::fs::read_dir(app.dir.path().join("objects/.incoming"))
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn certificates_are_checked_stored_opened_and_deleted(backend: Backend) {
    let app = TestApp::spawn_with_vars(backend, &[("UPLOAD_MAX_BYTES", "262144")]).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Arbitration day").await;

    let certificate = pdf(2);
    let (status, answer) = upload(&anna, &entry, "intyg.pdf", certificate.clone()).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["status"], "stored");
    let photo = jpeg(640, 480);
    let (status, answer) = upload(&anna, &entry, "photo.jpg", photo.clone()).await;
    assert_eq!(status, 201, "{answer}");

    let (status, list) = certificates(&anna, &entry).await;
    assert_eq!(status, 200);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["file_name"], "intyg.pdf");
    assert_eq!(items[0]["pages"], 2);
    assert_eq!(items[0]["mime"], "application/pdf");
    assert_eq!(items[1]["mime"], "image/jpeg");
    assert_eq!(items[1]["width"], 640);
    assert_eq!(list["max_mb"], 1);
    let pdf_id = items[0]["id"].as_str().expect("id").to_owned();
    let photo_id = items[1]["id"].as_str().expect("id").to_owned();

    // The log shows how many files each entry has.
    let log: Value = anna
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["certificates"][&entry], 2);

    // Another site cannot make a signed-in browser upload.
    let forged = anna
        .client
        .post(anna.url("/certificates/upload"))
        .header("sec-fetch-site", "cross-site")
        .multipart(
            reqwest::multipart::Form::new()
                .text("entry", entry.clone())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(pdf(3)).file_name("x.pdf"),
                ),
        )
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
    assert_eq!(rows(&app).await, 2);

    // The same file again on this entry: told, not stored twice.
    let (status, answer) = upload(&anna, &entry, "copy.pdf", certificate.clone()).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("already_attached"))
    );
    assert_eq!(rows(&app).await, 2);
    // On another entry it is stored, and the person is told where it also is.
    let other_entry = new_entry(&anna, "Ethics seminar").await;
    let (status, answer) = upload(&anna, &other_entry, "intyg.pdf", certificate.clone()).await;
    assert_eq!(status, 201);
    assert!(
        answer["message"]
            .as_str()
            .expect("message")
            .contains("Arbitration day")
    );

    // Everything else is refused, says why, and leaves nothing behind.
    let before = (rows(&app).await, objects(&app).await);
    let good_png = png(300, 200);
    let mut late_pdf = b"\n".to_vec();
    late_pdf.extend(pdf(1));
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.resize(5000, 0x90);
    let refusals: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "page.pdf",
            b"<!DOCTYPE html><html><body>%PDF-1.7</body></html>".to_vec(),
            "not_accepted",
            "PDF, JPEG and PNG",
        ),
        ("late.pdf", late_pdf, "not_accepted", "PDF, JPEG and PNG"),
        ("setup.exe", exe, "not_accepted", "PDF, JPEG and PNG"),
        (
            "cut.png",
            good_png[..good_png.len() / 2].to_vec(),
            "damaged",
            "damaged or incomplete",
        ),
        (
            "bomb.png",
            png_bomb(50_000, 50_000),
            "too_many_pixels",
            "megapixels",
        ),
        (
            "huge.pdf",
            pdf_of_size(400_000),
            "too_large",
            "larger than 1 MB",
        ),
        ("empty.pdf", Vec::new(), "not_accepted", "PDF, JPEG and PNG"),
    ];
    for (name, bytes, code, says) in refusals {
        let (status, answer) = upload(&anna, &entry, name, bytes).await;
        assert_eq!(status, 422, "{name}: {answer}");
        assert_eq!(answer["code"], code, "{name}");
        let message = answer["message"].as_str().expect("message");
        assert!(message.contains(says), "{name}: {message}");
    }
    assert_eq!((rows(&app).await, objects(&app).await), before);
    assert_eq!(spools(&app), 0, "no spool left behind");

    // Opening: a fresh signed link, the original bytes, never cached.
    let url = link(&anna, &pdf_id, "").await;
    assert!(url.contains("/files/") && url.contains("sig="), "{url}");
    let response = anna.client.get(&url).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("inline; filename=\"intyg.pdf\"")
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        certificate.as_slice()
    );
    let download = link(&anna, &photo_id, "?d=attachment").await;
    let response = reqwest::get(&download).await.expect("GET");
    assert_eq!(
        response.status(),
        200,
        "the link alone opens it: no session needed"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        photo.as_slice()
    );

    // At rest the files are sealed: no plaintext on disk.
    for key in objects(&app).await {
        let sealed = std::fs::read(app.dir.path().join("objects").join(&key)).expect("object");
        assert!(
            !sealed.windows(5).any(|w| w == b"%PDF-"),
            "{key} is encrypted at rest"
        );
    }

    // Another firm sees nothing, uploads nothing, opens nothing.
    let eve = app.signed_in_browser("eve@other.se").await;
    assert_eq!(certificates(&eve, &entry).await.0, 404);
    assert_eq!(
        eve.get(&format!("/certificates/{pdf_id}/open"))
            .await
            .status(),
        404
    );
    let (status, _) = upload(&eve, &entry, "x.pdf", pdf(1)).await;
    assert_eq!(status, 404);
    let gone = eve
        .form("/api/certificates/delete_certificate", &[("id", &pdf_id)])
        .await;
    assert_eq!(gone.status(), 404);
    assert_eq!(rows(&app).await, 3);
    // Signed out: to sign-in.
    let anonymous = app.browser();
    let response = anonymous.get(&format!("/certificates/{pdf_id}/open")).await;
    assert!(
        response.headers()["location"]
            .to_str()
            .expect("ascii")
            .starts_with("/sign-in")
    );

    // Without JavaScript the form posts every file and comes back to the entry.
    let form = reqwest::multipart::Form::new()
        .text("entry", entry.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(png(50, 50)).file_name("scan.png"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"GIF89a".to_vec()).file_name("anim.gif"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let response = anna
        .client
        .post(anna.url("/certificates/upload"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("POST");
    // Answered with the entry's page itself, the outcome in it (nothing in a URL).
    assert_eq!(response.status(), 422);
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.expect("body");
    assert!(
        page.contains("Certificates attached: 1"),
        "the page says what happened"
    );
    assert!(page.contains("anim.gif: "), "{page}");
    assert!(page.contains("only PDF, JPEG and PNG files are accepted"));
    assert!(page.contains("scan.png") && page.contains("intyg.pdf"));

    // Deleting removes the row and the object; the old link dies with it.
    let old_link = link(&anna, &pdf_id, "").await;
    let objects_before = objects(&app).await.len();
    let deleted = anna
        .form("/api/certificates/delete_certificate", &[("id", &pdf_id)])
        .await;
    assert!(deleted.status().is_success());
    // The file waits out the undo window, then goes.
    app.finalize_deletions().await;
    assert_eq!(objects(&app).await.len(), objects_before - 1);
    assert_eq!(
        anna.client
            .get(&old_link)
            .send()
            .await
            .expect("GET")
            .status(),
        404
    );
    // Deleting the entry takes its certificates along.
    let deleted = anna.form("/api/log/delete_entry", &[("id", &entry)]).await;
    assert!(deleted.status().is_success());
    let (_, list) = certificates(&anna, &other_entry).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
    assert_eq!(rows(&app).await, 1);
    app.finalize_deletions().await;
    assert_eq!(objects(&app).await.len(), 1);

    let actions = app.audit_actions().await;
    for action in [
        "certificate.uploaded",
        "certificate.refused",
        "certificate.link_issued",
        "certificate.deleted",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "certificate.refused")
            .count(),
        8,
        "each refused file is a security event"
    );
    app.stop().await;
}
on_both_backends!(certificates_are_checked_stored_opened_and_deleted);

/// A worker that fails in any way (crash, nonsense, nothing) refuses the file; the
/// server carries on.
async fn a_failing_worker_refuses_and_the_server_carries_on(backend: Backend) {
    for command in ["/bin/false", "/bin/echo"] {
        let app = TestApp::spawn_with_vars(backend, &[("INSPECT_COMMAND", command)]).await;
        let anna = app.signed_in_browser("anna@firm.se").await;
        let entry = new_entry(&anna, "Course").await;
        let (status, answer) = upload(&anna, &entry, "intyg.pdf", pdf(1)).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (422, Some("unreadable")),
            "{command}"
        );
        assert_eq!(rows(&app).await, 0);
        assert!(objects(&app).await.is_empty());
        assert_eq!(app.get("/readyz").await.status(), 200);
        app.stop().await;
    }
}
on_both_backends!(a_failing_worker_refuses_and_the_server_carries_on);

/// From the review: uploads had no concurrency cap, rate limit or quota. Workers beyond
/// `UPLOAD_WORKERS` wait, then get 503 with Retry-After; a person's uploads are rate-limited;
/// a firm's storage has a quota, shown to its owners.
async fn uploads_are_capped_in_parallel_per_person_and_per_firm(backend: Backend) {
    let app = TestApp::spawn_with_vars(
        backend,
        &[("UPLOAD_WORKERS", "1"), ("FIRM_STORAGE_QUOTA_MB", "1")],
    )
    .await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Quota course").await;
    // The quota: 600 KB fits in 1 MB, a second 600 KB does not, and nothing is stored.
    let (status, _) = upload(&anna, &entry, "one.pdf", pdf_of_size(600_000)).await;
    assert_eq!(status, 201);
    let (status, body) = upload(&anna, &entry, "two.pdf", pdf_of_size(610_000)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "quota_full", "{body}");
    assert_eq!(rows(&app).await, 1);
    let settings = anna.page("/firm/settings").await;
    assert!(
        settings.contains("Storage used by certificates and reports"),
        "{settings}"
    );
    assert!(
        settings.contains("of 1.0 MB") || settings.contains("of 1 MB"),
        "{settings}"
    );

    // Every worker busy (here: the one slot held): the upload waits, then is turned away.
    let state = &app.server.as_ref().expect("running").state;
    let held = state
        .upload_slots
        .clone()
        .acquire_owned()
        .await
        .expect("slot");
    let started = std::time::Instant::now();
    let response = upload_response(&anna, &entry, "busy.pdf").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(9),
        "it queued first"
    );
    drop(held);

    // A person's rate: past 60 uploads in ten minutes, 429 with Retry-After.
    let user: String = sqlx::query_scalar(&format!(
        "SELECT id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("user");
    let now = app::backend::db::now_micros();
    for i in 0..60 {
        sqlx::query("INSERT INTO rate_events (bucket, at_us) VALUES ($1, $2)")
            .bind(format!("upload-user:{user}"))
            .bind(now - i)
            .execute(&app.db().pool)
            .await
            .expect("events");
    }
    let response = upload_response(&anna, &entry, "many.pdf").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(rows(&app).await, 1);
    app.stop().await;
}
on_both_backends!(uploads_are_capped_in_parallel_per_person_and_per_firm);

/// From the review: photos kept their location and device in the stored file. The stored
/// (and downloaded) JPEG has no EXIF but its orientation, and still decodes.
async fn a_photo_is_stored_without_its_metadata(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Photo course").await;
    // A real JPEG with a phone's EXIF block: orientation 6, a GPS pointer, a serial number.
    let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, kind, value) in [(0x0112u16, 3u16, 6u32), (0x8825, 4, 0x40)] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPS 59.3293N 18.0686E SERIAL-XZ-1234");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let plain = jpeg(64, 48);
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&u16::try_from(app1.len() + 2).expect("small").to_be_bytes());
    photo.extend(app1);
    photo.extend_from_slice(&plain[2..]);
    let (status, body) = upload(&anna, &entry, "photo.jpg", photo).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    let url = link(&anna, &id, "?d=attachment").await;
    let stored = anna.client.get(url).send().await.expect("download");
    assert_eq!(stored.status(), 200);
    let stored = stored.bytes().await.expect("bytes").to_vec();
    let has = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"GPS") && !has(b"SERIAL"), "the metadata is gone");
    let at = stored
        .windows(6)
        .position(|w| w == b"Exif\0\0")
        .expect("orientation block");
    assert_eq!(
        app::backend::storage::jpeg_scrub::exif_orientation(&stored[at + 6..]),
        Some(6)
    );
    let decoded = image::load_from_memory(&stored).expect("still a picture");
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
    app.stop().await;
}
on_both_backends!(a_photo_is_stored_without_its_metadata);

/// From the review: the quota was read, then the file stored, so uploads in parallel that
/// each fit alone all passed the check. Now it is decided under the firm's lock as each
/// row is committed: 8 uploads of about 300 KB at once into a 1 MB quota store at most 3,
/// the rest are refused as over quota, and no object is left without its row.
async fn parallel_uploads_never_take_a_firm_past_its_quota(backend: Backend) {
    let app = TestApp::spawn_with_vars(
        backend,
        &[("UPLOAD_WORKERS", "8"), ("FIRM_STORAGE_QUOTA_MB", "1")],
    )
    .await;
    let quota: i64 = 1024 * 1024;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Quota race").await;
    let files: Vec<(usize, Vec<u8>)> = (0..8).map(|i| (i, pdf_of_size(300_000 + i))).collect();
    let results = futures_util::future::join_all(files.into_iter().map(|(i, bytes)| {
        let (anna, entry) = (&anna, &entry);
        async move { upload(anna, entry, &format!("file-{i}.pdf"), bytes).await }
    }))
    .await;
    let stored = results.iter().filter(|(status, _)| *status == 201).count();
    for (status, body) in &results {
        assert!(
            *status == 201 || (*status == 422 && body["code"] == "quota_full"),
            "{status} {body}"
        );
    }
    let used: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM certificates")
            .fetch_one(&app.db().pool)
            .await
            .expect("sum");
    assert!(used <= quota, "{used} bytes stored for a quota of {quota}");
    assert_eq!(stored, 3, "as many as fit: {results:?}");
    assert_eq!(rows(&app).await, 3);
    assert_eq!(
        objects(&app).await.len(),
        3,
        "refused files leave no object"
    );
    app.stop().await;
}
on_both_backends!(parallel_uploads_never_take_a_firm_past_its_quota);

/// Every dead end a person can reach with a file link is an app page in their language
/// with a way on, never the browser's blank 403/404: another firm's certificate, a link
/// with a changed character, an unknown address; and a signed-in person is offered their
/// dashboard, not "Sign in".
async fn file_dead_ends_are_app_pages_with_a_way_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Course").await;
    let (status, answer) = upload(&anna, &entry, "intyg.pdf", pdf(1)).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["certificate"]["id"]
        .as_str()
        .or(answer["id"].as_str())
        .expect("id")
        .to_owned();
    let url = link(&anna, &id, "").await;

    let eve = app.signed_in_browser("eve@other.se").await;
    let other = eve.get(&format!("/certificates/{id}/open")).await;
    assert_eq!(other.status(), 404);
    let page = other.text().await.expect("body");
    assert!(
        page.contains("<h1") && page.contains("Page not found"),
        "{page}"
    );
    assert!(page.contains(r#"href="/dashboard""#), "a way on: {page}");
    assert!(
        !page.contains(r#"href="/sign-in""#),
        "not offered to sign in again: {page}"
    );

    let tampered = url.replacen("sig=", "sig=0", 1);
    let response = reqwest::get(&tampered).await.expect("GET");
    assert_eq!(response.status(), 403);
    let page = response.text().await.expect("body");
    assert!(page.contains("This link has expired"), "{page}");
    assert!(
        page.contains(r#"href="/sign-in""#),
        "signed out: a way in: {page}"
    );

    // In Swedish, for a Swedish browser.
    let response = reqwest::Client::new()
        .get(&tampered)
        .header("accept-language", "sv-SE,sv;q=0.9")
        .send()
        .await
        .expect("GET");
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Länken har slutat gälla")
    );

    let unknown = anna.get("/no/such/page").await;
    assert_eq!(unknown.status(), 404);
    let page = unknown.text().await.expect("body");
    assert!(
        page.contains(r#"href="/dashboard""#) && !page.contains(r#"href="/sign-in""#),
        "{page}"
    );
    app.stop().await;
}
on_both_backends!(file_dead_ends_are_app_pages_with_a_way_on);

/// Deleting asks first (a disclosure, no JavaScript needed), then can be undone for ten
/// minutes by the person alone: a course comes back with its certificates and their files;
/// after the window the purge makes it final and removes the files. Audited throughout.
async fn deletions_are_confirmed_undoable_then_final(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Arbitration day").await;
    let (status, _) = upload(&anna, &entry, "intyg.pdf", pdf(1)).await;
    assert_eq!(status, 201);
    let page = anna.page("/log?year=2026").await;
    assert!(page.contains("<details"), "asks first: {page}");
    assert!(
        page.contains("Delete “Arbitration day” and its certificate?"),
        "{page}"
    );

    let deleted = anna.form("/api/log/delete_entry", &[("id", &entry)]).await;
    assert!(deleted.status().is_success() || deleted.status().is_redirection());
    let log: Value = anna
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(0));
    assert_eq!(rows(&app).await, 0, "its certificate went with it");
    assert_eq!(
        objects(&app).await.len(),
        1,
        "the file waits for the undo window"
    );
    let offers: Value = anna
        .form("/api/log/undo_offers", &[])
        .await
        .json()
        .await
        .expect("json");
    let batch = offers[0]["batch"].as_str().expect("an offer").to_owned();
    assert_eq!(offers[0]["label"], "Arbitration day");
    let page = anna.page("/log?year=2026").await;
    assert!(
        page.contains("Deleted: “Arbitration day”.") && page.contains(">Undo<"),
        "{page}"
    );

    // Nobody else can see or undo it.
    let eve = app.signed_in_browser("eve@other.se").await;
    let theirs: Value = eve
        .form("/api/log/undo_offers", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs, serde_json::json!([]));
    assert_eq!(
        eve.form("/api/log/undo_deletion", &[("batch", &batch)])
            .await
            .status(),
        404
    );

    let undone = anna
        .form("/api/log/undo_deletion", &[("batch", &batch)])
        .await;
    assert!(
        undone.status().is_success() || undone.status().is_redirection(),
        "{}",
        undone.status()
    );
    let log: Value = anna
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["entries"][0]["title"], "Arbitration day");
    assert_eq!(rows(&app).await, 1, "its certificate is back");
    let (status, list) = certificates(&anna, &entry).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    // Twice is once.
    assert_eq!(
        anna.form("/api/log/undo_deletion", &[("batch", &batch)])
            .await
            .status(),
        404
    );

    // Deleted again and left past the window: final, the file removed.
    anna.form("/api/log/delete_entry", &[("id", &entry)]).await;
    let state = app.server.as_ref().expect("running").state.clone();
    let later = app::backend::db::now_micros() + (app::backend::undo::UNDO_SECS + 1) * 1_000_000;
    assert_eq!(
        app::backend::undo::purge_expired(&state, later)
            .await
            .expect("purge"),
        1
    );
    assert!(objects(&app).await.is_empty());
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deletions")
        .fetch_one(&state.db.pool)
        .await
        .expect("count");
    assert_eq!(waiting, 0);
    let offers: Value = anna
        .form("/api/log/undo_offers", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(offers, serde_json::json!([]));
    let actions = app.audit_actions().await;
    for action in [
        "log.entry_deleted",
        "certificate.deleted",
        "deletion.undone",
        "deletion.final",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    app.stop().await;
}
on_both_backends!(deletions_are_confirmed_undoable_then_final);

/// The plain-form upload is answered with the entry's page and its outcome; the URL that
/// once carried it (`?refused=…&refused_file=…`) puts no text on the page any more.
async fn the_upload_outcome_never_comes_from_the_url(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Course").await;
    let crafted = format!(
        "/log/entry/{entry}?uploaded=9&refused=too_large&refused_file=Call%20us%20on%20%2B46&also_on=Fake%20course&failed=1"
    );
    let page = anna.page(&crafted).await;
    assert!(
        !page.contains("Call us on") && !page.contains("Fake course"),
        "{page}"
    );
    assert!(!page.contains("role=\"alert\""), "{page}");
    // A real plain-form upload: the answer is the page with the outcome.
    let form = reqwest::multipart::Form::new()
        .text("entry", entry.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf(1)).file_name("intyg.pdf"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"<html>%PDF-1.7</html>".to_vec())
                .file_name("fake.pdf"),
        );
    let response = anna
        .client
        .post(anna.url("/certificates/upload"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("fake.pdf: ") && page.contains("intyg.pdf"),
        "{page}"
    );
    app.stop().await;
}
on_both_backends!(the_upload_outcome_never_comes_from_the_url);

/// A double-clicked delete (two requests at once, each on its own connection) deletes once:
/// the course and its certificate wait in exactly one batch, and after Undo and the purge
/// the restored certificate's file is still there.
async fn a_double_delete_keeps_one_copy_and_the_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    for round in 0..10 {
        let entry = new_entry(&anna, &format!("Course {round}")).await;
        let (status, answer) = upload(&anna, &entry, "intyg.pdf", pdf(round + 1)).await;
        assert_eq!(status, 201, "{answer}");
        let fields = [("id", entry.as_str())];
        let (a, b) = tokio::join!(
            anna.form("/api/log/delete_entry", &fields),
            anna.form("/api/log/delete_entry", &fields)
        );
        let ok = [a.status(), b.status()]
            .iter()
            .filter(|s| s.is_success() || s.is_redirection())
            .count();
        assert!(ok >= 1, "one of them deletes");
        let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM entries_deleted WHERE id = $1")
            .bind(&entry)
            .fetch_one(&app.db().pool)
            .await
            .expect("count");
        assert_eq!(copies, 1, "round {round}: the course waits once");
        let certs: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM certificates_deleted WHERE entry_id = $1")
                .bind(&entry)
                .fetch_one(&app.db().pool)
                .await
                .expect("count");
        assert_eq!(certs, 1, "round {round}: its certificate waits once");
    }
    // Undo every one, then purge: every file is still there for its restored row.
    let offers: Value = anna
        .form("/api/log/undo_offers", &[])
        .await
        .json()
        .await
        .expect("json");
    for offer in offers.as_array().expect("offers") {
        let batch = offer["batch"].as_str().expect("batch");
        anna.form("/api/log/undo_deletion", &[("batch", batch)])
            .await;
    }
    app.finalize_deletions().await;
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert_eq!(
        usize::try_from(live).expect("count"),
        objects(&app).await.len()
    );
    app.stop().await;
}
on_both_backends!(a_double_delete_keeps_one_copy_and_the_file);
