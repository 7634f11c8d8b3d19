use crate::AppError;
use leptos::prelude::*;

/// Brings back something the signed-in person deleted in the last ten minutes; back to
/// where it lives.
#[server(prefix = "/api", endpoint = "log/undo_deletion")]
pub async fn undo_deletion(batch: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let t = call.lang.texts();
    let back_to = crate::backend::undo::undo(&call.state, &viewer, &call.meta, &batch, t)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&back_to);
    Ok(())
}
