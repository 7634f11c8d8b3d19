use crate::AppError;
use leptos::prelude::*;

/// An owner or admin asks for a member's account and data to be deleted after the 30-day
/// hold, or (`cancel` = "1") cancels that.
#[server(prefix = "/api", endpoint = "firm/set_member_deletion")]
pub async fn set_member_deletion(id: String, cancel: Option<String>) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let cancel = cancel.is_some_and(|c| c == "1");
    crate::backend::firm::members::set_deletion(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &id,
        cancel,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect(if cancel {
        "/firm/members?deletion_cancelled=1"
    } else {
        "/firm/members?deletion_scheduled=1"
    });
    Ok(())
}
