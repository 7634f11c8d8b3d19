//! `GET /invite?i=ID&t=TOKEN`: the link in an invitation email. A genuine, open invitation
//! leads to the sign-in page, which names the inviting firm and asks the person whether to
//! join it; joining means proving the invited address with the emailed code. Anything else
//! leads to a notice that the invitation no longer works. The link alone grants nothing,
//! and the URL after it carries no personal data (only the invitation's id and token).

use app::backend::firm::invitations;
use app::backend::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct InviteParams {
    #[serde(default)]
    i: String,
    #[serde(default)]
    t: String,
}

pub async fn invitation(
    State(state): State<AppState>,
    Query(params): Query<InviteParams>,
) -> Response {
    match invitations::link_is_open(&state, &params.i, &params.t).await {
        Ok(true) => Redirect::to(&format!(
            "/sign-in?invitation={}&token={}",
            urlencode(&params.i),
            urlencode(&params.t)
        ))
        .into_response(),
        Ok(false) => Redirect::to("/sign-in?invited=expired").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "checking an invitation failed");
            Redirect::to("/sign-in?invited=expired").into_response()
        }
    }
}

/// Percent-encodes everything but unreserved characters (ids and tokens are plain already;
/// this keeps a tampered link from shaping the URL).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
