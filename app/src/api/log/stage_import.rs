use crate::AppError;
use leptos::prelude::*;

/// Keeps pasted CSV text aside and opens its preview. Nothing is imported yet. (A file is
/// sent to `POST /log/import/upload`, which reads its encoding.)
#[server(prefix = "/api", endpoint = "log/stage_import")]
pub async fn stage_import(content: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let id =
        crate::backend::training::import::stage(&call.state, &viewer, call.lang, &content, "UTF-8")
            .await
            .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log/import?id={id}"));
    Ok(())
}
