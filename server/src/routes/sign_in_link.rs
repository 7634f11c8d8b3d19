//! `GET /sign-in/link?c=CHALLENGE&t=TOKEN`: the one-click link from the sign-in email.
//! It signs in only in the browser that asked for the code (the challenge is bound to
//! that browser's session), so a mail scanner that follows the link achieves nothing.

use app::api::auth::after_sign_in;
use app::backend::auth::flows::{self, Proof};
use app::backend::request::RequestMeta;
use app::backend::state::AppState;
use app::i18n::request_lang;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Deserialize)]
pub struct LinkParams {
    c: String,
    t: String,
}

pub async fn sign_in_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<LinkParams>,
) -> Response {
    let meta = RequestMeta::from_headers(
        &headers,
        Some(peer.ip()),
        &state.config.http.trusted_proxies,
    );
    let lang = request_lang(&headers);
    let proof = Proof::Link {
        challenge_id: &params.c,
        token: &params.t,
    };
    match flows::verify(&state, &headers, &meta, lang, proof).await {
        Ok(signed_in) => {
            let mut response = Redirect::to(after_sign_in(
                signed_in.needs_second_factor,
                signed_in.profile_completed,
            ))
            .into_response();
            if let Some(cookie) = signed_in
                .cookie
                .set_cookie
                .and_then(|c| HeaderValue::from_str(&c).ok())
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => {
            // Back to the code page with a fixed notice (never text from the URL, which
            // anyone could craft); the details went to the log and the audit trail.
            tracing::info!(error = %error, "sign-in link refused");
            Redirect::to("/sign-in/code?link=failed").into_response()
        }
    }
}
