//! `POST /account/history/upload`: an archive "Download all my data" made (field `file`,
//! `multipart/form-data`), streamed to a temporary file within its limit, then checked and
//! staged for the person's review ([`app::backend::history::stage`]). A plain route so a
//! large ZIP streams, with or without JavaScript; behind the session check and the CSRF
//! layer like every post. A refused archive is answered with the data page and why.

use super::download;
use app::AppError;
use app::api::account::HISTORY_UPLOAD;
use app::backend::history::{self, MAX_BYTES};
use app::backend::state::AppState;
use app::components::form::Submitted;
use app::i18n::request_lang;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;

/// The request may carry the archive and the form's few other bytes.
pub const MAX_BODY: usize = MAX_BYTES as usize + 64 * 1024;

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
    let lang = request_lang(&headers);
    let t = lang.texts();
    let Ok(mut multipart) = multipart else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    // Named as a spool, so one a crash leaves behind is removed by the sweep.
    let temp = match tempfile::Builder::new()
        .suffix(".spool")
        .tempfile_in(state.storage.spool_dir())
    {
        Ok(t) => t,
        Err(error) => return failed(error),
    };
    let mut received: Option<u64> = None;
    let mut error = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                if field.name() != Some("file") || field.file_name().is_none_or(str::is_empty) {
                    continue;
                }
                let mut file = match tokio::fs::File::create(temp.path()).await {
                    Ok(f) => f,
                    Err(e) => return failed(e),
                };
                let mut size = 0u64;
                loop {
                    match field.chunk().await {
                        Ok(Some(bytes)) => {
                            size += bytes.len() as u64;
                            if size > MAX_BYTES {
                                error = Some(AppError::invalid("file", t.history_too_large));
                                break;
                            }
                            if let Err(e) = file.write_all(&bytes).await {
                                return failed(e);
                            }
                        }
                        Ok(None) => break,
                        Err(_) => {
                            error = Some(AppError::invalid("file", t.history_too_large));
                            break;
                        }
                    }
                }
                if let Err(e) = file.flush().await {
                    return failed(e);
                }
                received = Some(size);
                break;
            }
            Ok(None) => break,
            Err(_) => {
                error = Some(AppError::invalid("file", t.history_too_large));
                break;
            }
        }
    }
    let staged = match (error, received) {
        (Some(e), _) => Err(e),
        (None, None | Some(0)) => Err(AppError::invalid("file", t.history_choose_file)),
        (None, Some(size)) => history::stage(&state, &viewer, &meta, lang, temp.path(), size).await,
    };
    drop(temp);
    match staged {
        Ok(id) => Redirect::to(&format!("/account/data?history={id}")).into_response(),
        Err(error) => {
            let submitted = Submitted {
                path: HISTORY_UPLOAD.to_owned(),
                error,
                fields: Vec::new(),
            };
            super::render::render_refused(state, &headers, "/account/data", submitted).await
        }
    }
}

/// A fault of ours (the disk, say): logged, and a plain 500.
fn failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(error = %error, "receiving a history archive failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
