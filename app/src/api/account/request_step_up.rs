use crate::AppError;
use leptos::prelude::*;

/// Emails a code that confirms it is the person, before a sensitive change.
#[server(prefix = "/api", endpoint = "account/request_step_up")]
pub async fn request_step_up() -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::auth::step_up::request_code(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?step_up_sent=1#confirm");
    Ok(())
}
