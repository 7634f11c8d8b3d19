use crate::AppError;
use leptos::prelude::*;

/// Records (`exempt` = "yes") or removes the age-70 exemption for a year.
#[server(prefix = "/api", endpoint = "log/set_exemption")]
pub async fn set_exemption(year: String, exempt: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::leaves::set_exemption(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        &year,
        exempt == "yes",
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/account/leave?saved=1");
    Ok(())
}
