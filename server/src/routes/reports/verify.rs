//! `POST /verify/{id}`: anyone holding a report checks it against the one we issued. The
//! file (`file`, multipart) is hashed as it streams, never kept, and read no further than
//! the size of the file we issued. The answer is the verification page itself, rendered
//! in the response to this upload with the uploaded file's SHA-256 beside the issued one:
//! a verdict never comes from a URL, so no link (a forged report's QR code, say) can make
//! the page say "not altered". Public, so it is rate-limited per network before the body is
//! read, and says nothing about the person.

use app::backend::auth::rate_limit::{self, REPORT_CHECKS_PER_IP};
use app::backend::db::now_micros;
use app::backend::reports;
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::model::VerifyCheck;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// The largest request body accepted at all (far larger than any report we make); the
/// file is read only up to the issued report's size.
pub const MAX_BYTES: usize = 4 * 1024 * 1024 * 1024;

pub async fn verify(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let issued = match reports::verification(&state, &id).await {
        Ok(Some(v)) => v,
        Ok(None) => return Redirect::to(&format!("/verify/{id}")).into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let meta = RequestMeta::from_headers(
        &headers,
        Some(peer.ip()),
        &state.config.http.trusted_proxies,
    );
    let allowed = async {
        let mut tx = state.db.begin().await?;
        let allowed = rate_limit::hit(
            &mut tx,
            REPORT_CHECKS_PER_IP,
            &meta.ip_bucket(),
            now_micros(),
        )
        .await?;
        tx.commit().await?;
        anyhow::Ok(allowed)
    };
    let check = match allowed.await {
        Ok(Ok(())) => match multipart {
            Ok(multipart) => match hash_upload(multipart, issued.size_bytes).await {
                Ok(Some(Some(sha))) if sha == issued.sha256 => VerifyCheck::Match {
                    uploaded_sha256: sha,
                },
                Ok(Some(sha)) => VerifyCheck::Mismatch {
                    uploaded_sha256: sha,
                },
                Ok(None) => VerifyCheck::Empty,
                Err(status) => return status.into_response(),
            },
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        },
        Ok(Err(_)) => VerifyCheck::Limited,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    render_page(state, headers, &id, check).await
}

/// The `file` field's SHA-256: `None` when no (non-empty) file came, `Some(None)` when it is
/// larger than `limit` (so it cannot be the issued file, and is not read to its end).
async fn hash_upload(
    mut multipart: Multipart,
    limit: u64,
) -> Result<Option<Option<String>>, StatusCode> {
    let mut hasher = Sha256::new();
    let mut read: u64 = 0;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    read += chunk.len() as u64;
                    if read > limit {
                        return Ok(Some(None));
                    }
                    hasher.update(&chunk);
                }
                Ok(None) => break,
                Err(_) => return Err(StatusCode::BAD_REQUEST),
            }
        }
        break;
    }
    if read == 0 {
        return Ok(None);
    }
    Ok(Some(Some(hex::encode(hasher.finalize()))))
}

/// The verification page, rendered with the outcome of this request's check in context.
async fn render_page(
    state: AppState,
    headers: HeaderMap,
    id: &str,
    check: VerifyCheck,
) -> Response {
    crate::routes::render::render_page(state, &headers, &format!("/verify/{id}"), check).await
}
