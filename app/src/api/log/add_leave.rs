use crate::AppError;
use leptos::prelude::*;

/// Records a period of leave (both days inclusive).
#[server(prefix = "/api", endpoint = "log/add_leave")]
pub async fn add_leave(from: String, to: String, reason: String) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::leaves::add(
        &call.state,
        &viewer,
        &call.meta,
        call.lang,
        (&from, &to, &reason),
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect("/account/leave?saved=1");
    Ok(())
}
