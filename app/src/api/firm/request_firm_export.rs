use crate::AppError;
use leptos::prelude::*;

/// An owner asks for the archive of the whole firm (after confirming it is them); it is made
/// in the background and listed on their own data page.
#[server(prefix = "/api", endpoint = "firm/request_firm_export")]
pub async fn request_firm_export() -> Result<String, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let export = crate::backend::exports::request_firm(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/account/data?requested=1");
    Ok(export)
}
