use crate::AppError;
use leptos::prelude::*;

/// An owner or admin restricts the processing of a member's data, or (`lift` = "1") lifts
/// the restriction.
#[server(prefix = "/api", endpoint = "firm/set_member_restriction")]
pub async fn set_member_restriction(id: String, lift: Option<String>) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let lift = lift.is_some_and(|l| l == "1");
    crate::backend::firm::restriction::set(&call.state, &viewer, &call.meta, call.lang, &id, !lift)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(if lift {
        "/firm/members?unrestricted=1"
    } else {
        "/firm/members?restricted=1"
    });
    Ok(())
}
