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
        row = sqlx::query_as("SELECT attempts, last_error, next_attempt_at_us FROM outbox WHERE to_addr = 'outage@firm.se'")
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
    config.smtp_url = Some(crate::helpers::smtp_setting("smtp://127.0.0.1:9"));
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
