use crate::AppError;
use leptos::prelude::*;

/// Emails a sign-in code and link to `email`. Answers the same whether or not the
/// address has an account; then sends the browser to the code page. With `invitation` and
/// `token` (the invitation link the person opened and chose to accept), the code goes to the
/// invited address and signing in with it joins that firm.
#[server(prefix = "/api", endpoint = "auth/request_code")]
pub async fn request_code(
    email: String,
    #[server(default)] invitation: Option<String>,
    #[server(default)] token: Option<String>,
    /// Where to go once signed in (a path of ours; anything else is dropped).
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::auth::flows::{self, ChosenInvitation};
    let call = crate::api::support::call()?;
    let chosen = match (invitation.as_deref(), token.as_deref()) {
        (Some(id), Some(token)) if !id.is_empty() => Some(ChosenInvitation { id, token }),
        _ => None,
    };
    let change = flows::request_code(
        &call.state,
        &call.parts.headers,
        &call.meta,
        call.lang,
        &email,
        chosen,
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.apply(&change)?;
    let back = next
        .as_deref()
        .map(crate::api::preferences::next_query)
        .unwrap_or_default();
    call.redirect(&format!("/sign-in/code{back}"));
    Ok(())
}
