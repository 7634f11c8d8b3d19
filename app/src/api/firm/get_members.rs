use crate::AppError;
use crate::model::Members;
use leptos::prelude::*;

/// The firm's people and open invitations.
#[server(prefix = "/api", endpoint = "firm/get_members")]
pub async fn get_members() -> Result<Members, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::members::list(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))
}
