//! `GET /firm/overview.csv?year=2026`: everyone's standing as CSV, for the firm's owners and
//! admins. The same gate as the server functions; audited.

use super::download;
use app::backend::firm::overview;
use app::backend::state::AppState;
use app::i18n::request_lang;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
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
    let (viewer, meta) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let year = params
        .year
        .filter(|y| (1950..=2999).contains(y))
        .unwrap_or_else(|| app::backend::account::today().year());
    match overview::export(&state, &viewer, &meta, request_lang(&headers), year).await {
        Ok(body) => download::csv(body, &format!("firm-overview-{year}.csv")),
        Err(error) => download::refused(&state, &headers, error).await,
    }
}
