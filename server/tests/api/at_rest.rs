//! Records at rest: what someone who takes the database file (or its WAL) can read of it.

use crate::helpers::{Backend, TestApp, test_master};
use sqlx::Connection;

/// What the seed below writes, each a word no schema or code contains.
const SECRETS: &[&str] = &[
    "Zebulonia Quarterfield",
    "zebulonia.q@",
    "Xylophonic tort law",
    "1977-03-14",
];

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// The SQLite file and its WAL show no name, address, title or birth date, and not even
/// the SQLite header: without the key the file is noise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_database_file_and_its_wal_reveal_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.person("zebulonia.q@example.se")
        .named("Zebulonia Quarterfield")
        .born("1977-03-14")
        .course("2026-02-01", "Xylophonic tort law", "3")
        .create()
        .await;
    let file = app.dir.path().join("cpd.db");
    let mut seen = 0;
    for path in [file.clone(), file.with_extension("db-wal")] {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        seen += bytes.len();
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{} is a plain SQLite file",
            path.display()
        );
        for secret in SECRETS {
            assert!(
                !contains(&bytes, secret),
                "{secret:?} is readable in {}",
                path.display()
            );
        }
    }
    assert!(seen > 0, "the database files were read");
    // The server itself reads it back, of course.
    let db = crate::helpers::open_db(&app.database_url).await;
    let names: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(names, 1);
}

/// A plain SQLite file left by an earlier version is encrypted in place at the next start,
/// with every row kept, and the plain file is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_database_file_is_encrypted_in_place() {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/old.db?mode=rwc", dir.path().display());
    let mut plain = sqlx::AnyConnection::connect(&url).await.expect("plain");
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&mut plain)
        .await
        .expect("wal");
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&mut plain)
        .await
        .expect("table");
    sqlx::query("INSERT INTO notes VALUES ('Zebulonia Quarterfield')")
        .execute(&mut plain)
        .await
        .expect("row");
    plain.close().await.expect("close");
    let path = dir.path().join("old.db");
    assert!(
        std::fs::read(&path)
            .expect("read")
            .starts_with(b"SQLite format 3")
    );

    let db = crate::helpers::open_db(&url).await;
    let body: String = sqlx::query_scalar("SELECT body FROM notes")
        .fetch_one(&db.pool)
        .await
        .expect("the row survives");
    assert_eq!(body, "Zebulonia Quarterfield");
    db.pool.close().await;
    let bytes = std::fs::read(&path).expect("read");
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(!contains(&bytes, "Zebulonia"));
    assert!(!dir.path().join("old.db.encrypting").exists());

    // And it opens again (nothing is encrypted twice).
    let again = crate::helpers::open_db(&url).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes")
        .fetch_one(&again.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

/// Another master key does not open the file, and says so in words an operator can act on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_master_key_does_not_open_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/cpd.db", dir.path().display());
    let db = crate::helpers::open_db(&url).await;
    db.migrate().await.expect("migrate");
    db.pool.close().await;
    let mut other = test_master();
    other[0] ^= 1;
    let error = app::backend::db::Db::connect(&url, &other)
        .await
        .expect_err("the wrong key is refused");
    let text = format!("{error:#}");
    assert!(text.contains("cannot be opened with this key"), "{text}");
}

/// Encrypting a plain file in place never writes the key to the log, at the most verbose
/// level either (the ATTACH that carries it is not logged, not even as a slow statement).
#[test]
fn the_file_key_is_never_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cpd.db");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut plain = sqlx::AnyConnection::connect(&url).await.expect("plain");
        sqlx::query("CREATE TABLE notes (body TEXT)")
            .execute(&mut plain)
            .await
            .expect("table");
        plain.close().await.expect("close");
    });
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cpd-registry"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("DATA_DIR", dir.path())
        .env("APP_SECRET", crate::helpers::TEST_SECRET)
        .env("RUST_LOG", "trace")
        .env("LOG_FORMAT", "json")
        .output()
        .expect("run");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{log}");
    assert!(log.contains("encrypting it in place"), "{log}");
    let key = hex::encode(
        app::backend::crypto::Key::derive(
            &test_master(),
            app::backend::crypto::Purpose::DatabaseFile,
        )
        .secret_bytes(),
    );
    assert!(
        !log.to_lowercase().contains(&key),
        "the file key is in the log"
    );
    assert!(!log.contains(crate::helpers::TEST_SECRET));
}
