use crate::AppError;
use leptos::prelude::*;

/// Keeps a CSV file aside and opens its preview. Nothing is imported yet.
#[server(prefix = "/api", endpoint = "log/stage_import")]
pub async fn stage_import(content: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let id = crate::backend::training::import::stage(&call.state, &viewer, call.lang, &content)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log/import?id={id}"));
    Ok(())
}
