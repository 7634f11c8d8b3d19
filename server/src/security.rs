//! Web hardening on every response: security headers (the CSP of HTML pages carries the
//! per-request nonce the page's scripts use, set while the page renders) and a CSRF check
//! that refuses data-changing requests sent by a browser from another site.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::backend::csp;

/// Settings the header layer needs.
#[derive(Debug, Clone)]
pub struct Hardening {
    /// Send HSTS (production over HTTPS).
    pub hsts: bool,
    /// `scheme://host[:port]` people use; a browser's `Origin` must match it.
    pub public_origin: String,
}

impl Hardening {
    pub fn from_config(config: &app::backend::config::Config) -> Hardening {
        let url = config.http.public_url.as_str();
        // scheme://host[:port], without any path.
        let origin = match url.find("://") {
            Some(i) => match url[i + 3..].find('/') {
                Some(j) => url[..i + 3 + j].to_owned(),
                None => url.to_owned(),
            },
            None => url.to_owned(),
        };
        Hardening {
            hsts: config.is_production() && url.starts_with("https://"),
            public_origin: origin,
        }
    }
}

/// Adds the security headers to every response.
pub async fn headers(State(hardening): State<Hardening>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    set_headers(response.headers_mut(), hardening.hsts);
    // Nothing but the static assets may be kept by a browser or a shared cache: pages carry
    // a fresh nonce and, signed in, personal data; a shared computer's back button or a
    // proxy must not show them to the next person.
    if !is_static_asset(&path) && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// The files cargo-leptos builds and the public assets: the same for everyone.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/brand/")
        || matches!(path, "/favicon.ico" | "/robots.txt")
}

pub fn set_headers(headers: &mut HeaderMap, hsts: bool) {
    // HTML pages set their own CSP (with the nonce) while rendering.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp::NON_HTML),
        );
    }
    let fixed = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "geolocation=(), microphone=(), camera=(), payment=(), usb=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

/// Why a request was refused as cross-site, if it was.
pub fn cross_site(
    method: &Method,
    headers: &HeaderMap,
    public_origin: &str,
) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    // Browsers send Sec-Fetch-Site on every request: "same-origin" from our own pages,
    // "none" when the person typed or bookmarked it.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return (!matches!(site, "same-origin" | "none")).then_some("sec-fetch-site");
    }
    // Older browsers: the Origin of a POST must be ours ("null" is a sandboxed or opaque
    // origin, never ours). Clients without either header are not browsers, and a CSRF
    // attack needs a browser.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host_origin = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| format!("http://{h}"));
        let ours = origin == public_origin || host_origin.as_deref() == Some(origin);
        return (!ours).then_some("origin");
    }
    None
}

/// Refuses data-changing requests from other sites with 403, before anything runs.
pub async fn csrf(State(hardening): State<Hardening>, request: Request, next: Next) -> Response {
    if let Some(reason) = cross_site(
        request.method(),
        request.headers(),
        &hardening.public_origin,
    ) {
        tracing::warn!(
            target: "security",
            path = %request.uri().path(),
            reason,
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused. Go back to the page and try again.",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn cross_site_posts_are_refused_and_same_site_ones_pass() {
        let ours = "https://cpd.example.se";
        let post = Method::POST;
        assert_eq!(
            cross_site(&post, &headers(&[("sec-fetch-site", "cross-site")]), ours),
            Some("sec-fetch-site")
        );
        assert_eq!(
            cross_site(&post, &headers(&[("sec-fetch-site", "same-site")]), ours),
            Some("sec-fetch-site")
        );
        assert_eq!(
            cross_site(&post, &headers(&[("sec-fetch-site", "same-origin")]), ours),
            None
        );
        assert_eq!(
            cross_site(&post, &headers(&[("origin", "https://evil.example")]), ours),
            Some("origin")
        );
        assert_eq!(
            cross_site(&post, &headers(&[("origin", "null")]), ours),
            Some("origin")
        );
        assert_eq!(
            cross_site(
                &post,
                &headers(&[("origin", "https://cpd.example.se")]),
                ours
            ),
            None
        );
        assert_eq!(cross_site(&post, &headers(&[]), ours), None);
        assert_eq!(
            cross_site(
                &Method::GET,
                &headers(&[("sec-fetch-site", "cross-site")]),
                ours
            ),
            None
        );
    }
}
