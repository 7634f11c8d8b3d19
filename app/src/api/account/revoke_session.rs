use crate::AppError;
use leptos::prelude::*;

/// Ends one of the person's sessions (by its public handle).
#[server(prefix = "/api", endpoint = "account/revoke_session")]
pub async fn revoke_session(handle: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::auth::flows::revoke_session(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &handle,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?revoked=1");
    Ok(())
}
