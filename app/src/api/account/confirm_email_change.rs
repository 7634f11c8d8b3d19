use crate::AppError;
use leptos::prelude::*;

/// Makes the new address the sign-in address once its code comes back; the old address
/// is told.
#[server(prefix = "/api", endpoint = "account/confirm_email_change")]
pub async fn confirm_email_change(code: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::account::confirm_email_change(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &code,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/account/profile?email_changed=1");
    Ok(())
}
