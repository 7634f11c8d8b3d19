use crate::AppError;
use leptos::prelude::*;

/// Blocks a person: their sessions end at once and sign-in is refused.
#[server(prefix = "/api", endpoint = "firm/block_member")]
pub async fn block_member(id: String) -> Result<(), AppError> {
    use crate::backend::firm::members::{Access, set_access};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    set_access(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &id,
        Access::Block,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?blocked=1");
    Ok(())
}
