//! `GET /account/export/{id}/download`: one of the signed-in person's finished data
//! exports, through a fresh link that expires within the hour (issuing it is audited).

use super::download::{self, OpenParams};
use app::backend::exports;
use app::backend::state::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::net::SocketAddr;

pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<OpenParams>,
) -> Response {
    download::open_link(&state, &headers, peer, &params, async |viewer, meta, _| {
        exports::link(&state, viewer, meta, &id).await
    })
    .await
}
