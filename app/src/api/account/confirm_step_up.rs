use crate::AppError;
use leptos::prelude::*;

/// Confirms it is the person (a code from the app, or the emailed one): for ten minutes
/// this session may change the sign-in address, the authenticator app and other sessions.
#[server(prefix = "/api", endpoint = "account/confirm_step_up")]
pub async fn confirm_step_up(code: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::auth::step_up::confirm(&call.state, &viewer, &call.meta, call.lang, &code)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?stepped_up=1#confirm");
    Ok(())
}
