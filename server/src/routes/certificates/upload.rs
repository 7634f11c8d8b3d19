//! `POST /certificates/upload`: one or more files (`file`) for an entry (`entry`, sent
//! first), as `multipart/form-data`. A plain route rather than a server function: it
//! streams each file to its spool as it arrives (server functions' multipart buffers and
//! ignores body limits, SECURITY.md), behind the same session check and CSRF layer.
//!
//! A plain form post (no JavaScript) is answered with the entry's page, the outcome in
//! its context; `fetch`/XHR gets JSON: 201 stored, 200 already attached, 422 refused.

use super::super::download;
use app::AppError;
use app::backend::auth::viewer::Viewer;
use app::backend::certificates::upload::{self, Outcome, UploadError};
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::i18n::request_lang;
use app::model::UploadOutcome;
use axum::extract::multipart::{Field, Multipart, MultipartError, MultipartRejection};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Files one request may carry (the form allows choosing several at once).
pub const MAX_FILES: usize = 10;

pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (viewer, meta) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let Ok(mut multipart) = multipart else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut entry: Option<String> = None;
    let mut results: Vec<(String, Result<Outcome, UploadError>)> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(error) => {
                // The body broke off or exceeded the request limit: whatever was being
                // spooled has been removed.
                let refused = too_large(&error);
                if let (true, Some(entry)) = (refused, &entry) {
                    let e =
                        upload::refuse(&state, &viewer, &meta, entry, upload::Refusal::TooLarge)
                            .await;
                    results.push((String::new(), Err(e)));
                    break;
                }
                return StatusCode::BAD_REQUEST.into_response();
            }
        };
        match field.name() {
            Some("entry") => match field.text().await {
                Ok(id) if id.len() <= 64 => entry = Some(id),
                _ => return StatusCode::BAD_REQUEST.into_response(),
            },
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                // An empty file input still sends a part, with no name and no bytes.
                if name.is_empty() {
                    continue;
                }
                let Some(entry) = &entry else {
                    return StatusCode::BAD_REQUEST.into_response();
                };
                if results.len() == MAX_FILES {
                    break;
                }
                let result = receive(&state, &viewer, &meta, entry, &name, field).await;
                results.push((name, result));
            }
            _ => {}
        }
    }
    let Some(entry) = entry else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if meta.wants_html {
        back_to_entry(state, &headers, &entry, &results).await
    } else {
        json(&state, &headers, results)
    }
}

fn too_large(error: &MultipartError) -> bool {
    error.status() == StatusCode::PAYLOAD_TOO_LARGE
}

/// Streams one file into its spool, then inspects and stores it.
async fn receive(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    entry: &str,
    name: &str,
    mut field: Field<'_>,
) -> Result<Outcome, UploadError> {
    let mut incoming = upload::begin(state, viewer, entry, name).await?;
    loop {
        match field.chunk().await {
            Ok(Some(bytes)) => match incoming.write(&bytes).await {
                Ok(()) => {}
                Err(UploadError::Refused(r)) => {
                    return Err(upload::refuse(state, viewer, meta, entry, r).await);
                }
                Err(other) => return Err(other),
            },
            Ok(None) => break,
            Err(error) if too_large(&error) => {
                return Err(
                    upload::refuse(state, viewer, meta, entry, upload::Refusal::TooLarge).await,
                );
            }
            // The browser went away mid-file: nothing is kept.
            Err(_) => return Err(UploadError::App(AppError::BadRequest)),
        }
    }
    upload::finish(state, viewer, meta, incoming).await
}

/// The entry's page itself, answering the upload with what happened in context (read by
/// the certificates section); nothing of it travels in a URL.
async fn back_to_entry(
    state: AppState,
    headers: &HeaderMap,
    entry: &str,
    results: &[(String, Result<Outcome, UploadError>)],
) -> Response {
    let mut outcome = UploadOutcome::default();
    for (name, r) in results {
        match r {
            Ok(Outcome::Stored { also_on, .. }) => {
                outcome.stored += 1;
                outcome.also_on.extend(also_on.clone());
            }
            Ok(Outcome::AlreadyAttached { .. }) => outcome.already.push(name.clone()),
            Err(UploadError::Refused(code)) => {
                outcome.refused.push((name.clone(), code.code().to_owned()));
            }
            Err(UploadError::App(AppError::NotFound)) => {
                return Redirect::to("/log").into_response();
            }
            Err(UploadError::App(_)) => outcome.failed = true,
        }
    }
    let status = if outcome.refused.is_empty() && !outcome.failed {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // Ids are ours (UUIDs); anything else is not an entry of this person's.
    if uuid::Uuid::parse_str(entry).is_err() {
        return Redirect::to("/log").into_response();
    }
    let page = format!("/log/entry/{entry}");
    crate::routes::render::render_with_status(state, headers, &page, outcome, status).await
}

/// The outcome of the (first) file as JSON for the page's script.
fn json(
    state: &AppState,
    headers: &HeaderMap,
    mut results: Vec<(String, Result<Outcome, UploadError>)>,
) -> Response {
    let texts = request_lang(headers).texts();
    let max_mb = state.config.uploads.max_bytes.div_ceil(1024 * 1024);
    let Some((name, result)) = (!results.is_empty()).then(|| results.remove(0)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let retry_after = match &result {
        Err(UploadError::App(
            AppError::Busy { retry_after_secs } | AppError::RateLimited { retry_after_secs },
        )) => Some(*retry_after_secs),
        _ => None,
    };
    let (status, body) = match result {
        Ok(Outcome::Stored { id, also_on }) => (
            StatusCode::CREATED,
            serde_json::json!({
                "status": "stored",
                "id": id,
                "file": name,
                "message": also_on.map(|t| texts.cert_also_on.replace("{title}", &t)),
            }),
        ),
        Ok(Outcome::AlreadyAttached { file_name }) => (
            StatusCode::OK,
            serde_json::json!({
                "status": "already_attached",
                "file": file_name,
                "message": format!("{} {file_name}", texts.cert_already),
            }),
        ),
        Err(UploadError::Refused(refusal)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!({
                "status": "refused",
                "code": refusal.code(),
                "file": name,
                "message": texts.upload_refusal(refusal.code(), max_mb),
            }),
        ),
        Err(UploadError::App(error)) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            serde_json::json!({
                "status": "error",
                "file": name,
                "message": error.user_message(texts),
            }),
        ),
    };
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, wait.into());
    }
    response
}
