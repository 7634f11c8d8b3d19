//! `GET /files/{firm}/{object}?d=…&exp=…&sig=…`: the local backend's files (certificates
//! and reports), opened only
//! by a link signed for exactly this firm, object and disposition that has not expired.
//! No session is needed (like an S3 presigned URL, the link is the permission), and a
//! link for another firm's object, a changed character or a late click answers 403.
//! The object is decrypted chunk by chunk as it is sent.

use crate::routes::download::problem;
use app::backend::certificates;
use app::backend::state::AppState;
use app::backend::storage::signed_url::{self, Grant};
use app::backend::storage::{Disposition, firm_key, local, object_key};
use app::pages::not_found::Problem;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct FileParams {
    d: String,
    exp: i64,
    sig: String,
}

/// Lets the browser's own PDF viewer show the file, and nothing else run.
const FILE_CSP: &str = "default-src 'none'; object-src 'self'; img-src 'self'; \
                        style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((firm, object)): Path<(String, String)>,
    Query(params): Query<FileParams>,
) -> Response {
    let grant = Grant {
        firm_id: firm.clone(),
        object_id: object.clone(),
        disposition: params.d.clone(),
        expires: params.exp,
    };
    let now = app::backend::db::now_micros() / 1_000_000;
    let key = object_key(&firm, &object);
    if !local::valid_key(&key) || !signed_url::verify(state.master_key(), &grant, &params.sig, now)
    {
        tracing::info!(target: "security", "file link refused (bad signature or expired)");
        return problem(&state, &headers, Problem::LinkExpired).await;
    }
    let Some(disposition) = Disposition::parse(&params.d) else {
        return problem(&state, &headers, Problem::LinkExpired).await;
    };
    match serve(&state, &firm, &key, disposition).await {
        Ok(Some(response)) => response,
        Ok(None) => problem(&state, &headers, Problem::NotFound).await,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "serving a file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn serve(
    state: &AppState,
    firm: &str,
    key: &str,
    disposition: Disposition,
) -> anyhow::Result<Option<Response>> {
    let mut conn = state.db.pool.acquire().await?;
    // The row must exist, in the firm the link was signed for: a certificate, a report or
    // a data export.
    let row: Option<certificates::Row> = sqlx::query_as(&format!(
        "SELECT {} FROM certificates WHERE object_key = $1 AND firm_id = $2",
        certificates::COLUMNS
    ))
    .bind(key)
    .bind(firm)
    .fetch_optional(&mut *conn)
    .await?;
    let (mime, size, file_name) = match row {
        Some(row) => {
            let seal = state.db.records.firm(&mut conn, firm).await?;
            let (cert, _) = certificates::view(&seal, row)?;
            (cert.mime, cert.size_bytes, cert.file_name)
        }
        None => match app::backend::reports::stored(&mut conn, &state.db.records, key, firm).await?
        {
            Some((size, name)) => ("application/pdf".to_owned(), size, name),
            None => match app::backend::exports::stored(&mut conn, key, firm).await? {
                Some((size, name)) => ("application/zip".to_owned(), size, name),
                None => return Ok(None),
            },
        },
    };
    let Some(data_key) = firm_key::get(&mut conn, state.master_key(), firm).await? else {
        return Ok(None);
    };
    drop(conn);
    let stream = state.storage.get(key, &data_key).await?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_str(&mime)?),
        (header::CONTENT_LENGTH, HeaderValue::from(size)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition.header(&file_name))?,
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FILE_CSP),
        ),
    ];
    // Fused: a body layer (compression) may poll once more after the end, which the
    // storage streams do not allow.
    Ok(Some(
        (headers, Body::from_stream(stream.fuse())).into_response(),
    ))
}
