use crate::AppError;
use leptos::prelude::*;

/// An owner or admin asks for the archive of a member they manage (after confirming it is
/// them); it is made in the background and listed on their own data page.
#[server(prefix = "/api", endpoint = "firm/request_member_export")]
pub async fn request_member_export(id: String) -> Result<String, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let export =
        crate::backend::exports::request_member(&call.state, &viewer, &call.meta, call.lang, &id)
            .await
            .map_err(|e| call.fail(e))?;
    call.redirect("/account/data?requested=1");
    Ok(export)
}
