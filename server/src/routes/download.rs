//! What the download routes (CSV files, stored certificates and reports) share: the signed-in person (as server functions find
//! them), and the response that hands a file to the browser.

use app::AppError;
use app::backend::auth::viewer::{self, Viewer};
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::backend::storage::Disposition;
use app::pages::not_found::Problem;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// The fully signed-in person, or the response to send instead (to sign-in, or 500).
pub async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<(Viewer, RequestMeta), Response> {
    let meta =
        RequestMeta::from_headers(headers, Some(peer.ip()), &state.config.http.trusted_proxies);
    match viewer::load(state, headers, &meta).await {
        Ok(Some(v)) if !v.pending_second_factor => Ok((v, meta)),
        Ok(_) => Err(Redirect::to("/sign-in").into_response()),
        Err(error) => {
            tracing::error!(error = %error, "loading the session failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// A CSV attachment (a whole text or a stream), never cached.
pub fn csv(body: impl Into<axum::body::Body>, filename: &str) -> Response {
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
        body.into(),
    )
        .into_response()
}

/// Sends the browser on to a freshly issued link (never cached).
fn see_other(url: &str) -> Response {
    match HeaderValue::from_str(url) {
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
    }
}

/// `?d=attachment` (save) or nothing (show in the tab), on the routes that open a file.
#[derive(Debug, serde::Deserialize)]
pub struct OpenParams {
    pub d: Option<String>,
}

/// What the `/…/{id}/open` routes share: the signed-in person, the disposition asked for
/// (400 if it is neither), and a redirect to the link `issue` makes for them.
pub async fn open_link(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    params: &OpenParams,
    issue: impl AsyncFnOnce(&Viewer, &RequestMeta, Disposition) -> Result<String, AppError>,
) -> Response {
    let (viewer, meta) = match signed_in(state, headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let disposition = match params.d.as_deref() {
        None => Disposition::Inline,
        Some(d) => match Disposition::parse(d) {
            Some(d) => d,
            None => return problem(state, headers, Problem::NotFound).await,
        },
    };
    match issue(&viewer, &meta, disposition).await {
        Ok(url) => see_other(&url),
        Err(error) => refused(state, headers, error).await,
    }
}

/// The app's page for a refused or failed download, in the person's language with a way
/// on, never the browser's blank 403/404.
pub async fn refused(state: &AppState, headers: &HeaderMap, error: AppError) -> Response {
    match error {
        AppError::NotFound => problem(state, headers, Problem::NotFound).await,
        AppError::Forbidden | AppError::Invalid { .. } | AppError::InvalidFields { .. } => {
            problem(state, headers, Problem::Forbidden).await
        }
        other => {
            tracing::error!(error = ?other, "download failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The problem page, with its status.
pub async fn problem(state: &AppState, headers: &HeaderMap, problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::NOT_FOUND);
    crate::routes::render::render_with_status(state.clone(), headers, "/problem", problem, status)
        .await
}
