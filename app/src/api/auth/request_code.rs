use crate::AppError;
use leptos::prelude::*;

/// Emails a sign-in code and link to `email`. Answers the same whether or not the
/// address has an account; then sends the browser to the code page.
#[server(prefix = "/api", endpoint = "auth/request_code")]
pub async fn request_code(email: String) -> Result<(), AppError> {
    use crate::backend::auth::flows;
    let call = crate::api::support::call()?;
    let change = flows::request_code(
        &call.state,
        &call.parts.headers,
        &call.meta,
        call.lang,
        &email,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.apply(&change)?;
    call.redirect("/sign-in/code");
    Ok(())
}
