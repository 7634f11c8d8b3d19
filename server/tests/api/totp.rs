//! The authenticator app, end to end over HTTP: enrol, sign in with it, remove it.

use crate::helpers::{Backend, Browser, TestApp};
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

/// The security page's state for `browser`, as JSON.
async fn security_status(browser: &Browser) -> serde_json::Value {
    browser
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json")
}

/// A six-digit code the app shows at none of the steps around now.
fn wrong_code(key: &str) -> &'static str {
    let now = now_micros();
    let near: Vec<String> = [now - 30_000_000, now, now + 30_000_000]
        .iter()
        .map(|t| code_at(key, *t).expect("code"))
        .collect();
    ["000000", "111111", "222222", "333333"]
        .into_iter()
        .find(|c| !near.iter().any(|n| n == c))
        .expect("a wrong code")
}

/// Starts the app's enrolment on `browser` (stepping up first); returns the secret's key.
async fn start_enrolment(app: &TestApp, browser: &Browser, email: &str) -> String {
    app.step_up(browser, email).await;
    let started = browser.form("/api/account/start_totp", &[]).await;
    assert!(started.status().is_success(), "{}", started.status());
    security_status(browser).await["totp"]["Pending"]["manual_key"]
        .as_str()
        .expect("the starting session sees its key")
        .to_owned()
}

/// Enrols the app on `browser`; returns the key and the recovery codes.
async fn enrol(app: &TestApp, browser: &Browser, email: &str) -> (String, Vec<String>) {
    let key = start_enrolment(app, browser, email).await;
    let code = code_at(&key, now_micros()).expect("code");
    let confirmed = browser
        .form("/api/account/confirm_totp", &[("code", &code)])
        .await;
    assert!(confirmed.status().is_success(), "{}", confirmed.status());
    let recovery =
        serde_json::from_value(security_status(browser).await["fresh_recovery_codes"].clone())
            .expect("recovery codes");
    (key, recovery)
}

/// A new browser signed in with the emailed code, still owing the app's.
async fn half_signed_in(app: &TestApp, email: &str) -> Browser {
    app.forget_sent_codes().await;
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", email)])
        .await;
    let emailed = app.last_code(email).await;
    let signed = browser
        .form("/api/auth/verify_code", &[("code", &emailed)])
        .await;
    assert_eq!(signed.headers()["location"], "/sign-in/second-factor");
    browser
}

/// From the review: a stolen session cookie read the pending secret of an enrolment the
/// person had started elsewhere, confirmed it without any step-up, and so took the account
/// (its session marked as having passed the app, the person's own sessions ended, the
/// recovery codes shown to it). A pending secret is now the starting session's alone, needs
/// that session's fresh step-up to be seen or confirmed, and lapses after 15 minutes.
async fn a_stolen_session_can_neither_read_nor_confirm_a_pending_app(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "victim@firm.se";
    let victim = app.signed_in_browser(email).await;
    let thief = app.signed_in_browser(email).await;
    let key = start_enrolment(&app, &victim, email).await;
    let code = || code_at(&key, now_micros()).expect("code");

    // The other session sees no secret, neither in the function's answer nor on the page.
    let seen = security_status(&thief).await;
    assert_eq!(seen["totp"], "Off", "{seen}");
    assert!(!seen.to_string().contains(&key));
    assert!(!thief.page("/account/security").await.contains(&key));
    // Knowing the secret anyway, it cannot confirm it: first it lacks a step-up…
    let refused = thief
        .form("/api/account/confirm_totp", &[("code", &code())])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused.text().await.expect("body").contains("confirm"),
        "told to confirm it is the person"
    );
    // …and even stepped up, the enrolment is not its own.
    app.step_up(&thief, email).await;
    assert_eq!(security_status(&thief).await["totp"], "Off");
    assert_eq!(
        thief
            .form("/api/account/confirm_totp", &[("code", &code())])
            .await
            .status(),
        422
    );
    assert_eq!(
        victim.whoami().await["email"],
        email,
        "the person stays signed in"
    );
    let thiefs_mark: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(second_factor_at_us) FROM sessions WHERE user_id = (SELECT id FROM users WHERE email_index = $1)",
    )
    .bind(crate::helpers::email_index(email))
    .fetch_one(&app.db().pool)
    .await
    .expect("sessions");
    assert_eq!(thiefs_mark, None, "no session passed an app");

    // The starting session itself needs its step-up fresh: once it lapses, the secret is
    // neither shown nor confirmable (the victim's cookie stolen later is no better)…
    sqlx::query("UPDATE sessions SET stepped_up_until_us = stepped_up_until_us - 660000000")
        .execute(&app.db().pool)
        .await
        .expect("age the step-ups");
    assert_eq!(security_status(&victim).await["totp"], "Off");
    assert_eq!(
        victim
            .form("/api/account/confirm_totp", &[("code", &code())])
            .await
            .status(),
        422
    );
    // …and a pending secret lapses after 15 minutes, stepped up or not.
    app.step_up(&victim, email).await;
    assert_eq!(
        security_status(&victim).await["totp"]["Pending"]["manual_key"],
        key.as_str(),
        "shown again to its own session, stepped up"
    );
    sqlx::query("UPDATE totp_secrets SET created_at_us = created_at_us - 960000000")
        .execute(&app.db().pool)
        .await
        .expect("age the enrolment");
    assert_eq!(security_status(&victim).await["totp"], "Off");
    assert_eq!(
        victim
            .form("/api/account/confirm_totp", &[("code", &code())])
            .await
            .status(),
        422
    );
    // The daily clean-up removes it.
    let removed = app::backend::cleanup::run(app.db(), now_micros())
        .await
        .expect("clean-up");
    assert_eq!(removed.pending_totp, 1, "{removed:?}");

    // Done properly, in one session: the other one (the thief's) is ended.
    let (_, recovery) = enrol(&app, &victim, email).await;
    assert_eq!(recovery.len(), 10);
    assert!(thief.whoami().await.is_null());
    app.stop().await;
}
on_both_backends!(a_stolen_session_can_neither_read_nor_confirm_a_pending_app);

