use crate::AppError;
use leptos::prelude::*;

/// The person drops an uploaded history without adding anything.
#[server(prefix = "/api", endpoint = "account/cancel_history_import")]
pub async fn cancel_history_import(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::history::cancel(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/data?history_cancelled=1");
    Ok(())
}
