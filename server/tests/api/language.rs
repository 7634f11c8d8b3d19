use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

const SET_LANGUAGE: &str = "/api/preferences/set_language";

async fn switching_language_sets_a_cookie_and_returns_to_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    // What a browser without JavaScript sends for the switch's form.
    let response = app
        .client
        .post(app.url(SET_LANGUAGE))
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("back=%2Fsecurity&lang=sv")
        .send()
        .await
        .expect("POST");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/security");
    let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.starts_with("lang=sv;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    app.stop().await;
}
on_both_backends!(switching_language_sets_a_cookie_and_returns_to_the_page);

async fn the_switch_is_not_an_open_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for back in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
    ] {
        let response = app
            .client
            .post(app.url(SET_LANGUAGE))
            .header("accept", "text/html")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("back={back}&lang=en"))
            .send()
            .await
            .expect("POST");
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap_or("?").to_owned());
        assert!(
            location.as_deref().is_none_or(|l| !l.contains("evil")),
            "{back} redirected to {location:?}"
        );
    }
    app.stop().await;
}
on_both_backends!(the_switch_is_not_an_open_redirect);

async fn an_unknown_language_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client
        .post(app.url(SET_LANGUAGE))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("lang=xx")
        .send()
        .await
        .expect("POST");
    assert!(!response.status().is_success(), "{}", response.status());
    assert!(response.headers().get("set-cookie").is_none());
    let body = response.text().await.expect("body");
    assert!(body.contains("Invalid"), "{body}");
    app.stop().await;
}
on_both_backends!(an_unknown_language_is_refused_and_changes_nothing);

/// A successful switch whose `back` merely looks like a refused form (`__path`/`__err` of
/// the attacker's) is a plain redirect: no page renders the attacker's text in an alert.
async fn a_back_that_looks_like_an_error_puts_no_text_on_a_page(backend: Backend) {
    use base64::Engine as _;
    let app = TestApp::spawn(backend).await;
    let lie = r#"{"Invalid":{"field":"email","message":"Your account is suspended: call +46 70 000 00 00"}}"#;
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(lie);
    let back = format!("/sign-in?__path=/api/auth/request_code&__err={encoded}");
    let response = app
        .client
        .post(app.url(SET_LANGUAGE))
        .header("accept", "text/html")
        .header("referer", app.url("/sign-in"))
        .form(&[("back", back.as_str()), ("lang", "en")])
        .send()
        .await
        .expect("POST");
    assert!(response.status().is_redirection(), "{}", response.status());
    let body = response.text().await.expect("body");
    assert!(!body.contains("suspended"), "{body}");
    let page = app.browser().page(&back).await;
    assert!(!page.contains("suspended"), "{page}");
    app.stop().await;
}
on_both_backends!(a_back_that_looks_like_an_error_puts_no_text_on_a_page);
