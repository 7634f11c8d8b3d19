//! `GET /invite?i=ID&t=TOKEN`: the link in an invitation email. A genuine, open invitation
//! leads to sign-in, where the invited person proves the address with the emailed code;
//! anything else leads to a notice that the invitation no longer works. The link alone
//! grants nothing, and the URL after it carries no personal data.

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
        Ok(true) => Redirect::to("/sign-in?invited=1").into_response(),
        Ok(false) => Redirect::to("/sign-in?invited=expired").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "checking an invitation failed");
            Redirect::to("/sign-in?invited=expired").into_response()
        }
    }
}
