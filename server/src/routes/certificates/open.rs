//! `GET /certificates/{id}/open[?d=attachment]`: one of the signed-in person's
//! certificates, through a fresh link that expires (issuing it is audited). The page links
//! here rather than to storage, so a link is never older than the click that opens it.

use super::super::download;
use app::backend::certificates;
use app::backend::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Deserialize)]
pub struct OpenParams {
    pub d: Option<String>,
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
    let Some(disposition) = download::disposition(params.d.as_deref()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    download::see_other(certificates::link(&state, &viewer, &meta, &id, disposition).await)
}
