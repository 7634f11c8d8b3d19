use crate::AppError;
use leptos::prelude::*;

/// Removes a period of leave.
#[server(prefix = "/api", endpoint = "log/delete_leave")]
pub async fn delete_leave(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::leaves::delete(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/leave?removed=1");
    Ok(())
}
