//! `GET /reports/{id}/open[?d=attachment]`: one of the signed-in person's finished
//! reports, through a fresh link that expires within the hour (issuing it is audited:
//! every export is).

use super::super::download::{self, OpenParams};
use app::backend::reports;
use app::backend::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::net::SocketAddr;

pub async fn open(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<OpenParams>,
) -> Response {
    download::open_link(&state, &headers, peer, &params, async |viewer, meta, d| {
        reports::link(&state, viewer, meta, &id, d).await
    })
    .await
}
