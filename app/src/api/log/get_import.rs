use crate::AppError;
use crate::model::ImportPreview;
use leptos::prelude::*;

/// The preview of a staged CSV file: every row, each bad one with its reason.
#[server(prefix = "/api", endpoint = "log/get_import")]
pub async fn get_import(id: String) -> Result<ImportPreview, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::training::import::preview(&call.state, &viewer, call.lang, &id)
        .await
        .map_err(|e| call.fail(e))
}
