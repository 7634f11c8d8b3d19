//! What the CSV download routes share: the signed-in person (as server functions find
//! them), and the response that hands a file to the browser.

use app::AppError;
use app::backend::auth::viewer::{self, Viewer};
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// The fully signed-in person, or the response to send instead (to sign-in, or 500).
pub async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<(Viewer, RequestMeta), Response> {
    let meta = RequestMeta::from_headers(headers, Some(peer.ip()), &state.config.trusted_proxies);
    match viewer::load(state, headers, &meta).await {
        Ok(Some(v)) if !v.pending_second_factor => Ok((v, meta)),
        Ok(_) => Err(Redirect::to("/sign-in").into_response()),
        Err(error) => {
            tracing::error!(error = %error, "loading the session failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// A CSV attachment, never cached.
pub fn csv(body: String, filename: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Sends the browser on to a freshly issued link (never cached), or says why not.
pub fn see_other(link: Result<String, AppError>) -> Response {
    match link {
        Ok(url) => match HeaderValue::from_str(&url) {
            Ok(location) => (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, location),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("private, no-store"),
                    ),
                ],
            )
                .into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => refused(error),
    }
}

/// The link disposition a `?d=` parameter asks for (inline when absent).
pub fn disposition(d: Option<&str>) -> Option<app::backend::storage::Disposition> {
    use app::backend::storage::Disposition;
    match d {
        None => Some(Disposition::Inline),
        Some(d) => Disposition::parse(d),
    }
}

/// The response for a refused or failed export.
pub fn refused(error: AppError) -> Response {
    match error {
        AppError::Forbidden => StatusCode::FORBIDDEN.into_response(),
        AppError::Invalid { message, .. } => (StatusCode::FORBIDDEN, message).into_response(),
        other => {
            tracing::error!(error = ?other, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
