//! `GET /firm/overview.csv?year=2026`: everyone's standing as CSV, for the firm's owners and
//! admins. The same gate as the server functions; audited.

use app::AppError;
use app::backend::auth::viewer;
use app::backend::firm::overview;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::i18n::request_lang;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Deserialize)]
pub struct OverviewParams {
    year: Option<i32>,
}

pub async fn overview_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<OverviewParams>,
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
    let year = params
        .year
        .filter(|y| (1950..=2999).contains(y))
        .unwrap_or_else(|| app::backend::account::today().year());
    match overview::export(&state, &viewer, &meta, request_lang(&headers), year).await {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"firm-overview.csv\""),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            body,
        )
            .into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(AppError::Invalid { message, .. }) => (StatusCode::FORBIDDEN, message).into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "overview export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
