use crate::AppError;
use leptos::prelude::*;

/// Drops a staged CSV file without importing anything.
#[server(prefix = "/api", endpoint = "log/cancel_import")]
pub async fn cancel_import(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::import::cancel(&call.state, &viewer, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/log/import?cancelled=1");
    Ok(())
}
