use crate::AppError;
use crate::model::EntryView;
use leptos::prelude::*;

/// One of the signed-in person's entries (anyone else's: not found).
#[server(prefix = "/api", endpoint = "log/get_entry")]
pub async fn get_entry(id: String) -> Result<EntryView, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::entries::get(&call.state, &viewer, &id)
        .await
        .map_err(|e| call.fail(e))
}