/// From the review: removing the app left the sessions that had passed it marked so, and
/// the firm's rule that administrators use an app kept letting them administer.
async fn removing_the_app_ends_what_its_sessions_passed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "owner@firm.se";
    let owner = app.signed_in_browser(email).await;
    let (key, recovery) = enrol(&app, &owner, email).await;
    // A second session signs in with the app (a recovery code), so it passed it too.
    let laptop = half_signed_in(&app, email).await;
    assert!(
        laptop
            .form("/api/auth/verify_second_factor", &[("code", &recovery[0])])
            .await
            .status()
            .is_success()
    );
    let require = [
        ("name", "Berg & Co"),
        ("org_number", ""),
        ("default_rule_set", "se-advokat"),
        ("require_second_factor", "on"),
    ];
    assert!(
        owner
            .form("/api/firm/update_settings", &require)
            .await
            .status()
            .is_success()
    );
    for session in [&owner, &laptop] {
        assert_eq!(
            session.form("/api/firm/get_members", &[]).await.status(),
            200
        );
    }
    let code = code_at(&key, now_micros() + 30_000_000).expect("code");
    assert!(
        owner
            .form("/api/account/remove_totp", &[("code", &code)])
            .await
            .status()
            .is_success()
    );
    for session in [&owner, &laptop] {
        let refused = session.form("/api/firm/get_members", &[]).await;
        assert_eq!(refused.status(), 422, "no app, no administration");
        assert!(
            refused
                .text()
                .await
                .expect("body")
                .contains("authenticator")
        );
    }
    let marked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE second_factor_at_us IS NOT NULL")
            .fetch_one(&app.db().pool)
            .await
            .expect("sessions");
    assert_eq!(marked, 0);
    app.stop().await;
}
on_both_backends!(removing_the_app_ends_what_its_sessions_passed);

/// From the review: guesses at the app's code counted against two lockouts (the step-up's
/// and the sign-in's), so an intruder got twice the documented guesses. Every guess, at
/// sign-in, step-up, enrolment or removal, now counts against one: after the free failures
/// (`FREE_FAILURES`, 10) one more try is answered and locks, and then every place waits.
async fn every_guess_at_the_app_counts_against_one_lockout(backend: Backend) {
    use app::backend::auth::lockout::FREE_FAILURES;
    let app = TestApp::spawn(backend).await;
    let email = "guess@firm.se";
    let person = app.signed_in_browser(email).await;
    let (key, _) = enrol(&app, &person, email).await;
    let signing_in = half_signed_in(&app, email).await;
    let wrong = wrong_code(&key);
    let places: [(&Browser, &str); 3] = [
        (&person, "/api/account/confirm_step_up"),
        (&person, "/api/account/remove_totp"),
        (&signing_in, "/api/auth/verify_second_factor"),
    ];
    let free = usize::try_from(FREE_FAILURES).expect("small");
    for i in 0..free {
        let (browser, path) = places[i % places.len()];
        let answer = browser.form(path, &[("code", wrong)]).await;
        assert_eq!(answer.status(), 422, "guess {} at {path}", i + 1);
    }
    // One more is still answered (and earns the lock)…
    let (browser, path) = places[free % places.len()];
    assert_eq!(browser.form(path, &[("code", wrong)]).await.status(), 422);
    // …then every place waits, even with the right code.
    let right = code_at(&key, now_micros() + 30_000_000).expect("code");
    for (browser, path) in places {
        assert_eq!(
            browser.form(path, &[("code", &right)]).await.status(),
            429,
            "{path} is locked too"
        );
    }
    let counted: Vec<(String, i64)> =
        sqlx::query_as("SELECT subject, failures FROM lockouts ORDER BY subject")
            .fetch_all(&app.db().pool)
            .await
            .expect("lockouts");
    assert_eq!(counted.len(), 1, "one subject: {counted:?}");
    assert_eq!(counted[0].1, FREE_FAILURES + 1, "{counted:?}");
    app.stop().await;
}
on_both_backends!(every_guess_at_the_app_counts_against_one_lockout);
