//! `POST /log/import/upload`: a CSV file (`file`) or pasted text (`content`), as
//! `multipart/form-data`, staged for its preview. A plain route so that the file's own
//! bytes arrive (a browser reading it as text would have turned Windows-1252 into "�"),
//! with or without JavaScript; its encoding is found here. Behind the session check and
//! the CSRF layer like every post.

use super::download;
use app::AppError;
use app::api::log::StageImport;
use app::backend::state::AppState;
use app::backend::training::{csv_in, import};
use app::components::form::Submitted;
use app::i18n::request_lang;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::server_fn::ServerFn;
use std::net::SocketAddr;

/// The request may carry the file and the text box, each up to the import's limit.
pub const MAX_BODY: usize = 2 * import::MAX_BYTES + 64 * 1024;

pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (viewer, _) = match download::signed_in(&state, &headers, peer).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let lang = request_lang(&headers);
    let t = lang.texts();
    let too_large = || AppError::invalid("content", t.import_too_large);
    let Ok(mut multipart) = multipart else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut file: Option<Vec<u8>> = None;
    let mut pasted = String::new();
    let mut error = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") if field.file_name().is_some_and(|n| !n.is_empty()) => {
                    match field.bytes().await {
                        Ok(bytes) if bytes.len() <= import::MAX_BYTES => {
                            file = Some(bytes.to_vec())
                        }
                        _ => error = Some(too_large()),
                    }
                }
                Some("content") => match field.text().await {
                    Ok(text) if text.len() <= import::MAX_BYTES => pasted = text,
                    _ => error = Some(too_large()),
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                error = Some(too_large());
                break;
            }
        }
    }
    let (content, encoding) = match file {
        Some(bytes) => csv_in::decode(&bytes),
        None => (pasted.clone(), "UTF-8"),
    };
    let staged = match error {
        Some(e) => Err(e),
        None => import::stage(&state, &viewer, lang, &content, encoding).await,
    };
    match staged {
        Ok(id) => Redirect::to(&format!("/log/import?id={id}")).into_response(),
        // Refused: the import page again, with what was pasted and why.
        Err(error) => {
            let submitted = Submitted {
                path: StageImport::PATH.to_owned(),
                error,
                fields: vec![("content".to_owned(), pasted)],
            };
            super::render::render_refused(state, &headers, "/log/import", submitted).await
        }
    }
}
