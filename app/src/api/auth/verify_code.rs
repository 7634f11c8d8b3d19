use crate::AppError;
use leptos::prelude::*;

/// Signs in with the emailed code. Sends the browser on: to the second factor if the
/// person has one, to the profile if it is not filled in yet, else home.
#[server(prefix = "/api", endpoint = "auth/verify_code")]
pub async fn verify_code(
    code: String,
    /// Where the person was going before signing in (a path of ours).
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::auth::flows::{self, Proof};
    let call = crate::api::support::call()?;
    let signed_in = flows::verify(
        &call.state,
        &call.parts.headers,
        &call.meta,
        call.lang,
        Proof::Code(&code),
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.apply(&signed_in.cookie)?;
    let usual =
        crate::api::auth::after_sign_in(signed_in.needs_second_factor, signed_in.profile_completed);
    // Back to the page asked for, once nothing else comes first (second factor, profile).
    let target = match next.filter(|p| crate::api::preferences::is_local_path(p)) {
        Some(path) if usual == "/dashboard" => path,
        _ => usual.to_owned(),
    };
    call.redirect(&target);
    Ok(())
}

/// Where a person goes once the code (or link) is accepted.
pub fn after_sign_in(needs_second_factor: bool, profile_completed: bool) -> &'static str {
    if needs_second_factor {
        "/sign-in/second-factor"
    } else if !profile_completed {
        "/account/profile?welcome=1"
    } else {
        "/dashboard"
    }
}
