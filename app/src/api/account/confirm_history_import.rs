use crate::AppError;
use leptos::prelude::*;

/// The person adds a reviewed history to their log; it is brought in in the background.
#[server(prefix = "/api", endpoint = "account/confirm_history_import")]
pub async fn confirm_history_import(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::history::confirm(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/account/data?history={id}"));
    Ok(())
}
