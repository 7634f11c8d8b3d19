use crate::AppError;
use leptos::prelude::*;

/// Copies one of the signed-in person's entries and opens the copy for editing.
#[server(prefix = "/api", endpoint = "log/duplicate_entry")]
pub async fn duplicate_entry(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let new = crate::backend::training::entries::duplicate(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log/entry/{new}?duplicated=1"));
    Ok(())
}
