use crate::AppError;
use leptos::prelude::*;

/// Emails an invitation to join the firm with `role` (`member` or `admin`).
#[server(prefix = "/api", endpoint = "firm/invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::invitations::invite(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &email,
        &role,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?invited=1");
    Ok(())
}
