//! Sign-in over HTTP, as browsers and API clients make it.

use crate::helpers::{Backend, TestApp, set_cookie};
use crate::on_both_backends;

const COOKIE: &str = "cpd_session";

async fn known_and_unknown_addresses_get_identical_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let _known = app.signed_in_browser("known@firm.se").await;

    app.forget_sent_codes().await;
    let mut answers = Vec::new();
    for email in ["known@firm.se", "nobody@firm.se"] {
        let response = app
            .browser()
            .form("/api/auth/request_code", &[("email", email)])
            .await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let mut names: Vec<String> = response.headers().keys().map(|k| k.to_string()).collect();
        names.sort();
        let body = response.text().await.expect("body");
        answers.push((status, location, names, body));
    }
    assert_eq!(answers[0], answers[1]);
    // Both got a code, sent from the outbox rather than on the request path.
    assert!(app.last_mail("nobody@firm.se").await.is_some());
    app.stop().await;
}
on_both_backends!(known_and_unknown_addresses_get_identical_answers);

async fn a_new_address_becomes_an_account_and_the_session_id_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let asked = browser
        .form("/api/auth/request_code", &[("email", "New.Person@Firm.se")])
        .await;
    assert_eq!(asked.headers()["location"], "/sign-in/code");
    let before = set_cookie(&asked, COOKIE).expect("a browser session for the challenge");

    let code = app.last_code("new.person@firm.se").await;
    let signed_in = browser
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert_eq!(
        signed_in.headers()["location"],
        "/account/profile?welcome=1"
    );
    let after = set_cookie(&signed_in, COOKIE).expect("a new session cookie");
    assert_ne!(before, after, "the session id must change at sign-in");
    let cookie_line = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| v.to_str().ok().filter(|c| c.starts_with(COOKIE)))
        .expect("cookie");
    assert!(
        cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Lax"),
        "{cookie_line}"
    );

    let me = browser.whoami().await;
    assert_eq!(me["email"], "new.person@firm.se");
    // The pre-sign-in session is gone: replaying its id gets nobody.
    let replay = reqwest::Client::new()
        .post(browser.url("/api/auth/current_user"))
        .header("cookie", format!("{COOKIE}={before}"))
        .send()
        .await
        .expect("POST");
    assert_eq!(replay.text().await.expect("body"), "null");

    let actions = app.audit_actions().await;
    for action in ["auth.code_requested", "account.created", "auth.signed_in"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from {actions:?}"
        );
    }
    app.stop().await;
}
on_both_backends!(a_new_address_becomes_an_account_and_the_session_id_changes);

async fn the_emailed_link_signs_in_only_the_browser_that_asked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let asker = app.browser();
    asker
        .form("/api/auth/request_code", &[("email", "link@firm.se")])
        .await;
    let link = app.last_link("link@firm.se").await;

    // Another browser (or a mail scanner) gets nothing, and does not use the link up.
    let stranger = app.browser();
    let refused = stranger.get(&link).await;
    assert_eq!(refused.headers()["location"], "/sign-in/code?link=failed");
    assert_eq!(stranger.whoami().await, serde_json::Value::Null);

    let accepted = asker.get(&link).await;
    assert_eq!(accepted.headers()["location"], "/account/profile?welcome=1");
    assert_eq!(asker.whoami().await["email"], "link@firm.se");

    // Single use.
    let again = app.browser();
    again
        .form("/api/auth/request_code", &[("email", "other@firm.se")])
        .await;
    assert_eq!(
        asker.get(&link).await.headers()["location"],
        "/sign-in/code?link=failed"
    );
    app.stop().await;
}
on_both_backends!(the_emailed_link_signs_in_only_the_browser_that_asked);

