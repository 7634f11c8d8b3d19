//! One storage suite, run on both backends: the local encrypted directory and a real
//! S3-compatible server (Garage, started by `make test`; `TEST_S3_URL`). Links work
//! until they expire, fail when any character changes, never open another firm's object;
//! deletion removes the object; the sweep removes objects without a row.

use crate::certificates::{link, new_entry, objects, upload};
use crate::helpers::{Backend, TestApp};
use app::backend::storage::data_key::DataKey;
use app::backend::storage::spool::SpoolWriter;
use server::inspect::samples::{jpeg, pdf};

#[derive(Debug, Clone, Copy)]
pub enum Store {
    Local,
    S3,
}

/// Runs an `async fn(Store)` test on both storage backends, as `NAME::local` and `NAME::s3`.
#[macro_export]
macro_rules! on_both_storages {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn local() {
                super::$name($crate::storage::Store::Local).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn s3() {
                if $crate::storage::s3_given(concat!(module_path!(), "::s3")) {
                    super::$name($crate::storage::Store::S3).await
                }
            }
        }
    };
}

/// Whether an S3 server was given (`TEST_S3_URL`); like PostgreSQL (`postgres_given`), a
/// test without one says it was skipped, unless `REQUIRE_S3=1` (as `make test` sets).
pub fn s3_given(test: &str) -> bool {
    if std::env::var_os("TEST_S3_URL").is_some() {
        return true;
    }
    if std::env::var_os("REQUIRE_S3").is_some() {
        s3_settings();
    }
    eprintln!("{test}: SKIPPED, no S3 server given (set TEST_S3_URL, or run `make test`)");
    false
}

fn s3_settings() -> (String, String, String) {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set. Run `make test`, which starts a throwaway Garage (scripts/garage.sh).")
        })
    };
    (
        var("TEST_S3_URL"),
        var("TEST_S3_KEY_ID"),
        var("TEST_S3_SECRET"),
    )
}

async fn spawn(store: Store, ttl: &str) -> TestApp {
    match store {
        Store::Local => {
            TestApp::spawn_with_vars(Backend::Sqlite, &[("SIGNED_URL_TTL_SECS", ttl)]).await
        }
        Store::S3 => {
            let (url, id, secret) = s3_settings();
            TestApp::spawn_with_vars(
                Backend::Sqlite,
                &[
                    ("STORAGE_URL", &url),
                    ("AWS_ACCESS_KEY_ID", &id),
                    ("AWS_SECRET_ACCESS_KEY", &secret),
                    ("SIGNED_URL_TTL_SECS", ttl),
                ],
            )
            .await
        }
    }
}

/// A link with one character of its signature changed.
fn tampered(url: &str) -> String {
    let at = url
        .find("sig=")
        .map(|i| i + 4)
        .or_else(|| url.find("X-Amz-Signature=").map(|i| i + 16))
        .expect("a signature in the link");
    let mut bytes = url.as_bytes().to_vec();
    bytes[at + 3] = if bytes[at + 3] == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).expect("ascii")
}

fn refused(status: u16) -> bool {
    // Garage answers an expired presigned link with 400, AWS and we with 403.
    matches!(status, 400 | 403 | 404)
}

