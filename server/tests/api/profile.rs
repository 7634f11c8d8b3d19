//! The profile and the change of sign-in address.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn the_profile_is_validated_and_saved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.signed_in_browser("anna@firm.se").await;
    let form = |name: &'static str, date: &'static str| {
        vec![
            ("full_name", name),
            ("title", "advokat"),
            ("admission_date", date),
            ("birth_date", ""),
            ("rule_set", ""),
            ("language", "sv"),
        ]
    };
    let bad = browser
        .form("/api/account/update_profile", &form("", "2015-09-01"))
        .await;
    assert_eq!(bad.status(), 422);
    let bad = browser
        .form(
            "/api/account/update_profile",
            &form("Anna Berg", "2999-01-01"),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let unchanged: serde_json::Value = browser
        .form("/api/account/get_profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(unchanged["full_name"], "");

    let saved = browser
        .form(
            "/api/account/update_profile",
            &form("Anna Berg", "2015-09-01"),
        )
        .await;
    assert!(saved.status().is_success());
    let profile: serde_json::Value = browser
        .form("/api/account/get_profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["full_name"], "Anna Berg");
    assert_eq!(profile["rule_set"], "se-advokat");
    assert_eq!(profile["language"], "sv");
    assert_eq!(profile["profile_completed"], true);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "account.profile_updated")
    );
    app.stop().await;
}
on_both_backends!(the_profile_is_validated_and_saved);

/// A stray course from years back need not fill the history with years never kept here:
/// the person chooses the first year, it is stored, and the log the pages get carries it.
async fn the_history_starts_at_the_year_the_person_chooses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.signed_in_browser("anna@firm.se").await;
    let form = |from: &'static str| {
        vec![
            ("full_name", "Anna Berg"),
            ("title", "advokat"),
            ("admission_date", "2015-09-01"),
            ("birth_date", ""),
            ("rule_set", ""),
            ("language", "en"),
            ("history_from", from),
        ]
    };
    let before_admission = browser
        .form("/api/account/update_profile", &form("2012"))
        .await;
    assert_eq!(before_admission.status(), 422);
    assert!(
        before_admission
            .text()
            .await
            .expect("body")
            .contains("Enter a year from 2015 to")
    );
    let saved = browser
        .form("/api/account/update_profile", &form("2024"))
        .await;
    assert!(saved.status().is_success());
    let profile: serde_json::Value = browser
        .form("/api/account/get_profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["history_from"], "2024");
    let log: serde_json::Value = browser
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["history_from"], 2024);
    // Emptied: back to the first logged course.
    let cleared = browser.form("/api/account/update_profile", &form("")).await;
    assert!(cleared.status().is_success());
    let log: serde_json::Value = browser
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(log["history_from"].is_null());
    app.stop().await;
}
on_both_backends!(the_history_starts_at_the_year_the_person_chooses);

async fn changing_the_address_needs_a_code_from_the_new_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.signed_in_browser("old@firm.se").await;
    let other = app.signed_in_browser("old@firm.se").await;
    // Without a fresh confirmation, the address stays.
    let refused = browser
        .form(
            "/api/account/request_email_change",
            &[("email", "new@firm.se")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    app.step_up(&browser, "old@firm.se").await;
    assert!(
        browser
            .form(
                "/api/account/request_email_change",
                &[("email", "new@firm.se")]
            )
            .await
            .status()
            .is_success()
    );
    let code = app.last_code("new@firm.se").await;
    assert_eq!(
        browser
            .form("/api/account/confirm_email_change", &[("code", "999999")])
            .await
            .status(),
        422
    );
    let me = browser.whoami().await;
    assert_eq!(me["email"], "old@firm.se");

    assert!(
        browser
            .form("/api/account/confirm_email_change", &[("code", &code)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(browser.whoami().await["email"], "new@firm.se");
    // The other session, signed in with the old address, has ended.
    assert!(other.whoami().await.is_null());
    let (subject, text) = app
        .last_mail("old@firm.se")
        .await
        .expect("notice to the old address");
    assert!(subject.contains("changed"), "{subject}");
    assert!(text.contains("new@firm.se"));
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "account.email_changed")
    );
    app.stop().await;
}
on_both_backends!(changing_the_address_needs_a_code_from_the_new_one);