async fn wrong_expired_reused_and_foreign_codes_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", "codes@firm.se")])
        .await;
    let code = app.last_code("codes@firm.se").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let refused = browser
        .form("/api/auth/verify_code", &[("code", wrong)])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Tries left: 4")
    );

    // Another browser cannot use this browser's code.
    let other = app.browser();
    other
        .form("/api/auth/request_code", &[("email", "someone@firm.se")])
        .await;
    let foreign = other
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert_eq!(foreign.status(), 422);

    // Expired.
    sqlx::query(&format!(
        "UPDATE otp_challenges SET expires_at_us = 0 WHERE email_index = '{}'",
        crate::helpers::email_index("codes@firm.se")
    ))
    .execute(&app.db().pool)
    .await
    .expect("expire");
    let expired = browser
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert!(expired.text().await.expect("body").contains("expired"));

    // A fresh code works once, then never again (and the replaced one never).
    sqlx::query("DELETE FROM otp_challenges")
        .execute(&app.db().pool)
        .await
        .expect("reset");
    sqlx::query("DELETE FROM rate_events")
        .execute(&app.db().pool)
        .await
        .expect("reset");
    browser
        .form("/api/auth/request_code", &[("email", "codes@firm.se")])
        .await;
    let fresh = app.last_code("codes@firm.se").await;
    assert!(
        browser
            .form("/api/auth/verify_code", &[("code", &fresh)])
            .await
            .status()
            .is_success()
    );
    browser.form("/api/auth/sign_out", &[]).await;
    let reused = browser
        .form("/api/auth/verify_code", &[("code", &fresh)])
        .await;
    assert_eq!(reused.status(), 422);
    app.stop().await;
}
on_both_backends!(wrong_expired_reused_and_foreign_codes_are_refused);

async fn five_wrong_codes_end_the_challenge(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", "five@firm.se")])
        .await;
    let code = app.last_code("five@firm.se").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        browser
            .form("/api/auth/verify_code", &[("code", wrong)])
            .await;
    }
    let response = browser
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Ask for a new code")
    );
    assert_eq!(browser.whoami().await, serde_json::Value::Null);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "auth.sign_in_failed")
            .count()
            >= 5
    );
    app.stop().await;
}
on_both_backends!(five_wrong_codes_end_the_challenge);

async fn resending_replaces_the_code_and_is_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", "again@firm.se")])
        .await;
    let first = app.last_code("again@firm.se").await;

    // Within the minute: refused with 429 and Retry-After for an API client.
    let throttled = browser.form("/api/auth/resend_code", &[]).await;
    assert_eq!(throttled.status(), 429);
    let retry: u64 = throttled.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");

    // A minute later the resend goes out and the old code is dead.
    sqlx::query("UPDATE otp_challenges SET created_at_us = created_at_us - 61000000")
        .execute(&app.db().pool)
        .await
        .expect("age");
    assert!(
        browser
            .form("/api/auth/resend_code", &[])
            .await
            .status()
            .is_success()
    );
    let second = app.last_code("again@firm.se").await;
    if first != second {
        let old = browser
            .form("/api/auth/verify_code", &[("code", &first)])
            .await;
        assert_eq!(old.status(), 422);
    }
    assert!(
        browser
            .form("/api/auth/verify_code", &[("code", &second)])
            .await
            .status()
            .is_success()
    );
    app.stop().await;
}
on_both_backends!(resending_replaces_the_code_and_is_throttled);

