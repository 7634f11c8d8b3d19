use crate::AppError;
use leptos::prelude::*;

/// Deletes one of the signed-in person's certificates (the stored file too).
#[server(prefix = "/api", endpoint = "certificates/delete_certificate")]
pub async fn delete_certificate(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let entry = crate::backend::certificates::delete(&call.state, &viewer, &call.meta, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log/entry/{entry}?cert_deleted=1#certificates"));
    Ok(())
}
