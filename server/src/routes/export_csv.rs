//! `GET /log/export.csv[?year=2026]`: the signed-in person's entries as CSV, in the
//! columns the import reads. A download, so it is a plain route; it checks the session
//! like every server function, and the export is audited.

use super::download;
use app::backend::audit::{Action, Target};
use app::backend::auth::viewer::Viewer;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::backend::training::{self, import};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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
    let (viewer, meta) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    match export(&state, &viewer, &meta, params.year).await {
        Ok(body) => {
            let name = match params.year {
                Some(y) => format!("cpd-log-{y}.csv"),
                None => "cpd-log.csv".to_owned(),
            };
            download::csv(body, &name)
        }
        Err(error) => {
            tracing::error!(error = %error, "CSV export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn export(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    year: Option<i32>,
) -> anyhow::Result<String> {
    let mut tx = state.db.begin().await?;
    let data = training::load(&mut tx, &state.db.records, &viewer.user).await?;
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
            meta,
            Action::EntriesExported,
            &Target::new("log", year.map_or("all".to_owned(), |y| y.to_string())),
        )
        .await?;
    tx.commit().await?;
    Ok(body)
}
