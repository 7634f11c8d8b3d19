use crate::AppError;
use crate::model::ExportView;
use leptos::prelude::*;

/// The person's data exports, newest first, with their progress. Reads only.
#[server(prefix = "/api", endpoint = "account/list_exports")]
pub async fn list_exports() -> Result<Vec<ExportView>, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::exports::list(&call.state, &viewer).await
}
