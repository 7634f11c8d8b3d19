//! The outbox: a mail outage delays mail but loses none, and blocks no request.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::mail::outbox;
use app::backend::mail::transport::Transport;

async fn an_smtp_outage_loses_nothing(backend: Backend) {
    // Nobody listens on port 9: every send fails.
    let app = TestApp::spawn_with(backend, Some("smtp://127.0.0.1:9")).await;
    // Sign-in still answers at once while mail cannot go out.
    let browser = app.browser();
    assert!(
        browser
            .form("/api/auth/request_code", &[("email", "outage@firm.se")])
            .await
            .status()
            .is_success()
    );

    // The worker tries, fails, records why and schedules a retry; the message stays queued.
    let db = app.db();
    let mut row: (i64, Option<String>, i64) = (0, None, 0);
    for _ in 0..100 {
        row = sqlx::query_as(&format!(
            "SELECT attempts, last_error, next_attempt_at_us FROM outbox WHERE to_index = '{}'",
            crate::helpers::email_index("outage@firm.se")
        ))
        .fetch_one(&db.pool)
        .await
        .expect("row");
        if row.0 > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (attempts, error, next) = row;
    assert_eq!(attempts, 1);
    let error = error.expect("the failure is recorded");
    assert!(
        !error.contains("outage@firm.se") && !error.contains("sign-in code"),
        "{error}"
    );
    assert!(
        next > app::backend::db::now_micros(),
        "retried later, with back-off"
    );
    assert_eq!(outbox::depth(db).await.expect("depth"), 1);

    // When mail flows again (and the back-off has passed) the same message goes out.
    sqlx::query("UPDATE outbox SET next_attempt_at_us = 0")
        .execute(&db.pool)
        .await
        .expect("due");
    assert_eq!(
        outbox::drain(db, &Transport::DevMailbox)
            .await
            .expect("drain"),
        1
    );
    assert_eq!(outbox::depth(db).await.expect("depth"), 0);
    app.stop().await;
}
on_both_backends!(an_smtp_outage_loses_nothing);

async fn the_development_mailbox_lists_mail_only_in_development(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", "dev@firm.se")])
        .await;
    let mail: serde_json::Value = browser
        .form("/api/dev/list_mailbox", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(
        mail[0]["subject"]
            .as_str()
            .expect("subject")
            .contains("sign-in code")
    );
    let page = browser.page("/dev/mailbox").await;
    assert!(page.contains("Development mailbox") && page.contains("dev@firm.se"));

    // With a real mail server configured the mailbox does not exist.
    let dir = tempfile::tempdir().expect("dir");
    let mut config = crate::helpers::test_config(&app.database_url, dir.path());
    config.mail.smtp_url = Some(crate::helpers::smtp_setting("smtp://127.0.0.1:9"));
    let with_smtp = server::startup::Server::start(config)
        .await
        .expect("server");
    let response = reqwest::Client::new()
        .post(format!("http://{}/api/dev/list_mailbox", with_smtp.addr))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 404);
    with_smtp.stop().await.expect("stop");
    app.stop().await;
}
on_both_backends!(the_development_mailbox_lists_mail_only_in_development);

/// A throwaway maildev (the real SMTP server the browser tests use, from npm): its SMTP
/// port and REST address. Killed when dropped.
struct Maildev {
    child: std::process::Child,
    smtp_port: u16,
    api: String,
    _dir: tempfile::TempDir,
}

impl Drop for Maildev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

async fn maildev() -> Maildev {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../end2end/node_modules/.bin/maildev");
    assert!(
        bin.exists(),
        "maildev is needed ({}): `make test` installs it (npm, end2end/)",
        bin.display()
    );
    let dir = tempfile::tempdir().expect("dir");
    let (smtp_port, web_port) = (free_port(), free_port());
    let child = std::process::Command::new(bin)
        .args(["--ip", "127.0.0.1", "--web-ip", "127.0.0.1"])
        .args([
            "--smtp",
            &smtp_port.to_string(),
            "--web",
            &web_port.to_string(),
        ])
        .arg("--mail-directory")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start maildev");
    let api = format!("http://127.0.0.1:{web_port}");
    for _ in 0..100 {
        if reqwest::get(format!("{api}/api/email")).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Maildev {
        child,
        smtp_port,
        api,
        _dir: dir,
    }
}

/// The review found every code ever sent readable in the outbox (only the body was erased,
/// the subject kept the code). Once a code mail is handed to the SMTP server, nothing of it
/// stays with us.
async fn a_sent_code_leaves_nothing_in_the_outbox(backend: Backend) {
    let smtp = maildev().await;
    let app = TestApp::spawn_with(
        backend,
        Some(&format!("smtp://127.0.0.1:{}", smtp.smtp_port)),
    )
    .await;
    let browser = app.browser();
    assert!(
        browser
            .form("/api/auth/request_code", &[("email", "sent@firm.se")])
            .await
            .status()
            .is_success()
    );
    let mut row: (Option<i64>, String, String, String) =
        (None, String::new(), String::new(), String::new());
    for _ in 0..200 {
        row = sqlx::query_as(&format!(
            "SELECT sent_at_us, subject, text_body, html_body FROM outbox WHERE to_index = '{}'",
            crate::helpers::email_index("sent@firm.se")
        ))
        .fetch_one(&app.db().pool)
        .await
        .expect("row");
        if row.0.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(row.0.is_some(), "sent");
    assert_eq!(
        (row.1.as_str(), row.2.as_str(), row.3.as_str()),
        ("", "", "")
    );
    // The person got it, code and all.
    let mails: serde_json::Value = reqwest::get(format!("{}/api/email", smtp.api))
        .await
        .expect("maildev")
        .json()
        .await
        .expect("json");
    let subject = mails[0]["subject"].as_str().expect("subject");
    let code = subject.rsplit(' ').next().expect("code");
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{subject}"
    );
    app.stop().await;
}
on_both_backends!(a_sent_code_leaves_nothing_in_the_outbox);

/// The daily clean-up removes what has expired, and a code mail that could not be sent
/// before its code expired is erased and never sent.
async fn the_daily_clean_up_removes_expired_secrets(backend: Backend) {
    let app = TestApp::spawn_with(backend, Some("smtp://127.0.0.1:9")).await;
    let browser = app.signed_in_browser("clean@firm.se").await;
    assert_eq!(browser.whoami().await["email"], "clean@firm.se");
    let stranger = app.browser();
    stranger
        .form("/api/auth/request_code", &[("email", "stuck@firm.se")])
        .await;
    let db = app.db();
    let later = app::backend::db::now_micros() + 31 * 86_400 * 1_000_000;
    let removed = app::backend::cleanup::run(db, later)
        .await
        .expect("clean-up");
    assert!(removed.sessions >= 1, "{removed:?}");
    assert!(removed.challenges >= 2, "{removed:?}");
    assert!(
        removed.rate_events >= 1 && removed.rate_buckets >= 1,
        "{removed:?}"
    );
    assert!(removed.mail_erased >= 1, "{removed:?}");
    for table in ["sessions", "otp_challenges", "rate_events", "rate_buckets"] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db.pool)
            .await
            .expect("count");
        assert_eq!(left, 0, "{table}");
    }
    // (The worker keeps failing against the closed port meanwhile; its error text may
    // replace the clean-up's note, but the content stays gone.)
    let (subject, text, html): (String, String, String) = sqlx::query_as(&format!(
        "SELECT subject, text_body, html_body FROM outbox WHERE to_index = '{}'",
        crate::helpers::email_index("stuck@firm.se")
    ))
    .fetch_one(&db.pool)
    .await
    .expect("row");
    assert_eq!(
        (subject.as_str(), text.as_str(), html.as_str()),
        ("", "", "")
    );
    // An expired code is never sent, even when mail flows again.
    sqlx::query("UPDATE outbox SET next_attempt_at_us = 0, secret_until_us = 1")
        .execute(&db.pool)
        .await
        .expect("due");
    assert_eq!(
        outbox::drain(db, &Transport::DevMailbox)
            .await
            .expect("drain"),
        0
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "system.expired_data_removed")
    );
    app.stop().await;
}
on_both_backends!(the_daily_clean_up_removes_expired_secrets);

