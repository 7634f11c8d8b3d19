//! The authenticator app, end to end over HTTP: enrol, sign in with it, remove it.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::auth::totp::code_at;
use app::backend::db::now_micros;

async fn enrol_sign_in_with_it_and_remove_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "totp@firm.se";
    let browser = app.signed_in_browser(email).await;
    let elsewhere = app.signed_in_browser(email).await;
    assert_eq!(
        browser.form("/api/account/start_totp", &[]).await.status(),
        422,
        "adding the app needs a fresh confirmation"
    );
    app.step_up(&browser, email).await;

    assert!(
        browser
            .form("/api/account/start_totp", &[])
            .await
            .status()
            .is_success()
    );
    let status: serde_json::Value = browser
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json");
    let pending = &status["totp"]["Pending"];
    assert!(
        pending["qr_svg"]
            .as_str()
            .expect("svg")
            .starts_with("<?xml"),
        "a QR code rendered on the server"
    );
    let key = pending["manual_key"].as_str().expect("key").to_owned();

    // A wrong code does not turn it on.
    assert_eq!(
        browser
            .form("/api/account/confirm_totp", &[("code", "000000")])
            .await
            .status(),
        422
    );
    let code = code_at(&key, now_micros()).expect("code");
    assert!(
        browser
            .form("/api/account/confirm_totp", &[("code", &code)])
            .await
            .status()
            .is_success()
    );
    // Every other session must now sign in with the app; this one just proved it.
    assert!(elsewhere.whoami().await.is_null());
    assert_eq!(browser.whoami().await["email"], email);

    // Ten recovery codes, shown until the person says they saved them (a page view, a
    // prefetch or a scanner following links must not lose them).
    let status: serde_json::Value = browser
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json");
    let recovery: Vec<String> =
        serde_json::from_value(status["fresh_recovery_codes"].clone()).expect("codes");
    assert_eq!(recovery.len(), 10);
    assert_eq!(status["totp"]["On"]["recovery_codes_left"], 10);
    let page = browser.page("/account/security").await;
    assert!(page.contains(&recovery[0]), "a plain page view shows them");
    let still = browser.page("/account/security").await;
    assert!(still.contains(&recovery[0]), "and a second one still does");
    // Only to the session that just set the app up, and only for 15 minutes: a cookie stolen
    // later does not reveal them.
    sqlx::query("UPDATE sessions SET second_factor_at_us = second_factor_at_us - 960000000")
        .execute(&app.db().pool)
        .await
        .expect("age");
    let later = browser.page("/account/security").await;
    assert!(!later.contains(&recovery[0]), "no longer shown");
    sqlx::query("UPDATE sessions SET second_factor_at_us = second_factor_at_us + 960000000")
        .execute(&app.db().pool)
        .await
        .expect("restore");
    let dismissed = browser
        .form("/api/account/dismiss_recovery_codes", &[])
        .await;
    assert!(dismissed.status().is_success());
    let again: serde_json::Value = browser
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["fresh_recovery_codes"], serde_json::Value::Null);

    // Signing in now asks for the second factor; until then the session can do nothing.
    let next = app.browser();
    app.forget_sent_codes().await;
    next.form("/api/auth/request_code", &[("email", email)])
        .await;
    let emailed = app.last_code(email).await;
    let response = next
        .form("/api/auth/verify_code", &[("code", &emailed)])
        .await;
    assert_eq!(response.headers()["location"], "/sign-in/second-factor");
    assert_eq!(
        next.form("/api/account/get_profile", &[]).await.status(),
        401
    );
    assert_eq!(next.whoami().await["pending_second_factor"], true);

    // The step already used to confirm enrolment cannot be replayed.
    assert_eq!(
        next.form("/api/auth/verify_second_factor", &[("code", &code)])
            .await
            .status(),
        422
    );
    // A recovery code works, once.
    let ok = next
        .form("/api/auth/verify_second_factor", &[("code", &recovery[0])])
        .await;
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(next.whoami().await["pending_second_factor"], false);
    assert_eq!(
        next.form("/api/account/get_profile", &[]).await.status(),
        200
    );

    let third = app.browser();
    app.forget_sent_codes().await;
    third
        .form("/api/auth/request_code", &[("email", email)])
        .await;
    let emailed = app.last_code(email).await;
    third
        .form("/api/auth/verify_code", &[("code", &emailed)])
        .await;
    assert_eq!(
        third
            .form("/api/auth/verify_second_factor", &[("code", &recovery[0])])
            .await
            .status(),
        422
    );

    // Removing needs a fresh code; a wrong one changes nothing.
    assert_eq!(
        browser
            .form("/api/account/remove_totp", &[("code", "123")])
            .await
            .status(),
        422
    );
    let fresh = code_at(&key, now_micros() + 30_000_000).expect("code");
    assert!(
        browser
            .form("/api/account/remove_totp", &[("code", &fresh)])
            .await
            .status()
            .is_success()
    );
    let status: serde_json::Value = browser
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(status["totp"], "Off");

    let actions = app.audit_actions().await;
    for action in [
        "auth.totp_enrolled",
        "auth.second_factor_required",
        "auth.recovery_code_used",
        "auth.totp_removed",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} missing");
    }
    app.stop().await;
}
on_both_backends!(enrol_sign_in_with_it_and_remove_it);
