//! `GET /reports/{id}/open[?d=attachment]`: one of the signed-in person's finished
//! reports, through a fresh link that expires within the hour (issuing it is audited:
//! every export is).

use super::super::certificates::open::OpenParams;
use super::super::download;
use app::backend::reports;
use app::backend::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

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
    download::see_other(reports::link(&state, &viewer, &meta, &id, disposition).await)
}
