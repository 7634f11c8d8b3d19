use crate::AppError;
use leptos::prelude::*;

/// Sends a confirmation code to a new sign-in address.
#[server(prefix = "/api", endpoint = "account/request_email_change")]
pub async fn request_email_change(email: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::account::request_email_change(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &email,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/account/profile?email_code=1");
    Ok(())
}
