//! `cpd-registry backup` and `restore`, run as the operator runs them: a populated instance
//! is backed up while it serves, restored into an empty database of either backend (the
//! embedded default into PostgreSQL too), and the restored instance serves the same
//! person, courses and certificates, and its audit log verifies. A damaged, cut-short or
//! foreign archive, a wrong key and a target that is not empty are refused, writing nothing.

use crate::certificates::{link, new_entry, upload};
use crate::helpers::{Backend, Browser, TEST_SECRET, TestApp, fresh_database};
use crate::on_both_backends;
use crate::storage::Store;
use server::inspect::samples::{jpeg, pdf};
use std::path::Path;
use std::process::Command;

const TITLE: &str = "Xylophonic tort law";

/// The binary with one instance's configuration.
fn cli(
    database_url: &str,
    dir: &Path,
    extra: &[(&str, &str)],
    args: &[&str],
) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cpd-registry"));
    for name in [
        "APP_ENV",
        "APP_SECRET_FILE",
        "SMTP_URL",
        "STORAGE_URL",
        "BACKUP_KEY",
    ] {
        command.env_remove(name);
    }
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", dir)
        .env("APP_SECRET", TEST_SECRET)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "error");
    for (name, value) in extra {
        command.env(name, value);
    }
    let output = command.output().expect("run cpd-registry");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `backup --to` a file `name` in `app`'s directory (with `extra` variables), which must
