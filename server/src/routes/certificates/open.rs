//! `GET /certificates/{id}/open[?d=attachment]`: one of the signed-in person's
//! certificates, through a fresh link that expires (issuing it is audited). The page links
//! here rather than to storage, so a link is never older than the click that opens it.

use super::super::download::{self, OpenParams};
use app::backend::certificates;
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
        certificates::link(&state, viewer, meta, &id, d).await
    })
    .await
}
