use crate::AppError;
use crate::model::ReportView;
use leptos::prelude::*;

/// Where one of the signed-in person's reports stands (polled while it is made).
#[server(prefix = "/api", endpoint = "reports/report_progress")]
pub async fn report_progress(id: String) -> Result<ReportView, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::reports::get(&call.state, &viewer, &id)
        .await
        .map_err(|e| call.fail(e))
}
