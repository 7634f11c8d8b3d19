use crate::AppError;
use crate::model::HistoryImportView;
use leptos::prelude::*;

/// One of the person's uploaded histories: what it would add, or how far it is. Reads only.
#[server(prefix = "/api", endpoint = "account/get_history_import")]
pub async fn get_history_import(id: String) -> Result<HistoryImportView, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::history::get(&call.state, &viewer, &id).await
}
