use crate::AppError;
use leptos::prelude::*;

/// The person asks for their account and data to be deleted (after a 30-day hold in which
/// signing in and choosing to keep the account cancels it). Needs a fresh confirmation.
#[server(prefix = "/api", endpoint = "account/request_deletion")]
pub async fn request_deletion() -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::erasure::request_own(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/security?deletion_requested=1#delete");
    Ok(())
}
