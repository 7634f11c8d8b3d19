use crate::AppError;
use leptos::prelude::*;

/// Withdraws an open invitation.
#[server(prefix = "/api", endpoint = "firm/revoke_invitation")]
pub async fn revoke_invitation(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::invitations::revoke(&call.state, &viewer, &call.meta, call.lang, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?revoked=1");
    Ok(())
}
