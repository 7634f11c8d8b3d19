use crate::AppError;
use leptos::prelude::*;

/// Deletes one of the signed-in person's reports (the stored file and its verification).
#[server(prefix = "/api", endpoint = "reports/delete_report")]
pub async fn delete_report(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::reports::delete(&call.state, &viewer, &call.meta, &id, call.lang.texts())
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/reports?deleted=1");
    Ok(())
}