async fn a_plain_form_gets_its_error_back_on_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let response = browser
        .html_form(
            "/api/auth/request_code",
            &[("email", "not an address")],
            "/sign-in?next=%2Flog",
        )
        .await;
    // The answer to the post is the form's page itself: no redirect, nothing in a URL or
    // a cookie that a later request could replay.
    assert_eq!(response.status(), 422);
    assert!(response.headers().get("location").is_none());
    assert!(crate::helpers::set_cookie(&response, "cpd_flash").is_none());
    let page = response.text().await.expect("body");
    assert!(
        page.contains("Enter an email address like name@firm.se."),
        "{page}"
    );
    assert!(page.contains(r#"role="alert""#));
    assert!(
        page.contains(r#"value="not an address""#),
        "the address is kept: {page}"
    );
    // A plain visit shows nothing of it.
    let again = browser.page("/sign-in").await;
    assert!(
        !again.contains("Enter an email address like name@firm.se."),
        "{again}"
    );
    app.stop().await;
}
on_both_backends!(a_plain_form_gets_its_error_back_on_the_page);

/// The review's reflected-text hole: `?__err=` let anyone put any message in a red alert on
/// our domain. Only messages the server made for that browser's own post are shown.
async fn no_url_or_forged_cookie_puts_text_on_a_page(backend: Backend) {
    use base64::Engine as _;
    let app = TestApp::spawn(backend).await;
    let lie = r#"{"Invalid":{"field":"email","message":"Your account is suspended: call +46 70 000 00 00"}}"#;
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(lie);
    let crafted = format!("/sign-in?__path=%2Fapi%2Fauth%2Frequest_code&__err={encoded}");
    let page = app.browser().page(&crafted).await;
    assert!(!page.contains("suspended"), "{page}");
    // Nor does a cookie (the error once travelled in one).
    let (_, page) = app
        .get_text("/sign-in", &[("cookie", &format!("cpd_flash={encoded}"))])
        .await;
    assert!(!page.contains("suspended"), "{page}");
    app.stop().await;
}
on_both_backends!(no_url_or_forged_cookie_puts_text_on_a_page);

async fn too_many_code_requests_from_one_address_get_429(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let limit =
        usize::try_from(app::backend::auth::rate_limit::CODE_REQUESTS_PER_IP.limit).expect("small");
    let mut statuses = Vec::new();
    for n in 0..=limit {
        let email = format!("flood{n}@firm.se");
        statuses.push(
            browser
                .form("/api/auth/request_code", &[("email", &email)])
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(statuses[..limit].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[limit], 429);
    app.stop().await;
}
on_both_backends!(too_many_code_requests_from_one_address_get_429);

async fn sessions_survive_restarts_and_are_shared_by_instances(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let browser = app.signed_in_browser("stays@firm.se").await;
    app.restart().await;
    let browser = crate::helpers::Browser {
        base: app.base.clone(),
        ..browser
    };
    assert_eq!(browser.whoami().await["email"], "stays@firm.se");

    // A second instance on the same database knows the session too.
    let second = server::startup::Server::start(crate::helpers::test_config(
        &app.database_url,
        app.dir.path(),
    ))
    .await
    .expect("second instance");
    let other = crate::helpers::Browser {
        base: format!("http://{}", second.addr),
        client: browser.client.clone(),
    };
    assert_eq!(other.whoami().await["email"], "stays@firm.se");
    second.stop().await.expect("stop");
    app.stop().await;
}
on_both_backends!(sessions_survive_restarts_and_are_shared_by_instances);

async fn sign_out_revoke_and_sign_out_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let laptop = app.signed_in_browser("many@firm.se").await;
    let phone = app.signed_in_browser("many@firm.se").await;
    let tablet = app.signed_in_browser("many@firm.se").await;

    let sessions: serde_json::Value = laptop
        .form("/api/account/list_sessions", &[])
        .await
        .json()
        .await
        .expect("json");
    let list = sessions.as_array().expect("list");
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_handle = {
        let mine: serde_json::Value = phone
            .form("/api/account/list_sessions", &[])
            .await
            .json()
            .await
            .expect("json");
        mine.as_array()
            .expect("list")
            .iter()
            .find(|s| s["current"] == true)
            .expect("current")["handle"]
            .as_str()
            .expect("handle")
            .to_owned()
    };

    // Ending another session needs a fresh confirmation: a stolen cookie is not enough.
    let refused = laptop
        .form("/api/account/revoke_session", &[("handle", &phone_handle)])
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(phone.whoami().await["email"], "many@firm.se");
    app.step_up(&laptop, "many@firm.se").await;
    app.step_up(&tablet, "many@firm.se").await;
    // The laptop ends the phone's session.
    assert!(
        laptop
            .form("/api/account/revoke_session", &[("handle", &phone_handle)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(phone.whoami().await, serde_json::Value::Null);
    // Nobody else can end the laptop's session with a made-up handle.
    assert_eq!(
        tablet
            .form(
                "/api/account/revoke_session",
                &[("handle", "0000000000000000")]
            )
            .await
            .status(),
        404
    );

    // Signing out ends this session only…
    laptop.form("/api/auth/sign_out", &[]).await;
    assert_eq!(laptop.whoami().await, serde_json::Value::Null);
    assert_eq!(tablet.whoami().await["email"], "many@firm.se");
    // …and "everywhere" ends them all.
    let again = app.signed_in_browser("many@firm.se").await;
    let refused = again
        .form("/api/auth/sign_out", &[("everywhere", "1")])
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(tablet.whoami().await["email"], "many@firm.se");
    app.step_up(&again, "many@firm.se").await;
    again
        .form("/api/auth/sign_out", &[("everywhere", "1")])
        .await;
    assert_eq!(tablet.whoami().await, serde_json::Value::Null);

    let actions = app.audit_actions().await;
    for action in [
        "auth.session_revoked",
        "auth.signed_out",
        "auth.signed_out_everywhere",
        "auth.step_up_requested",
        "auth.stepped_up",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} missing");
    }
    app.stop().await;
}
on_both_backends!(sign_out_revoke_and_sign_out_everywhere);

async fn account_pages_need_a_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anonymous = app.browser();
    for path in [
        "/api/account/get_profile",
        "/api/account/list_sessions",
        "/api/account/security_status",
        "/api/account/start_totp",
    ] {
        assert_eq!(anonymous.form(path, &[]).await.status(), 401, "{path}");
    }
    let page = anonymous.get("/account/profile").await;
    assert_eq!(page.status(), 401);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Please sign in to continue.")
    );
    app.stop().await;
}
on_both_backends!(account_pages_need_a_session);

/// Signing in from a page that asked for it comes back to that page (a path of ours only).
async fn signing_in_returns_to_the_page_asked_for(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let page = browser.page("/log?year=2025").await;
    assert!(
        page.contains(r#"href="/sign-in?next=/log%3Fyear%3D2025""#),
        "{page}"
    );
    let page = browser.page("/sign-in?next=/log%3Fyear%3D2025").await;
    assert!(
        page.contains(r#"name="next" value="/log?year=2025""#),
        "{page}"
    );
    let asked = browser
        .form(
            "/api/auth/request_code",
            &[("email", "back@firm.se"), ("next", "/log?year=2025")],
        )
        .await;
    assert_eq!(
        asked.headers()["location"],
        "/sign-in/code?next=/log%3Fyear%3D2025"
    );
    // A first sign-in fills the profile first; a later one goes back.
    let code = app.last_code("back@firm.se").await;
    let first = browser
        .form(
            "/api/auth/verify_code",
            &[("code", &code), ("next", "/log?year=2025")],
        )
        .await;
    assert_eq!(first.headers()["location"], "/account/profile?welcome=1");
    browser
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", "B"),
                ("title", "advokat"),
                ("admission_date", ""),
                ("birth_date", ""),
                ("rule_set", ""),
                ("language", "en"),
            ],
        )
        .await;
    // Signed out and in again with `next`: where the code's answer sends the browser.
    let again = async |next: &str| {
        browser.form("/api/auth/sign_out", &[]).await;
        app.forget_sent_codes().await;
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        browser
            .form("/api/auth/request_code", &[("email", "back@firm.se")])
            .await;
        let code = app.last_code("back@firm.se").await;
        let answer = browser
            .form("/api/auth/verify_code", &[("code", &code), ("next", next)])
            .await;
        answer.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    assert_eq!(again("/log?year=2025").await, "/log?year=2025");
    // Never another site.
    assert_eq!(again("//evil.example/").await, "/dashboard");
    app.stop().await;
}
on_both_backends!(signing_in_returns_to_the_page_asked_for);
