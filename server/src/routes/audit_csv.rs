//! `GET /firm/audit.csv?action=&from=&to=`: the firm's audit events as CSV, for its owners
//! and admins. The same gate as the server functions; audited.

use super::download;
use app::backend::firm_audit;
use app::backend::state::AppState;
use app::i18n::request_lang;
use app::model::AuditFilter;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::net::SocketAddr;

pub async fn audit_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let (viewer, meta) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let result = match firm_audit::authorize(&state, &viewer, &meta, request_lang(&headers)).await {
        Ok(()) => firm_audit::export(&state, &viewer, &meta, &filter).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(body) => download::csv(body, "audit-log.csv"),
        Err(error) => download::refused(&state, &headers, error).await,
    }
}
