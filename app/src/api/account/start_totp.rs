use crate::AppError;
use leptos::prelude::*;

/// Begins setting up an authenticator app: a new secret, shown as a QR code and key.
#[server(prefix = "/api", endpoint = "account/start_totp")]
pub async fn start_totp() -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::account::start_totp(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security#totp");
    Ok(())
}