/// A fresh database of `backend` with the migrations up to and including `last` applied
/// (as an instance of that version left it); returns its URL.
async fn database_as_of(backend: Backend, dir: &std::path::Path, last: i64) -> String {
    let url = crate::helpers::fresh_database(backend, dir).await;
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(folder);
    let older = dir.join("older-migrations");
    std::fs::create_dir_all(&older).expect("dir");
    for entry in std::fs::read_dir(&source).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let version: i64 = name
            .split('_')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a version");
        if version <= last {
            std::fs::copy(&path, older.join(&name)).expect("copy");
        }
    }
    let db = crate::helpers::open_db(&url).await;
    sqlx::migrate::Migrator::new(older.as_path())
        .await
        .expect("migrator")
        .run(&db.pool)
        .await
        .expect("the older migrations");
    db.pool.close().await;
    url
}

/// From the review: code mails sent before mails carried an expiry (`secret_until_us`) were
/// never erased, so every sign-in and step-up code, and one-click link, of that time stayed
/// readable in the outbox. The migration blanks the sent ones; an unsent one is never sent
/// and is erased by the clean-up. Other mail is left as it was.
async fn code_mails_from_before_expiries_are_erased_by_the_upgrade(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_as_of(backend, dir.path(), 20261201000013).await;
    let db = crate::helpers::open_db(&url).await;
    let now = app::backend::db::now_micros();
    let day = 86_400 * 1_000_000;
    let old_mail = |id: &'static str, subject: &'static str, text: &'static str, sent: bool| {
        sqlx::query(
            "INSERT INTO outbox (id, to_addr, subject, text_body, html_body, next_attempt_at_us, created_at_us, sent_at_us) \
             VALUES ($1, 'old@firm.se', $2, $3, $4, $5, $5, $6)",
        )
        .bind(id)
        .bind(subject)
        .bind(text)
        .bind(format!("<p>{text}</p>"))
        .bind(now - 30 * day)
        .bind(sent.then_some(now - 30 * day))
    };
    for query in [
        old_mail(
            "sent-sign-in",
            "Your CPD Registry sign-in code: 314159",
            "Your sign-in code is 314159.\n\nOr sign in with one click:\nhttps://cpd.example.se/sign-in/link?c=abc&t=def\n",
            true,
        ),
        old_mail(
            "sent-sv",
            "Din inloggningskod till CPD Registry: 271828",
            "Din inloggningskod är 271828.",
            true,
        ),
        old_mail(
            "sent-step-up",
            "Confirm it is you: 161803",
            "Enter the code 161803 in CPD Registry to confirm it is you.",
            true,
        ),
        old_mail(
            "sent-new-address",
            "Bekräfta din nya e-postadress: 141421",
            "Ange koden 141421 i CPD Registry.",
            true,
        ),
        old_mail(
            "unsent-sign-in",
            "Your CPD Registry sign-in code: 577215",
            "Your sign-in code is 577215.",
            false,
        ),
        old_mail(
            "sent-notice",
            "Your CPD Registry sign-in address was changed",
            "Your sign-in address is now new@firm.se.",
            true,
        ),
    ] {
        query.execute(&db.pool).await.expect("an old mail");
    }
    // The operator's upgrade: migrations, then `cpd-registry seal` (the server refuses a
    // database whose rows are not sealed).
    db.migrate().await.expect("migrations");
    app::backend::sealing::state::seal_all(
        &db,
        &mut app::backend::backup::progress::Progress::quiet(),
    )
    .await
    .expect("sealed");
    db.pool.close().await;

    let server = server::startup::Server::start(crate::helpers::test_config(&url, dir.path()))
        .await
        .expect("the upgraded server starts");
    let app = TestApp {
        base: format!("http://{}", server.addr),
        server: Some(server),
        client: reqwest::Client::new(),
        dir,
        database_url: url,
    };
    let rows = || async {
        let rows: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, subject, text_body, html_body, sent_at_us FROM outbox ORDER BY id",
        )
        .fetch_all(&app.db().pool)
        .await
        .expect("outbox");
        // Opened as the mail worker opens them.
        use app::backend::sealing::Field;
        let seal = app.db().records.system();
        rows.into_iter()
            .map(|(id, subject, text, html, sent)| {
                let open = |field, value: &str| seal.open(field, &id, value).expect("opens");
                (
                    open(Field::OutboxSubject, &subject),
                    open(Field::OutboxText, &text),
                    open(Field::OutboxHtml, &html),
                    sent,
                    id.clone(),
                )
            })
            .map(|(subject, text, html, sent, id)| (id, subject, text, html, sent))
            .collect::<Vec<_>>()
    };
    let codes = [
        "314159",
        "271828",
        "161803",
        "141421",
        "577215",
        "/sign-in/link",
    ];
    for (id, subject, text, html, sent) in rows().await {
        if sent.is_some() {
            for code in codes {
                let all = format!("{subject}\n{text}\n{html}");
                assert!(!all.contains(code), "{id} still holds {code}: {all}");
            }
        }
        if id == "unsent-sign-in" {
            assert_eq!(sent, None, "an old code is never sent late");
        }
        if id == "sent-notice" {
            assert_eq!(subject, "Your CPD Registry sign-in address was changed");
        }
    }
    // The clean-up (run at start-up too) erases the unsent one.
    app::backend::cleanup::run(app.db(), app::backend::db::now_micros())
        .await
        .expect("clean-up");
    outbox::drain(app.db(), &Transport::DevMailbox)
        .await
        .expect("drain");
    for (id, subject, text, html, _) in rows().await {
        let all = format!("{subject}\n{text}\n{html}");
        for code in codes {
            assert!(!all.contains(code), "{id} still holds {code}: {all}");
        }
    }
    app.stop().await;
}
on_both_backends!(code_mails_from_before_expiries_are_erased_by_the_upgrade);
