//! One storage suite, run on both backends: the local encrypted directory and a real
//! S3-compatible server (Garage, started by `make test`; `TEST_S3_URL`). Links work
//! until they expire, fail when any character changes, never open another firm's object;
//! deletion removes the object; the sweep removes objects without a row.

use crate::certificates::{link, new_entry, objects, upload};
use crate::helpers::{Backend, TestApp};
use app::backend::storage::data_key::DataKey;
use app::backend::storage::spool::SpoolWriter;
use server::inspect::samples::{jpeg, jpeg_with_metadata, pdf, png_with_metadata};

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

/// The variables that point the binary at `store` (none for the local default).
pub fn store_vars(store: Store) -> Vec<(&'static str, String)> {
    match store {
        Store::Local => Vec::new(),
        Store::S3 => {
            let (url, id, secret) = s3_settings();
            vec![
                ("STORAGE_URL", url),
                ("AWS_ACCESS_KEY_ID", id),
                ("AWS_SECRET_ACCESS_KEY", secret),
            ]
        }
    }
}

async fn spawn(store: Store, ttl: &str) -> TestApp {
    spawn_with(store, &[("SIGNED_URL_TTL_SECS", ttl)]).await
}

pub async fn spawn_with(store: Store, vars: &[(&'static str, &str)]) -> TestApp {
    match store {
        Store::Local => TestApp::spawn_with_vars(Backend::Sqlite, vars).await,
        Store::S3 => {
            let (url, id, secret) = s3_settings();
            let mut all = vec![
                ("STORAGE_URL", url.as_str()),
                ("AWS_ACCESS_KEY_ID", id.as_str()),
                ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
            ];
            all.extend_from_slice(vars);
            TestApp::spawn_with_vars(Backend::Sqlite, &all).await
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
    let key = app::backend::storage::new_object_key(
        state.storage.as_ref(),
        &anna_firm,
        "019ac0de-0000-7000-8000-00000000dead",
    );
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
    let after: Vec<&String> = after.iter().filter(|k| !ours.contains(k)).collect();
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

/// Stores `bytes` under `key` in `store` directly, as another deployment would.
async fn put_raw(store: &app::backend::storage::Storage, key: &str, bytes: &[u8]) {
    let firm_key = DataKey::generate();
    let mut spool = SpoolWriter::create(store.spool_dir(), key, &firm_key, 1 << 20)
        .await
        .expect("spool");
    spool.write(bytes).await.expect("write");
    let spool = spool.finish().await.expect("finish");
    store
        .put(spool, &firm_key, "application/pdf")
        .await
        .expect("put");
}

/// From the review: the sweep chose by the shape of a key, so two deployments sharing a
/// bucket removed each other's files. Now every key is written under `STORAGE_PREFIX`, the
/// sweep lists only that prefix, and it removes only objects of firms its own database
/// has: objects of the same shape at the bucket's root, under another deployment's
/// prefix, and even under our prefix for a firm we do not know, all survive it.
async fn the_sweep_leaves_other_deployments_objects_alone(store: Store) {
    let app = spawn_with(store, &[("STORAGE_PREFIX", "deployment-a/")]).await;
    let state = &app.server.as_ref().expect("running").state;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Course").await;
    let (status, answer) = upload(&anna, &entry, "intyg.pdf", pdf(1)).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().expect("id").to_owned();
    let (key, firm): (String, String) =
        sqlx::query_as("SELECT object_key, firm_id FROM certificates WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.db().pool)
            .await
            .expect("the row");
    let object = app::backend::db::new_id;
    let stranger = app::backend::db::new_id();
    let bare = format!("{firm}/{}", object());
    let other_deployment = format!("deployment-b/{firm}/{}", object());
    let unknown_firm = format!("deployment-a/{stranger}/{}", object());
    let orphan = format!("deployment-a/{firm}/{}", object());
    match store {
        Store::Local => {
            assert_eq!(
                key,
                format!("{firm}/{id}"),
                "the local directory has no prefix"
            );
            // The local directory is ours alone: only the orphan is written there.
            put_raw(&state.storage, &format!("{firm}/{}", object()), &pdf(1)).await;
            let removed = app::backend::certificates::sweep::sweep(state, 0)
                .await
                .expect("sweep");
            assert_eq!(removed, 1);
            assert_eq!(objects(&app).await, vec![key]);
        }
        Store::S3 => {
            assert_eq!(
                key,
                format!("deployment-a/{firm}/{id}"),
                "written under the prefix"
            );
            // What another deployment on the same bucket holds: one without a prefix (as
            // every deployment did before STORAGE_PREFIX), one under its own.
            let mut root_vars = vec![("STORAGE_PREFIX", "")];
            let (url, key_id, secret) = s3_settings();
            root_vars.extend([
                ("STORAGE_URL", url.as_str()),
                ("AWS_ACCESS_KEY_ID", key_id.as_str()),
                ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
            ]);
            let config =
                crate::helpers::test_config_with(&app.database_url, app.dir.path(), &root_vars);
            let whole_bucket = app::backend::storage::from_config(&config)
                .await
                .expect("a store without a prefix");
            for foreign in [&bare, &other_deployment, &unknown_firm, &orphan] {
                put_raw(&whole_bucket, foreign, &pdf(1)).await;
            }
            let listed = objects(&app).await;
            assert!(
                listed.iter().all(|k| k.starts_with("deployment-a/")),
                "{listed:?}"
            );
            assert!(!listed.contains(&bare) && !listed.contains(&other_deployment));
            let removed = app::backend::certificates::sweep::sweep(state, 0)
                .await
                .expect("sweep");
            assert!(removed >= 1, "our own orphan goes");
            let left: Vec<String> = whole_bucket
                .list()
                .await
                .expect("list")
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            assert!(!left.contains(&orphan), "our orphan was removed");
            for kept in [&key, &bare, &other_deployment, &unknown_firm] {
                assert!(left.contains(kept), "{kept} survives the sweep");
            }
            // An object written before the prefix (its row holds the bare key) still opens.
            sqlx::query("UPDATE certificates SET object_key = $1 WHERE id = $2")
                .bind(&bare)
                .bind(&id)
                .execute(&app.db().pool)
                .await
                .expect("point the row at the old key");
            let url = link(&anna, &id, "").await;
            let response = reqwest::get(&url).await.expect("GET");
            assert_eq!(response.status(), 200, "{url}");
            for k in [&bare, &other_deployment, &unknown_firm] {
                whole_bucket.delete(k).await.expect("tidy up");
            }
        }
    }
    app.stop().await;
}
on_both_storages!(the_sweep_leaves_other_deployments_objects_alone);

/// The stored object of `certificate`, read back through the storage backend.
async fn stored_bytes(app: &TestApp, certificate: &str) -> Vec<u8> {
    use futures_util::StreamExt;
    let state = &app.server.as_ref().expect("running").state;
    let (key, firm): (String, String) =
        sqlx::query_as("SELECT object_key, firm_id FROM certificates WHERE id = $1")
            .bind(certificate)
            .fetch_one(&app.db().pool)
            .await
            .expect("the row");
    let mut conn = app.db().pool.acquire().await.expect("conn");
    let firm_key = app::backend::storage::firm_key::get(&mut conn, state.master_key(), &firm)
        .await
        .expect("key")
        .expect("the firm has a key");
    let mut stream = state.storage.get(&key, &firm_key).await.expect("get");
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    out
}

/// From the review: a JPEG whose header before the first scan passed 2 MiB was stored as
/// it came, metadata and all, and PNGs were not scrubbed at all. A phone photo with 3 MB of
/// extended XMP naming its GPS position, and a PNG with `eXIf`, `tEXt`, `iTXt` and `tIME`,
/// are stored without any of it, and still decode.
async fn photos_are_stored_without_metadata_however_large_their_header(store: Store) {
    let app = spawn(store, "60").await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let entry = new_entry(&anna, "Photo course").await;
    let photo = jpeg_with_metadata(640, 480, 3_000_000);
    assert!(photo.len() > 3_000_000);
    let (status, answer) = upload(&anna, &entry, "phone.jpg", photo).await;
    assert_eq!(status, 201, "{answer}");
    let jpeg_id = answer["id"].as_str().expect("id").to_owned();
    let (status, answer) = upload(&anna, &entry, "scan.png", png_with_metadata(120, 80)).await;
    assert_eq!(status, 201, "{answer}");
    let png_id = answer["id"].as_str().expect("id").to_owned();

    for (id, format, size) in [
        (&jpeg_id, image::ImageFormat::Jpeg, (640, 480)),
        (&png_id, image::ImageFormat::Png, (120, 80)),
    ] {
        let stored = stored_bytes(&app, id).await;
        let has = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
        for gone in [
            &b"GPS"[..],
            b"SERIAL",
            b"xmp",
            b"Anna",
            b"eXIf",
            b"tEXt",
            b"iTXt",
            b"tIME",
        ] {
            assert!(
                !has(gone),
                "{} in the stored {format:?}",
                String::from_utf8_lossy(gone)
            );
        }
        let decoded =
            image::load_from_memory_with_format(&stored, format).expect("still a picture");
        assert_eq!((decoded.width(), decoded.height()), size);
        let row_size: i64 = sqlx::query_scalar("SELECT size_bytes FROM certificates WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db().pool)
            .await
            .expect("size");
        assert_eq!(
            row_size,
            i64::try_from(stored.len()).expect("small"),
            "the row counts what is stored"
        );
    }
    // The orientation of the JPEG survives, on its own.
    let stored = stored_bytes(&app, &jpeg_id).await;
    assert!(
        stored.len() < 200_000,
        "the 3 MB header is gone: {}",
        stored.len()
    );
    let at = stored
        .windows(6)
        .position(|w| w == b"Exif\0\0")
        .expect("orientation block");
    assert_eq!(
        app::backend::storage::jpeg_scrub::exif_orientation(&stored[at + 6..]),
        Some(6)
    );
    app.stop().await;
}
on_both_storages!(photos_are_stored_without_metadata_however_large_their_header);
