use crate::AppError;
use leptos::prelude::*;

/// The owner cancels the closing of the firm during the hold.
#[server(prefix = "/api", endpoint = "firm/keep_firm")]
pub async fn keep_firm() -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::termination::cancel(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/firm/settings?kept=1");
    Ok(())
}
