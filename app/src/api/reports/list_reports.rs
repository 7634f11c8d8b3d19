use crate::AppError;
use crate::model::ReportsPage;
use leptos::prelude::*;

/// The signed-in person's reports, newest first, and the years they can make one for.
#[server(prefix = "/api", endpoint = "reports/list_reports")]
pub async fn list_reports() -> Result<ReportsPage, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let items = crate::backend::reports::list(&call.state, &viewer)
        .await
        .map_err(|e| call.fail(e))?;
    let years = crate::backend::reports::years(&call.state, &viewer)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(ReportsPage {
        items,
        years,
        language: call.lang.code().to_owned(),
    })
}
