use crate::AppError;
use leptos::prelude::*;

/// Imports the valid rows of a previewed CSV file.
#[server(prefix = "/api", endpoint = "log/confirm_import")]
pub async fn confirm_import(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let count =
        crate::backend::training::import::confirm(&call.state, &viewer, &call.meta, call.lang, &id)
            .await
            .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log?imported={count}"));
    Ok(())
}
