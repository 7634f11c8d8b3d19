//! `GET /metrics`: Prometheus metrics for the operator, never public. Without
//! `METRICS_TOKEN` the route does not exist (404); with it, the request must carry
//! `Authorization: Bearer <token>`.

use app::backend::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Compares digests, so the time taken says nothing about the token.
fn token_ok(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.http.metrics_token.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !token_ok(given, expected.expose()) {
        tracing::warn!(target: "security", "metrics request without the right token");
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        )
            .into_response();
    }
    let depth: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at_us IS NULL")
        .fetch_one(&state.db.pool)
        .await
        .unwrap_or(-1);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(depth),
    )
        .into_response()
}
