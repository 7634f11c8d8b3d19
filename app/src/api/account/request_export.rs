use crate::AppError;
use leptos::prelude::*;

/// Starts making a ZIP of everything the registry holds about the person (or finds the
/// one already being made); the data page then shows its progress.
#[server(prefix = "/api", endpoint = "account/request_export")]
pub async fn request_export() -> Result<String, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let id = crate::backend::exports::request(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/data?requested=1");
    Ok(id)
}
