//! `GET /firm/audit.csv?action=&from=&to=`: the firm's audit events as CSV, for its owners
//! and admins. The same gate as the server functions; audited; streamed.

use super::download;
use app::backend::firm_audit;
use app::backend::state::AppState;
use app::i18n::request_lang;
use app::model::AuditFilter;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::TryStreamExt as _;
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
        Ok(stream) => {
            // A failure after the first bytes can only cut the file short: say so in the log.
            let stream = stream.inspect_err(|error| {
                tracing::error!(error = %error, "the audit log export stopped");
            });
            download::csv(Body::from_stream(stream), "audit-log.csv")
        }
        Err(error) => download::refused(&state, &headers, error).await,
    }
}
