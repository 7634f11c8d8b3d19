use crate::AppError;
use leptos::prelude::*;

/// Removes a person from the firm (their records stay with the firm).
#[server(prefix = "/api", endpoint = "firm/remove_member")]
pub async fn remove_member(id: String) -> Result<(), AppError> {
    use crate::backend::firm::members::{Access, set_access};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    set_access(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &id,
        Access::Remove,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?removed=1");
    Ok(())
}
