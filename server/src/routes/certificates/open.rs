//! `GET /certificates/{id}/open[?d=attachment]`: one of the signed-in person's
//! certificates, through a fresh link that expires (issuing it is audited). The page links
//! here rather than to storage, so a link is never older than the click that opens it.

use super::super::download;
use app::AppError;
use app::backend::certificates;
use app::backend::state::AppState;
use app::backend::storage::Disposition;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Deserialize)]
pub struct OpenParams {
    d: Option<String>,
}

pub async fn open(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<OpenParams>,
) -> Response {
    let (viewer, meta) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let disposition = match params.d.as_deref() {
        None => Disposition::Inline,
        Some(d) => match Disposition::parse(d) {
            Some(d) => d,
            None => return StatusCode::BAD_REQUEST.into_response(),
        },
    };
    match certificates::link(&state, &viewer, &meta, &id, disposition).await {
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
        Err(error) => download::refused(error),
    }
}
