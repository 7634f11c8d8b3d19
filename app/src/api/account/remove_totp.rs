use crate::AppError;
use leptos::prelude::*;

/// Turns the authenticator app off; needs a fresh code from it (or a recovery code).
#[server(prefix = "/api", endpoint = "account/remove_totp")]
pub async fn remove_totp(code: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::account::remove_totp(&call.state, &viewer, &call.meta, call.lang, &code)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?totp_removed=1#totp");
    Ok(())
}
