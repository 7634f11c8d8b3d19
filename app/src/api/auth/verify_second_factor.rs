use crate::AppError;
use leptos::prelude::*;

/// Completes sign-in with a code from the authenticator app or a recovery code.
#[server(prefix = "/api", endpoint = "auth/verify_second_factor")]
pub async fn verify_second_factor(code: String) -> Result<(), AppError> {
    use crate::backend::auth::flows;
    let call = crate::api::support::call()?;
    let Some(viewer) = call.any_viewer().await? else {
        return Err(call.fail(AppError::Unauthenticated));
    };
    let change = flows::verify_second_factor(&call.state, &viewer, &call.meta, call.lang, &code)
        .await
        .map_err(|e| call.fail(e))?;
    call.apply(&change)?;
    call.redirect(if viewer.user.profile_completed {
        "/"
    } else {
        "/account/profile?welcome=1"
    });
    Ok(())
}
