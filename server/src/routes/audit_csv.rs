//! `GET /firm/audit.csv?action=&from=&to=`: the firm's audit events as CSV, for its owners
//! and admins. Checks the session and role like the server functions do; audited.

use app::AppError;
use app::backend::auth::viewer;
use app::backend::firm_audit;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::model::AuditFilter;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

pub async fn audit_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let meta = RequestMeta::from_headers(&headers, Some(peer.ip()), &state.config.trusted_proxies);
    let viewer = match viewer::load(&state, &headers, &meta).await {
        Ok(Some(v)) if !v.pending_second_factor => v,
        Ok(_) => return Redirect::to("/sign-in").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "loading the session failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let result = match firm_audit::authorize(
        &state,
        &viewer,
        &meta,
        app::i18n::request_lang(&headers),
    )
    .await
    {
        Ok(()) => firm_audit::export(&state, &viewer, &meta, &filter).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            body,
        )
            .into_response(),
        Err(AppError::Forbidden) => (
            StatusCode::FORBIDDEN,
            "Only the firm's owners and admins can export its audit log.",
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "audit export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
