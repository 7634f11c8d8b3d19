use crate::AppError;
use leptos::prelude::*;

/// Deletes one of the signed-in person's entries.
#[server(prefix = "/api", endpoint = "log/delete_entry")]
pub async fn delete_entry(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let date = crate::backend::training::entries::delete(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!(
        "/log?year={}&deleted=1",
        &date[..4.min(date.len())]
    ));
    Ok(())
}
