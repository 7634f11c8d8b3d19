//! The web hardening the security policy promises: headers on every route (collected from
//! the router and the server-function registry), a CSP whose nonce the page's scripts carry,
//! CSRF refusal, POST-only server functions, security.txt, and private metrics.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

fn every_page_path() -> Vec<String> {
    leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| {
            r.path()
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replace("/{*any}", "/no-such-page")
        })
        .collect()
}

fn assert_hardened(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(
        get("referrer-policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    assert!(get("permissions-policy").contains("camera=()"), "{what}");
    assert!(
        get("permissions-policy").contains("geolocation=()"),
        "{what}"
    );
    assert!(
        get("permissions-policy").contains("microphone=()"),
        "{what}"
    );
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    // Signed-in answers are never kept by a browser's cache or a proxy.
    let cache = get("cache-control");
    assert!(
        cache.contains("no-store")
            || ((what == "/favicon.ico" || what.starts_with("/brand/"))
                && !cache.contains("public")),
        "{what}: cache-control {cache:?}"
    );
}

async fn every_route_answers_with_every_header(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.signed_in_browser("anna@firm.se").await;
    let pages = every_page_path();
    assert!(pages.len() >= 15, "{pages:?}");
    for path in &pages {
        let response = browser.get(path).await;
        assert_hardened(&response, path);
        if response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
        {
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .expect("csp")
                .to_owned();
            let body = response.text().await.expect("body");
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|s| s.split('\'').next())
                .expect("a nonce in the CSP");
            assert!(nonce.len() >= 16, "{nonce}");
            assert!(
                body.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: the page's scripts carry the CSP nonce"
            );
            assert!(!body.contains(" style=\""), "{path}: no inline styles");
        }
    }
    for path in server::startup::PLAIN_ROUTES {
        assert_hardened(&browser.get(path).await, path);
    }
    for (path, method) in server_fn_routes() {
        assert_eq!(method, "POST", "{path} changes data only by POST");
        assert_hardened(&browser.form(&path, &[]).await, &path);
    }
    // Two requests, two nonces.
    let a = browser.get("/").await.headers()["content-security-policy"].clone();
    let b = browser.get("/").await.headers()["content-security-policy"].clone();
    assert_ne!(a, b);
    app.stop().await;
}
on_both_backends!(every_route_answers_with_every_header);

fn server_fn_routes() -> Vec<(String, String)> {
    let routes: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()))
        .collect();
    assert!(routes.len() >= 30, "{routes:?}");
    routes
}

async fn a_cross_origin_post_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let fields = [
        ("date", "2026-03-01"),
        ("title", "Planted by another site"),
        ("provider", ""),
        ("hours", "2"),
        ("category", "teacher-led"),
        ("topic", ""),
        ("notes", ""),
    ];
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let response = anna
            .client
            .post(anna.url("/api/log/create_entry"))
            .header(name, value)
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 403, "{name}: {value}");
    }
    let log: serde_json::Value = anna
        .form("/api/log/get_log", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["entries"], serde_json::json!([]));
    // From our own pages it works.
    let ours = anna
        .client
        .post(anna.url("/api/log/create_entry"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.base.as_str())
        .form(&fields)
        .send()
        .await
        .expect("POST");
    assert!(ours.status().is_success(), "{}", ours.status());
    app.stop().await;
}
on_both_backends!(a_cross_origin_post_is_refused_and_changes_nothing);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_txt_follows_rfc_9116() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/.well-known/security.txt").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    for field in [
        "Contact: mailto:",
        "Expires: ",
        "Policy: ",
        "Preferred-Languages: en, sv",
        "Canonical: ",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_not_public() {
    let closed = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(closed.get("/metrics").await.status(), 404);
    closed.stop().await;

    let app = TestApp::spawn_with_vars(
        Backend::Sqlite,
        &[("METRICS_TOKEN", "scrape-me-0123456789")],
    )
    .await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .expect("GET");
    assert_eq!(wrong.status(), 401);
    // A wrong code counts as a sign-in failure.
    let browser = app.browser();
    browser
        .form("/api/auth/request_code", &[("email", "anna@firm.se")])
        .await;
    browser
        .form("/api/auth/verify_code", &[("code", "000000")])
        .await;
    let right = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me-0123456789")
        .send()
        .await
        .expect("GET");
    assert_eq!(right.status(), 200);
    let text = right.text().await.expect("text");
    assert!(
        text.contains("cpd_http_requests_total{class=\"2xx\"}"),
        "{text}"
    );
    assert!(
        text.contains("cpd_http_request_duration_seconds_count"),
        "{text}"
    );
    assert!(text.contains("cpd_sign_in_failures_total 1"), "{text}");
    assert!(text.contains("cpd_mail_outbox_depth"), "{text}");
    app.stop().await;
}