/// succeed: the archive, and what was printed on stdout and stderr.
fn backup(
    app: &TestApp,
    name: &str,
    extra: &[(&str, &str)],
) -> (std::path::PathBuf, String, String) {
    let archive = app.dir.path().join(name);
    let (code, out, err) = cli(
        &app.database_url,
        app.dir.path(),
        extra,
        &["backup", "--to", &archive.display().to_string()],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    (archive, out, err)
}

/// A person with a course and two certificates; returns their browser, the entry and the
/// bytes each certificate opens to.
async fn populate(app: &TestApp) -> (Browser, Vec<(String, Vec<u8>)>) {
    let anna = app.signed_in_browser("zebulonia.q@example.se").await;
    let entry = new_entry(&anna, TITLE).await;
    let mut files = Vec::new();
    for (name, bytes) in [("intyg.pdf", pdf(2)), ("foto.jpg", jpeg(1024, 768))] {
        let (status, answer) = upload(&anna, &entry, name, bytes).await;
        assert_eq!(status, 201, "{answer}");
        let id = answer["id"].as_str().expect("id").to_owned();
        let opened = reqwest::get(link(&anna, &id, "").await)
            .await
            .expect("open");
        assert_eq!(opened.status(), 200);
        files.push((id, opened.bytes().await.expect("bytes").to_vec()));
    }
    (anna, files)
}

/// What a restored instance must show: the person (their session too), the course, every
/// certificate byte for byte, and an audit log that verifies.
async fn check_restored(
    target: &TestApp,
    anna: &Browser,
    files: &[(String, Vec<u8>)],
    extra: &[(&str, &str)],
) {
    let anna = Browser {
        client: anna.client.clone(),
        base: target.base.clone(),
    };
    let log = anna.form("/api/log/get_log", &[]).await;
    assert_eq!(
        log.status(),
        200,
        "the restored session still signs Anna in"
    );
    let log: serde_json::Value = log.json().await.expect("json");
    assert!(
        log["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["title"] == TITLE),
        "{log}"
    );
    for (id, bytes) in files {
        let opened = reqwest::get(link(&anna, id, "").await).await.expect("open");
        assert_eq!(opened.status(), 200);
        assert_eq!(
            &opened.bytes().await.expect("bytes").to_vec(),
            bytes,
            "certificate {id}"
        );
    }
    let (code, out, err) = cli(
        &target.database_url,
        target.dir.path(),
        extra,
        &["audit", "verify"],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("result: intact"), "{out}");
}

/// The keyring of an instance on the embedded default's store, for `restore --keys-from`.
fn local_keys(app: &TestApp) -> String {
    format!("file://{}/objects", app.dir.path().display())
}

/// Restores `archive` into a new database of `backend` in a new directory, reading the
/// firms' archive keys from the store `keys_from`; the server on it, and what it printed.
async fn restore_into(
    backend: Backend,
    archive: &Path,
    keys_from: &str,
    extra: &[(&'static str, &str)],
) -> (TestApp, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(backend, dir.path()).await;
    let (code, out, err) = cli(
        &url,
        dir.path(),
        extra,
        &[
            "restore",
            &archive.display().to_string(),
            "--keys-from",
            keys_from,
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("restored"), "{out}");
    assert!(
        err.contains("restore:") && err.contains("rows"),
        "progress on stderr: {err}"
    );
    (TestApp::open(url, dir, extra).await, out)
}

async fn a_backup_restores_into_either_backend(backend: Backend) {
    let source = TestApp::spawn(backend).await;
    let (anna, files) = populate(&source).await;
    let (archive, out, err) = backup(&source, "backup.cpdbackup", &[]);
    assert!(out.contains("2 files"), "{out}");
    assert!(err.contains("backup:"), "progress on stderr: {err}");

    for into in [Backend::Sqlite, Backend::Postgres] {
        if into == Backend::Postgres && !crate::helpers::postgres_given("backups::into_postgres") {
            continue;
        }
        let (target, out) = restore_into(into, &archive, &local_keys(&source), &[]).await;
        assert!(!out.contains("left out"), "{out}");
        check_restored(&target, &anna, &files, &[]).await;
        target.stop().await;
    }
}
on_both_backends!(a_backup_restores_into_either_backend);

/// Objects come back from either store: a backup of an instance on S3 (Garage) restores
/// into the embedded default's sealed directory.
async fn objects_come_back_from_either_store(store: Store) {
    // Its own prefix: other tests share the bucket.
    let prefix = format!("backup-{}/", uuid::Uuid::now_v7().simple());
    let source = crate::storage::spawn_with(store, &[("STORAGE_PREFIX", prefix.as_str())]).await;
    let (anna, files) = populate(&source).await;
    let mut vars = crate::storage::store_vars(store);
    vars.push(("STORAGE_PREFIX", prefix.clone()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let (archive, _, _) = backup(&source, "backup.cpdbackup", &vars);
    // The keyring is read where the source kept it (the bucket, under its prefix).
    let keys_from = match store {
        Store::Local => local_keys(&source),
        Store::S3 => vars
            .iter()
            .find(|(name, _)| *name == "STORAGE_URL")
            .map(|(_, url)| (*url).to_owned())
            .expect("an S3 URL"),
    };
    let restore_vars: Vec<(&'static str, &str)> = vars
        .iter()
        .filter(|(name, _)| *name != "STORAGE_URL")
        .copied()
        .collect();
    let (target, _) = restore_into(Backend::Sqlite, &archive, &keys_from, &restore_vars).await;
    check_restored(&target, &anna, &files, &[]).await;
}
crate::on_both_storages!(objects_come_back_from_either_store);

/// The `firms` rows of an archive as it carries them (opened with the archive key, as
/// whoever holds the backup and the master key could): (id, data_key).
async fn archived_firm_keys(archive: &Path) -> Vec<(String, Option<String>)> {
    use app::backend::backup::format::{Frame, Reader, TableHead};
    let config = crate::helpers::test_config("sqlite://unused", archive.parent().expect("dir"));
    let file = tokio::fs::File::open(archive).await.expect("archive");
    let mut reader = Reader::start(file, &app::backend::backup::archive_key(&config))
        .await
        .expect("opens");
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    while let Some((frame, bytes)) = reader.next().await.expect("frame") {
        match frame {
            Frame::Table => {
                let head: TableHead = serde_json::from_slice(&bytes).expect("head");
                columns = (head.name == "firms").then_some(head.columns);
            }
            Frame::Row => {
                if let Some(columns) = &columns {
                    let values: Vec<serde_json::Value> =
                        serde_json::from_slice(&bytes).expect("row");
                    let at = |name: &str| columns.iter().position(|c| c == name).expect(name);
                    rows.push((
                        values[at("id")].as_str().expect("id").to_owned(),
                        values[at("data_key")].as_str().map(str::to_owned),
                    ));
                }
            }
            _ => columns = None,
        }
    }
    rows
}

/// Crypto-shredding: a firm's purge destroys its archive key, so a backup made before it
/// yields nothing of that firm afterwards. The archive never carries the firm's key under
/// the master key; a restore leaves the firm out (audited as its purge) and brings every
/// other firm back whole.
async fn a_backup_made_before_a_firms_purge_yields_nothing_of_it(backend: Backend) {
    use app::backend::backup::keyring::{self, Keyring};
    let source = TestApp::spawn(backend).await;
    let (anna, files) = populate(&source).await;
    let owner = source.firm_owner("owner@berg.se").await;
    let entry = new_entry(&owner, "Bolagsrätt Berg").await;
    let (status, body) = upload(&owner, &entry, "berg.pdf", pdf(2)).await;
    assert_eq!(status, 201, "{body}");
    let firm_of = |email: &str| {
        format!(
            "SELECT firm_id FROM users WHERE email_index = '{}'",
            crate::helpers::email_index(email)
        )
    };
    let berg: String = sqlx::query_scalar(&firm_of("owner@berg.se"))
        .fetch_one(&source.db().pool)
        .await
        .expect("firm");
    let annas: String = sqlx::query_scalar(&firm_of("zebulonia.q@example.se"))
        .fetch_one(&source.db().pool)
        .await
        .expect("firm");
    let (archive, out, _) = backup(&source, "before.cpdbackup", &[]);
    assert!(out.contains("3 files"), "{out}");

    // In the archive each firm's key is wrapped under its archive key only: the master key
    // alone does not unwrap it.
    let master = crate::helpers::test_master();
    let archived = archived_firm_keys(&archive).await;
    let berg_key = archived
        .iter()
        .find(|(id, _)| *id == berg)
        .and_then(|(_, key)| key.clone())
        .expect("the firm travels with a key");
    let wrapped = keyring::as_archived(&berg_key).expect("the archive form");
    assert!(app::backend::storage::data_key::DataKey::unwrap(&berg_key, &master, &berg).is_none());
    assert!(app::backend::storage::data_key::DataKey::unwrap(wrapped, &master, &berg).is_none());
    let state = &source.server.as_ref().expect("running").state;
    let ring = Keyring::new(&state.storage, &master);
    let archive_key = ring.get(&berg).await.expect("keyring").expect("an entry");
    assert!(keyring::open_archived(wrapped, &archive_key, &berg).is_some());

    // The firm closes; its hold ends; it is purged, and its archive key with it.
    source.step_up(&owner, "owner@berg.se").await;
    let closed = owner
        .form("/api/firm/close_firm", &[("choice", "delete")])
        .await;
    assert!(closed.status().is_success(), "{}", closed.status());
    let later = app::backend::db::now_micros() + 31 * 86_400_000_000;
    let purged = app::backend::firm::termination::purge_due(state, later)
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    assert!(
        ring.get(&berg).await.expect("keyring").is_none(),
        "the archive key is destroyed"
    );
    assert!(
        ring.get(&annas).await.expect("keyring").is_some(),
        "the other firm's stays"
    );

    // An entry a failed removal left behind goes with the sweep; the living firm's stays.
    ring.get_or_put(&berg, app::backend::storage::data_key::DataKey::generate())
        .await
        .expect("planted");
    let swept = keyring::sweep(&state.db, &state.storage, &master)
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    assert!(ring.get(&berg).await.expect("keyring").is_none());
    assert!(ring.get(&annas).await.expect("keyring").is_some());

    // Restored after the purge: Anna's firm whole, nothing of Berg's.
    let (target, out) = restore_into(backend, &archive, &local_keys(&source), &[]).await;
    assert!(out.contains("1 firm(s) left out"), "{out}");
    check_restored(&target, &anna, &files, &[]).await;
    let pool = &target.db().pool;
    for (sql, what) in [
        ("SELECT COUNT(*) FROM firms WHERE id = $1", "the firm's row"),
        (
            "SELECT COUNT(*) FROM users WHERE firm_id = $1",
            "its people",
        ),
        (
            "SELECT COUNT(*) FROM entries WHERE firm_id = $1",
            "their courses",
        ),
        (
            "SELECT COUNT(*) FROM certificates WHERE firm_id = $1",
            "their certificates",
        ),
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(&berg)
            .fetch_one(pool)
            .await
            .expect(what);
        assert_eq!(n, 0, "{what} came back");
    }
    let target_state = &target.server.as_ref().expect("running").state;
    let prefix = target_state.storage.key_prefix().to_owned();
    let stored = target_state.storage.list().await.expect("list");
    assert!(
        !stored.iter().any(
            |(key, _)| app::backend::storage::our_key_firm(&prefix, key) == Some(berg.as_str())
        ),
        "no file of the firm was stored: {stored:?}"
    );
    assert_eq!(
        stored
            .iter()
            .filter(|(key, _)| app::backend::storage::our_key_firm(&prefix, key).is_some())
            .count(),
        files.len(),
        "Anna's files are"
    );
    let owner_here = Browser {
        client: owner.client.clone(),
        base: target.base.clone(),
    };
    let log = owner_here.form("/api/log/get_log", &[]).await;
    assert_ne!(
        log.status(),
        200,
        "the purged firm's session does not sign in"
    );
    let left: Vec<_> =
        crate::erasure::mentions(&target, backend, &[&berg, "@berg.se", "Bolagsrätt Berg"])
            .await
            .into_iter()
            .filter(|(table, _, _)| !crate::termination::KEPT_BY_DESIGN.contains(&table.as_str()))
            .collect();
    assert!(left.is_empty(), "still there: {left:?}");
    // The leaving out is itself in the audit log, which verifies (checked above).
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'firm.purged' AND target_id = $1",
    )
    .bind(&berg)
    .fetch_one(pool)
    .await
    .expect("count");
    assert_eq!(audited, 1);
    target.stop().await;
}
on_both_backends!(a_backup_made_before_a_firms_purge_yields_nothing_of_it);

fn users(url: &str) -> i64 {
    let url = url.to_owned();
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async move {
            let db = crate::helpers::open_db(&url).await;
            let n = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(&db.pool)
                .await
                .unwrap_or(0);
            db.pool.close().await;
            n
        })
    })
}

/// Every refusal exits 1 with a sentence that says what is wrong, and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_archives_wrong_keys_and_full_targets_are_refused() {
    let source = TestApp::spawn(Backend::Sqlite).await;
    populate(&source).await;
    let (archive, _, _) = backup(&source, "backup.cpdbackup", &[]);
    let bytes = std::fs::read(&archive).expect("archive");

    // Nothing seeded is in clear in the archive.
    for secret in ["zebulonia", TITLE, "Testsson"] {
        assert!(
            !bytes
                .windows(secret.len())
                .any(|w| w.eq_ignore_ascii_case(secret.as_bytes())),
            "{secret:?} is readable in the backup"
        );
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        path.display().to_string()
    };
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    let mut header_flipped = bytes.clone();
    header_flipped[20] ^= 0x01;
    // (the file, variables for the restore, what the refusal says)
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (write("flipped", &flipped), vec![], "damaged"),
        (
            write("header", &header_flipped),
            vec![],
            "does not open this archive",
        ),
        (
            write("cut", &bytes[..bytes.len() - 100]),
            vec![],
            "cut short",
        ),
        (write("cut-at-chunk", &bytes[..bytes.len() / 3]), vec![], ""),
        (
            write("foreign.pdf", &pdf(1)),
            vec![],
            "not a CPD Registry backup",
        ),
        (write("empty", b""), vec![], "not a CPD Registry backup"),
        (
            archive.display().to_string(),
            vec![("BACKUP_KEY", "ab".repeat(32).leak() as &str)],
            "does not open this archive",
        ),
    ];
    for (file, extra, says) in cases {
        let target = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/cpd.db", target.path().display());
        let (code, out, err) = cli(&url, target.path(), &extra, &["restore", &file]);
        assert_eq!(code, Some(1), "{file}: {out}{err}");
        assert!(err.contains(says), "{file}: {err}");
        assert_eq!(users(&url), 0, "{file}: nothing was restored");
        assert!(
            std::fs::read_dir(target.path().join("objects"))
                .map(|d| d
                    .filter_map(Result::ok)
                    .all(|e| e.file_name() == ".incoming"))
                .unwrap_or(true),
            "{file}: no object was stored"
        );
    }

    // The source itself is not empty: restoring over live data is refused.
    let (code, _, err) = cli(
        &source.database_url,
        source.dir.path(),
        &[],
        &["restore", &archive.display().to_string()],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("not empty"), "{err}");

    // Another master key: firm keys and signatures would not open; refused before writing.
    let target = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/cpd.db", target.path().display());
    let backup_key = hex::encode(
        app::backend::crypto::Key::derive(
            &crate::helpers::test_master(),
            app::backend::crypto::Purpose::Backup,
        )
        .secret_bytes(),
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_cpd-registry"));
    let output = command
        .args(["restore", &archive.display().to_string()])
        .env("DATABASE_URL", &url)
        .env("DATA_DIR", target.path())
        .env("APP_SECRET", "11".repeat(32))
        .env("BACKUP_KEY", &backup_key)
        .env("RUST_LOG", "error")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("another APP_SECRET"), "{err}");
}

/// The embedded default's daily backup: made by the scheduler's job, audited, and it
/// restores like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_backup_is_made_and_restores() {
    let source = TestApp::spawn_with_vars(Backend::Sqlite, &[("BACKUP_DAILY", "1")]).await;
    let (anna, files) = populate(&source).await;
    let state = &source.server.as_ref().expect("running").state;
    app::backend::backup::daily::run(state, app::backend::db::now_micros())
        .await
        .expect("daily backup");
    let dir = source.dir.path().join("backups");
    let made: Vec<_> = std::fs::read_dir(&dir)
        .expect("backups dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cpdbackup"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'system.backup_made'")
            .fetch_one(&source.db().pool)
            .await
            .expect("count");
    assert_eq!(audited, 1);
    let (target, _) = restore_into(Backend::Sqlite, &made[0], &local_keys(&source), &[]).await;
    check_restored(&target, &anna, &files, &[]).await;
}

/// An archive sealed under the right key but naming a stored file outside our keys (another
/// application's object in a shared bucket, a path that climbs out) is refused whole: a
/// restore writes only keys of our shape, of the firm they name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_cannot_write_outside_our_keys() {
    use app::backend::backup::format::{Frame, Header, Manifest, ObjectHead, Part, Writer};
    use sha2::{Digest, Sha256};
    let target = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/cpd.db", target.path().display());
    let db = crate::helpers::open_db(&url).await;
    db.migrate().await.expect("migrate");
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&db.pool)
        .await
        .expect("version");
    db.pool.close().await;
    let config = crate::helpers::test_config(&url, target.path());
    let firm = uuid::Uuid::now_v7().to_string();
    for key in [
        "other-app/notes.txt".to_owned(),
        format!("../{firm}/{}", uuid::Uuid::now_v7()),
        format!("{}/{}", uuid::Uuid::now_v7(), uuid::Uuid::now_v7()),
    ] {
        let path = target.path().join("crafted.cpdbackup");
        let file = tokio::fs::File::create(&path).await.expect("create");
        let mut out = Writer::start(file, &app::backend::backup::archive_key(&config))
            .await
            .expect("start");
        out.json(
            Frame::Header,
            &Header {
                created_at_us: 0,
                source: "sqlite".into(),
                schema_version: version,
                master_check: app::backend::backup::master_check(&crate::helpers::test_master()),
                rows: 0,
                objects: 1,
            },
        )
        .await
        .expect("header");
        out.json(
            Frame::Object,
            &ObjectHead {
                key: key.clone(),
                firm_id: firm.clone(),
            },
        )
        .await
        .expect("object");
        out.frame(Frame::Data, b"%PDF-1.7 hello")
            .await
            .expect("data");
        out.frame(Frame::End, &14u64.to_be_bytes())
            .await
            .expect("end");
        let mut manifest = Manifest::default();
        manifest.objects.insert(
            key.clone(),
            Part {
                count: 14,
                sha256: hex::encode(Sha256::digest(b"%PDF-1.7 hello")),
            },
        );
        out.json(Frame::Manifest, &manifest)
            .await
            .expect("manifest");
        out.finish().await.expect("finish");
        let (code, out, err) = cli(
            &url,
            target.path(),
            &[],
            &["restore", &path.display().to_string()],
        );
        assert_eq!(code, Some(1), "{key}: {out}{err}");
        assert!(err.contains("damaged"), "{key}: {err}");
    }
}
