//! Personal fields sealed in the database: what a dump shows of them (nothing), and the
//! resumable `seal` of a database written before sealing.

use crate::helpers::{Backend, TestApp, open_db};
use app::backend::backup::progress::Progress;
use app::backend::request::RequestMeta;
use app::backend::sealing::state::{State, current, seal_all};
use app::backend::training::entries::{self, EntryInput};
use app::i18n::Lang;

/// Words no schema or code contains, each one field the seed fills.
const NAME: &str = "Quintessa Marblethorpe";
const BORN: &str = "1969-07-21";
const ADMITTED: &str = "1998-11-02";
const TITLE: &str = "Heliotropic maritime liens";
const PROVIDER: &str = "Vandersloot Akademi";
const NOTES: &str = "Brought the Oxbridge casebook";
const REASON: &str = "Sabbatical in Tromsø";
/// The browser the sessions were made from.
const AGENT: &str = "Mozilla/5.0 (Sealed Test Browser)";

fn meta() -> RequestMeta {
    RequestMeta {
        ip: Some(std::net::Ipv4Addr::LOCALHOST.into()),
        user_agent: Some(AGENT.to_owned()),
        wants_html: false,
    }
}

/// A person with every sealed field filled; returns their firm's id and entry's id.
async fn seed(app: &TestApp, email: &str) -> (String, String) {
    let seeded = app
        .person(email)
        .named(NAME)
        .born(BORN)
        .admitted(ADMITTED)
        .create()
        .await;
    let state = &app.server.as_ref().expect("running").state;
    let input = EntryInput {
        date: "2026-03-04".to_owned(),
        title: TITLE.to_owned(),
        provider: PROVIDER.to_owned(),
        hours: "3".to_owned(),
        category: "teacher-led".to_owned(),
        verifiable: Some("on".to_owned()),
        topic: String::new(),
        notes: NOTES.to_owned(),
    };
    entries::create(state, &seeded.viewer, &meta(), Lang::En, &input)
        .await
        .expect("entry");
    app::backend::training::leaves::add(
        state,
        &seeded.viewer,
        &meta(),
        Lang::En,
        ("2026-06-01", "2026-06-30", REASON),
    )
    .await
    .expect("leave");
    // A session from a browser, a sign-in code and a mail to the address, an invitation.
    let db = &state.db;
    let mut tx = db.begin().await.expect("tx");
    let now = app::backend::db::now_micros();
    let user_id = seeded.viewer.user.id.as_str();
    app::backend::auth::session::create(&mut tx, &db.records, Some(user_id), true, &meta(), now)
        .await
        .expect("session");
    app::backend::auth::otp::issue(
        &mut tx,
        state.master_key(),
        &db.records,
        app::backend::auth::otp::For {
            kind: app::backend::auth::otp::Kind::SignIn,
            email,
            user_id: Some(user_id),
            invitation_id: None,
            browser_session: "browser",
        },
        now,
    )
    .await
    .expect("challenge");
    app::backend::mail::enqueue(
        &mut tx,
        &db.records,
        &app::backend::mail::OutgoingMail {
            to: email.to_owned(),
            subject: format!("Hello {NAME}"),
            text: format!("{TITLE} at {PROVIDER}"),
            html: format!("<p>{TITLE}</p>"),
        },
    )
    .await
    .expect("mail");
    tx.commit().await.expect("commit");
    let entry: String = sqlx::query_scalar("SELECT id FROM entries WHERE user_id = $1")
        .bind(&seeded.viewer.user.id)
        .fetch_one(&app.db().pool)
        .await
        .expect("entry id");
    (seeded.viewer.user.firm_id.clone(), entry)
}

/// Every text value of every table, as a dump of the database's contents would show them.
async fn every_value(db: &app::backend::db::Db) -> String {
    let tables: Vec<String> = match db.backend {
        app::backend::db::Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        app::backend::db::Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        ),
    }
    .fetch_all(&db.pool)
    .await
    .expect("tables");
    let mut all = String::new();
    for table in tables {
        // Each row as one text: both backends can say that of any row.
        let sql = match db.backend {
            app::backend::db::Backend::Sqlite => {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(&db.pool)
                        .await
                        .expect("columns");
                let parts: Vec<String> =
                    columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                format!("SELECT {} FROM \"{table}\"", parts.join(" || '|' || "))
            }
            app::backend::db::Backend::Postgres => format!("SELECT t::text FROM \"{table}\" t"),
        };
        let rows: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(&db.pool)
            .await
            .expect("rows");
        for row in rows {
            all.push_str(&row);
            all.push('\n');
        }
    }
    all
}

