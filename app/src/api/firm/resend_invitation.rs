use crate::AppError;
use leptos::prelude::*;

/// Sends an open invitation again with a new link.
#[server(prefix = "/api", endpoint = "firm/resend_invitation")]
pub async fn resend_invitation(id: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::invitations::resend(&call.state, &viewer, &call.meta, call.lang, &id)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/firm/members?resent=1");
    Ok(())
}