async fn the_storage_suite(store: Store) {
    let app = spawn(store, "3").await;
    let ours = objects(&app).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Tax law update").await;
    let photo = jpeg(800, 600);
    let (status, answer) = upload(&anna, &entry, "kursintyg.jpg", photo.clone()).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().expect("id").to_owned();
    let (status, _) = upload(&anna, &entry, "program.pdf", pdf(2)).await;
    assert_eq!(status, 201);
    let stored: Vec<String> = objects(&app)
        .await
        .into_iter()
        .filter(|k| !ours.contains(k))
        .collect();
    assert_eq!(stored.len(), 2, "{stored:?}");

    // Before it expires the link opens the file, as its type and under its name.
    let client = reqwest::Client::new();
    let url = link(&anna, &id, "").await;
    let response = client.get(&url).send().await.expect("GET");
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("kursintyg.jpg")
    );
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        photo.as_slice()
    );

    // Any changed character refuses it.
    assert!(refused(
        client
            .get(tampered(&url))
            .send()
            .await
            .expect("GET")
            .status()
            .as_u16()
    ));
    let other_key = url.replacen(&id, "019ac0de-0000-7000-8000-000000000000", 1);
    assert_ne!(other_key, url);
    assert!(refused(
        client
            .get(&other_key)
            .send()
            .await
            .expect("GET")
            .status()
            .as_u16()
    ));

    // Another firm's person cannot reach it, and their own links open only their own.
    let eve = app.signed_in_browser("eve@other.se").await;
    assert_eq!(
        eve.get(&format!("/certificates/{id}/open")).await.status(),
        404
    );
    let eve_entry = new_entry(&eve, "Other course").await;
    let (_, answer) = upload(&eve, &eve_entry, "eve.pdf", pdf(1)).await;
    let eve_id = answer["id"].as_str().expect("id").to_owned();
    let eve_url = link(&eve, &eve_id, "").await;
    assert_eq!(
        client.get(&eve_url).send().await.expect("GET").status(),
        200
    );
    let anna_firm: String = sqlx::query_scalar("SELECT firm_id FROM certificates WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db().pool)
        .await
        .expect("firm");
    let eve_firm: String = sqlx::query_scalar("SELECT firm_id FROM certificates WHERE id = $1")
        .bind(&eve_id)
        .fetch_one(&app.db().pool)
        .await
        .expect("firm");
    let crossed = eve_url
        .replacen(&eve_firm, &anna_firm, 1)
        .replacen(&eve_id, &id, 1);
    assert!(
        refused(
            client
                .get(&crossed)
                .send()
                .await
                .expect("GET")
                .status()
                .as_u16()
        ),
        "{crossed}"
    );

    // After it expires it is refused.
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert!(
        refused(
            client
                .get(&url)
                .send()
                .await
                .expect("GET")
                .status()
                .as_u16()
        ),
        "expired"
    );

    // Deleting removes the object from storage.
    let deleted = anna
        .form("/api/certificates/delete_certificate", &[("id", &id)])
        .await;
    assert!(deleted.status().is_success());
    // The file waits out the undo window, then goes.
    app.finalize_deletions().await;
    let left: Vec<String> = objects(&app)
        .await
        .into_iter()
        .filter(|k| !ours.contains(k))
        .collect();
    assert_eq!(left.len(), 2, "anna's PDF and eve's PDF: {left:?}");

    // An object without a row (a crash between storing and committing) is swept.
    let state = &app.server.as_ref().expect("running").state;
    let key = format!("{anna_firm}/019ac0de-0000-7000-8000-00000000dead");
    let firm_key = DataKey::generate();
    let mut spool = SpoolWriter::create(state.storage.spool_dir(), &key, &firm_key, 1 << 20)
        .await
        .expect("spool");
    spool.write(&pdf(1)).await.expect("write");
    let spool = spool.finish().await.expect("finish");
    state
        .storage
        .put(spool, &firm_key, "application/pdf")
        .await
        .expect("put");
    assert!(objects(&app).await.contains(&key));
    // Young orphans are left alone: they may be an upload under way.
    let removed = app::backend::certificates::sweep::sweep(state, 3600)
        .await
        .expect("sweep");
    assert_eq!(removed, 0);
    // (A bucket reused across runs may hold older tests' objects: orphans here too.)
    let removed = app::backend::certificates::sweep::sweep(state, 0)
        .await
        .expect("sweep");
    assert!(removed >= 1, "{removed}");
    let after: Vec<String> = objects(&app).await;
    assert!(!after.contains(&key));
    assert_eq!(after.len(), 2, "certificates with rows stay: {after:?}");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "storage.orphans_removed")
    );
    app.stop().await;
}
on_both_storages!(the_storage_suite);
