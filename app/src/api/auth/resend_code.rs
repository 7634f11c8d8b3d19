use crate::AppError;
use leptos::prelude::*;

/// Sends a new code to the address this browser last asked for; the old code stops working.
#[server(prefix = "/api", endpoint = "auth/resend_code")]
pub async fn resend_code() -> Result<(), AppError> {
    use crate::backend::auth::flows;
    let call = crate::api::support::call()?;
    let change = flows::resend(&call.state, &call.parts.headers, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.apply(&change)?;
    call.redirect("/sign-in/code?resent=1");
    Ok(())
}
