//! Rendering an app page inside a handler of ours, with something of this request's in
//! context: the verification page with its check, a refused form's page with the
//! submission. The page is rendered as the GET of `uri` would be (same headers, so the
//! same session and language), plus `extra`.

use app::backend::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

pub async fn render_page<T>(state: AppState, headers: &HeaderMap, uri: &str, extra: T) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    let mut request = Request::builder().method(Method::GET).uri(uri);
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            request = request.header(name, value);
        }
    }
    let Ok(request) = request.body(Body::empty()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(extra.clone());
        },
        move || app::shell(options.clone()),
    );
    handler(request).await
}

/// The same, answered with `status` (a refused form's 422, a problem page's 404…).
pub async fn render_with_status<T>(
    state: AppState,
    headers: &HeaderMap,
    uri: &str,
    extra: T,
    status: StatusCode,
) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    let mut page = render_page(state, headers, uri, extra).await;
    *page.status_mut() = status;
    page
}

/// A refused submission's page, with the status its error calls for.
pub async fn render_refused(
    state: AppState,
    headers: &HeaderMap,
    uri: &str,
    submitted: app::components::form::Submitted,
) -> Response {
    let status =
        StatusCode::from_u16(submitted.error.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    render_with_status(state, headers, uri, submitted, status).await
}
