use crate::AppError;
use leptos::prelude::*;

/// Lets a blocked person sign in again.
#[server(prefix = "/api", endpoint = "firm/unblock_member")]
pub async fn unblock_member(id: String) -> Result<(), AppError> {
    use crate::backend::firm::members::{Access, set_access};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    set_access(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &id,
        Access::Unblock,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?unblocked=1");
    Ok(())
}
