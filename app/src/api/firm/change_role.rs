use crate::AppError;
use leptos::prelude::*;

/// Gives a person another role; `owner` hands ownership over.
#[server(prefix = "/api", endpoint = "firm/change_role")]
pub async fn change_role(id: String, role: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::members::change_role(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &id,
        &role,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?role_changed=1");
    Ok(())
}
