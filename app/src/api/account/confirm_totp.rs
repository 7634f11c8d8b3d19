use crate::AppError;
use leptos::prelude::*;

/// Turns the authenticator app on once it shows a right code; recovery codes follow.
#[server(prefix = "/api", endpoint = "account/confirm_totp")]
pub async fn confirm_totp(code: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::account::confirm_totp(&call.state, &viewer, &call.meta, call.lang, &code)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security#totp");
    Ok(())
}
