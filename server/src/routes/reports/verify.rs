//! `POST /verify/{id}`: anyone holding a report checks it against the one we issued. The
//! file (`file`, multipart) is hashed as it streams and never kept; the answer goes back
//! to the verification page as `?result=match|mismatch|limited`. Public, so it is
//! rate-limited per address before the body is read, and says nothing about the person.

use app::backend::auth::rate_limit::{self, REPORT_CHECKS_PER_IP};
use app::backend::db::now_micros;
use app::backend::reports;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// The largest file checked (larger than any report we make).
pub const MAX_BYTES: usize = 4 * 1024 * 1024 * 1024;

pub async fn verify(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page =
        |result: &str| Redirect::to(&format!("/verify/{id}?result={result}")).into_response();
    let expected = match reports::verification(&state, &id).await {
        Ok(Some(v)) => v.sha256,
        Ok(None) => return Redirect::to(&format!("/verify/{id}")).into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let meta = RequestMeta::from_headers(&headers, Some(peer.ip()), &state.config.trusted_proxies);
    let allowed = async {
        let mut conn = state.db.pool.acquire().await?;
        rate_limit::hit(
            &mut conn,
            REPORT_CHECKS_PER_IP,
            &meta.ip_text(),
            now_micros(),
        )
        .await
    };
    match allowed.await {
        Ok(Ok(())) => {}
        Ok(Err(_)) => return page("limited"),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    let Ok(mut multipart) = multipart else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut hasher = Sha256::new();
    let mut seen = false;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    seen = seen || !chunk.is_empty();
                    hasher.update(&chunk);
                }
                Ok(None) => break,
                Err(_) => return StatusCode::BAD_REQUEST.into_response(),
            }
        }
        break;
    }
    if !seen {
        return page("empty");
    }
    if hex::encode(hasher.finalize()) == expected {
        page("match")
    } else {
        page("mismatch")
    }
}