fn assert_sealed(haystack: &str, where_: &str) {
    assert!(
        haystack.len() > 1000,
        "{where_} was read ({} bytes)",
        haystack.len()
    );
    for secret in [
        NAME,
        "Quintessa",
        "quintessa@marble.se",
        "quintessa@",
        AGENT,
        BORN,
        ADMITTED,
        TITLE,
        PROVIDER,
        NOTES,
        REASON,
        "Tromsø",
    ] {
        assert!(
            !haystack.contains(secret),
            "{secret:?} is in clear in {where_}"
        );
    }
}

async fn the_database_holds_no_personal_field_in_clear(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed(&app, "quintessa@marble.se").await;
    assert_sealed(&every_value(app.db()).await, "the database's rows");
    // …and the application shows them all to the person.
    let seeded = app.person("second@marble.se").create().await;
    drop(seeded);
    let db = app.db();
    let user = app::backend::auth::users::by_email(
        &mut db.pool.acquire().await.expect("conn"),
        &db.records,
        "quintessa@marble.se",
    )
    .await
    .expect("read")
    .expect("found by its blind index");
    assert_eq!(user.full_name, NAME);
    assert_eq!(user.birth_date.as_deref(), Some(BORN));
    let log = app::backend::training::load(
        &mut db.pool.acquire().await.expect("conn"),
        &db.records,
        &user,
    )
    .await
    .expect("log");
    assert_eq!(log.entries[0].title, TITLE);
    assert_eq!(log.entries[0].provider, PROVIDER);
    assert_eq!(log.entries[0].notes, NOTES);
    assert_eq!(log.leaves[0].reason, REASON);
    if backend == Backend::Postgres {
        // The operator's own tool: a data-only dump of the whole database.
        let out = std::process::Command::new("pg_dump")
            .args(["--data-only", "--no-owner", &app.database_url])
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_sealed(&String::from_utf8_lossy(&out.stdout), "pg_dump --data-only");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_personal_field_in_clear_sqlite() {
    the_database_holds_no_personal_field_in_clear(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_personal_field_in_clear_postgres() {
    if !crate::helpers::postgres_given("sealed::the_database_holds_no_personal_field_in_clear") {
        return;
    }
    the_database_holds_no_personal_field_in_clear(Backend::Postgres).await;
}

/// A value copied from one row to another (or one firm to another) does not open there:
/// the page fails rather than show a swapped value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_value_moved_to_another_row_does_not_open() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    seed(&app, "quintessa@marble.se").await;
    let other = app
        .person("other@marble.se")
        .named("Other Person")
        .create()
        .await;
    let db = app.db();
    // Quintessa's sealed name written into the other person's row.
    sqlx::query(
        "UPDATE users SET full_name = (SELECT full_name FROM users WHERE email_index = $1) WHERE id = $2",
    )
    .bind(crate::helpers::email_index("quintessa@marble.se"))
    .bind(&other.viewer.user.id)
    .execute(&db.pool)
    .await
    .expect("swap");
    let read = app::backend::auth::users::by_id(
        &mut db.pool.acquire().await.expect("conn"),
        &db.records,
        &other.viewer.user.id,
    )
    .await;
    let error = format!("{:#}", read.expect_err("a moved value is refused"));
    assert!(error.contains("users.full_name"), "{error}");
    assert!(!error.contains(NAME), "the error names no value: {error}");
    app.stop().await;
}

/// A database from before sealing: the server refuses it until `seal` has run; a run
/// stopped half-way is refused too, and finished by running it again; then every value
/// reads as it was, and the person signs in by the address's blind index.
async fn an_earlier_database_is_sealed_in_place(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, entry) = seed(&app, "quintessa@marble.se").await;
    let TestApp {
        server,
        dir,
        database_url: url,
        ..
    } = app;
    server.expect("running").stop().await.expect("stop");
    let db = open_db(&url).await;
    // The rows as the version before sealing wrote them: every value in clear.
    let user: String = sqlx::query_scalar("SELECT user_id FROM entries WHERE id = $1")
        .bind(&entry)
        .fetch_one(&db.pool)
        .await
        .expect("user");
    for (sql, value) in [
        (
            "UPDATE users SET full_name = $1, email_index = NULL WHERE id = $2",
            NAME,
        ),
        (
            "UPDATE users SET email = $1 WHERE id = $2",
            "quintessa@marble.se",
        ),
        ("UPDATE users SET birth_date = $1 WHERE id = $2", BORN),
        (
            "UPDATE users SET admission_date = $1 WHERE id = $2",
            ADMITTED,
        ),
        ("UPDATE entries SET title = $1 WHERE user_id = $2", TITLE),
        (
            "UPDATE entries SET provider = $1 WHERE user_id = $2",
            PROVIDER,
        ),
        ("UPDATE entries SET notes = $1 WHERE user_id = $2", NOTES),
        ("UPDATE leaves SET reason = $1 WHERE user_id = $2", REASON),
    ] {
        sqlx::query(sql)
            .bind(value)
            .bind(&user)
            .execute(&db.pool)
            .await
            .expect("write in clear");
    }
    sqlx::query("UPDATE record_sealing SET state = 'plain'")
        .execute(&db.pool)
        .await
        .expect("state");
    let start =
        || server::startup::Server::start(crate::helpers::test_config_with(&url, dir.path(), &[]));
    let refused = format!(
        "{:#}",
        match start().await {
            Ok(_) => panic!("a plain database is refused"),
            Err(error) => error,
        }
    );
    assert!(refused.contains("run `cpd-registry seal`"), "{refused}");

    // A run that stopped after sealing the name: begun, half done.
    sqlx::query("UPDATE record_sealing SET state = 'sealing'")
        .execute(&db.pool)
        .await
        .expect("state");
    let firm: String = sqlx::query_scalar("SELECT firm_id FROM users WHERE id = $1")
        .bind(&user)
        .fetch_one(&db.pool)
        .await
        .expect("firm");
    let seal = db.records.firm_in(&db.pool, &firm).await.expect("key");
    let sealed_name = seal.seal(app::backend::sealing::Field::UserName, &user, NAME);
    sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2")
        .bind(&sealed_name)
        .bind(&user)
        .execute(&db.pool)
        .await
        .expect("half");
    let refused = format!(
        "{:#}",
        match start().await {
            Ok(_) => panic!("a half-sealed database is refused"),
            Err(error) => error,
        }
    );
    assert!(refused.contains("begun and not finished"), "{refused}");

    let summary = seal_all(&db, &mut Progress::quiet()).await.expect("seal");
    assert_eq!(
        summary.sealed_values, 7,
        "what was left in clear, and only that"
    );
    assert_eq!(current(&db).await.expect("state"), State::Sealed);
    let kept: String = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(&user)
        .fetch_one(&db.pool)
        .await
        .expect("name");
    assert_eq!(kept, sealed_name, "a value already sealed is left as it is");
    let again = seal_all(&db, &mut Progress::quiet()).await.expect("again");
    assert_eq!(again.sealed_values, 0);
    assert_sealed(&every_value(&db).await, "the sealed database's rows");
    db.pool.close().await;

    let app = TestApp::open(url, dir, &[]).await;
    let db = app.db();
    let back = app::backend::auth::users::by_email(
        &mut db.pool.acquire().await.expect("conn"),
        &db.records,
        "quintessa@marble.se",
    )
    .await
    .expect("read")
    .expect("found by the index the seal wrote");
    assert_eq!(
        (
            back.full_name.as_str(),
            back.birth_date.as_deref(),
            back.admission_date.as_deref()
        ),
        (NAME, Some(BORN), Some(ADMITTED))
    );
    let log = app::backend::training::load(
        &mut db.pool.acquire().await.expect("conn"),
        &db.records,
        &back,
    )
    .await
    .expect("log");
    assert_eq!(
        (
            log.entries[0].title.as_str(),
            log.entries[0].provider.as_str(),
            log.entries[0].notes.as_str()
        ),
        (TITLE, PROVIDER, NOTES)
    );
    assert_eq!(log.leaves[0].reason, REASON);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_database_is_sealed_in_place_sqlite() {
    an_earlier_database_is_sealed_in_place(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_database_is_sealed_in_place_postgres() {
    if !crate::helpers::postgres_given("sealed::an_earlier_database_is_sealed_in_place") {
        return;
    }
    an_earlier_database_is_sealed_in_place(Backend::Postgres).await;
}
