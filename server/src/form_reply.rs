//! A refused form comes back as its own page, with what the person typed and the error at
//! each wrong field, in the answer to that very post.
//!
//! Forms post straight to server functions (with or without JavaScript). When one refuses,
//! Leptos answers with a redirect to the form's page carrying the error in the query
//! (`?__path=…&__err=…`). That lost everything typed, let the query grow with each retry,
//! and let anyone put any text in a red alert with a crafted link. Here the redirect is
//! replaced by the page itself, rendered for the form's address with the submission in
//! context ([`app::components::form::Submitted`]), and the error's own status (422, 403,
//! 429…). Nothing is stored and nothing comes from a URL: the text shown is the one the
//! server just made, for this request only.

use crate::routes::render::render_refused;
use app::AppError;
use app::backend::state::AppState;
use app::components::form::Submitted;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::FromServerFnError;

/// Form bodies larger than this are refused with 413 (no form of ours comes near it).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Fields never sent back into a page: codes and tokens are typed again, not kept.
const NOT_KEPT: [&str; 5] = ["code", "token", "recovery_code", "secret", "csrf"];

pub async fn reply(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_form_post = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form_post {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let headers = parts.headers.clone();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let Some((page, path)) = refused(&response) else {
        return response;
    };
    // The error itself is the function's own answer (the body Leptos kept under the
    // redirect), never the copy in the Location, which a caller-chosen `back` could carry.
    let (response_parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let error = AppError::de(body);
    let response = Response::from_parts(response_parts, Body::empty());
    let submitted = Submitted {
        path,
        error,
        fields: kept_fields(&bytes),
    };
    let mut page = render_refused(state, &headers, &page, submitted).await;
    // Whatever the function set (a cookie, Retry-After) still reaches the browser.
    for name in [header::SET_COOKIE, header::RETRY_AFTER] {
        for value in response.headers().get_all(&name) {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}

/// The form page and the function's path, when `response` is Leptos's redirect for a
/// server function that returned an error: such a response carries the `serverfnerror`
/// header naming the function (a successful redirect never does, whatever its target
/// says). The page must be one of ours (a path, never another host).
fn refused(response: &Response) -> Option<(String, String)> {
    if !response.status().is_redirection() {
        return None;
    }
    let path = response
        .headers()
        .get(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)?
        .to_str()
        .ok()?
        .to_owned();
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let page = local_path(&without_error(location)).unwrap_or_else(|| "/".to_owned());
    Some((page, path))
}

/// The path and query of `target` when it points at this site: Leptos builds it from the
/// Referer, which the browser sets to the full URL of the form's page.
fn local_path(target: &str) -> Option<String> {
    let rest = match target.find("://") {
        Some(i) => {
            let after = &target[i + 3..];
            &after[after.find('/')?..]
        }
        None => target,
    };
    app::api::preferences::is_local_path(rest).then(|| rest.to_owned())
}

/// A redirect target without the error Leptos put in its query (`__path`, `__err`).
fn without_error(location: &str) -> String {
    let Some((base, query)) = location.split_once('?') else {
        return location.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.starts_with("__path=") && !pair.starts_with("__err="))
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// The submitted fields, less those that are never sent back.
fn kept_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .filter(|(name, _)| !NOT_KEPT.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE;

    /// A redirect target header, for tests that build responses.
    fn redirect(location: &str) -> Response {
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(value) = HeaderValue::from_str(location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        response
    }

    #[test]
    fn the_error_is_taken_out_of_the_target() {
        assert_eq!(
            without_error("/log/new?year=2026&__path=%2Fapi%2Flog%2Fcreate_entry&__err=eyJ9"),
            "/log/new?year=2026"
        );
        assert_eq!(without_error("/log/new?__path=%2Fx&__err=e"), "/log/new");
        assert_eq!(without_error("/log/new?saved=1"), "/log/new?saved=1");
        assert_eq!(without_error("/log"), "/log");
    }

    #[test]
    fn only_our_own_pages_are_rendered() {
        assert_eq!(
            local_path("https://cpd.example.se/log/new?year=2026").as_deref(),
            Some("/log/new?year=2026")
        );
        assert_eq!(local_path("/sign-in").as_deref(), Some("/sign-in"));
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("//evil.example/x"), None);
        assert_eq!(local_path("/\\evil.example"), None);
    }

    #[test]
    fn codes_and_tokens_are_not_kept() {
        let fields = kept_fields(b"email=a%40b.se&code=123456&token=t&title=Arbetsr%C3%A4tt+dag");
        assert_eq!(
            fields,
            vec![
                ("email".to_owned(), "a@b.se".to_owned()),
                ("title".to_owned(), "Arbetsrätt dag".to_owned())
            ]
        );
    }

    #[test]
    fn only_a_function_error_is_a_refusal() {
        let error = URL_SAFE.encode(AppError::NotFound.ser());
        let target = format!("/x?__path=%2Fapi%2Fy&__err={error}");
        // A successful redirect to a target that merely looks like an error (a language
        // switch's `back`) is passed on untouched.
        assert!(refused(&redirect(&target)).is_none());
        let mut failed = redirect(&target);
        failed.headers_mut().insert(
            leptos::server_fn::error::SERVER_FN_ERROR_HEADER,
            HeaderValue::from_static("/api/y"),
        );
        let (page, path) = refused(&failed).expect("refused");
        assert_eq!((page.as_str(), path.as_str()), ("/x", "/api/y"));
        assert!(refused(&redirect("/log?added=1")).is_none());
    }
}
