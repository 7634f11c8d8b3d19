//! `GET /log/export.csv[?year=2026]`: the signed-in person's entries as CSV, in the
//! columns the import reads. A download, so it is a plain route; it checks the session
//! like every server function, and the export is audited.

use app::backend::audit::{Action, Target};
use app::backend::auth::viewer;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::backend::training::{self, import};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Deserialize)]
pub struct ExportParams {
    year: Option<i32>,
}

pub async fn export_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    match export(&state, peer, &headers, params.year).await {
        Ok(Some((body, name))) => {
            let disposition = format!("attachment; filename=\"{name}\"");
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/csv; charset=utf-8"),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition)
                            .unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("private, no-store"),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => Redirect::to("/sign-in").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "CSV export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn export(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    year: Option<i32>,
) -> anyhow::Result<Option<(String, String)>> {
    let meta = RequestMeta::from_headers(headers, Some(peer.ip()), &state.config.trusted_proxies);
    let Some(viewer) = viewer::load(state, headers, &meta).await? else {
        return Ok(None);
    };
    if viewer.pending_second_factor {
        return Ok(None);
    }
    let mut tx = state.db.begin().await?;
    let data = training::load(&mut tx, &viewer.user).await?;
    let entries: Vec<_> = match year {
        Some(y) => {
            let prefix = format!("{y}-");
            data.entries
                .into_iter()
                .filter(|e| e.date.starts_with(&prefix))
                .collect()
        }
        None => data.entries,
    };
    let body = import::export(&entries)?;
    viewer
        .audit(
            &mut tx,
            &meta,
            Action::EntriesExported,
            &Target::new("log", year.map_or("all".to_owned(), |y| y.to_string())),
        )
        .await?;
    tx.commit().await?;
    let name = match year {
        Some(y) => format!("cpd-log-{y}.csv"),
        None => "cpd-log.csv".to_owned(),
    };
    Ok(Some((body, name)))
}
