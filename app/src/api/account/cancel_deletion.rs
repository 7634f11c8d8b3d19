use crate::AppError;
use leptos::prelude::*;

/// The person keeps their account: a pending deletion is cancelled.
#[server(prefix = "/api", endpoint = "account/cancel_deletion")]
pub async fn cancel_deletion() -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::erasure::cancel_own(&call.state, &viewer, &call.meta)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?deletion_cancelled=1#delete");
    Ok(())
}
