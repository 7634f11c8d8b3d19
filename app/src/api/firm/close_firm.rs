use crate::AppError;
use leptos::prelude::*;

/// The owner closes the firm (after confirming it is them): `choice` is `export` (an archive
/// of everything first) or `delete`. Everything is deleted after the 30-day hold.
#[server(prefix = "/api", endpoint = "firm/close_firm")]
pub async fn close_firm(#[server(default)] choice: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::termination::request(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &choice,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/settings?closing=1");
    Ok(())
}
