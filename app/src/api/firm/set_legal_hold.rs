use crate::AppError;
use leptos::prelude::*;

/// An owner or admin records that a member's data must be kept by law (`reason`), or
/// (`lift` = "1") lifts that.
#[server(prefix = "/api", endpoint = "firm/set_legal_hold")]
pub async fn set_legal_hold(
    id: String,
    #[server(default)] reason: String,
    lift: Option<String>,
) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let lift = lift.is_some_and(|l| l == "1");
    let reason = (!lift).then_some(reason.as_str());
    crate::backend::firm::legal_hold::set(&call.state, &viewer, &call.meta, call.lang, &id, reason)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(if lift {
        "/firm/members?unheld=1"
    } else {
        "/firm/members?held=1"
    });
    Ok(())
}
