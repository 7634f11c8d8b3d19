use crate::AppError;
use leptos::prelude::*;

/// Signs out this browser, or (with `everywhere`) every session of the person.
#[server(prefix = "/api", endpoint = "auth/sign_out")]
pub async fn sign_out(everywhere: Option<String>) -> Result<(), AppError> {
    use crate::backend::auth::flows;
    let call = crate::api::support::call()?;
    let Some(viewer) = call.any_viewer().await? else {
        // Already signed out: nothing to do, and nothing to reveal.
        call.redirect("/");
        return Ok(());
    };
    let change = flows::sign_out(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        everywhere.is_some(),
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.apply(&change)?;
    call.redirect("/");
    Ok(())
}
