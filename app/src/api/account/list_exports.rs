use crate::AppError;
use crate::model::ExportsPage;
use leptos::prelude::*;

/// The person's data exports, newest first, with their progress. Reads only.
#[server(prefix = "/api", endpoint = "account/list_exports")]
pub async fn list_exports() -> Result<ExportsPage, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    Ok(ExportsPage {
        items: crate::backend::exports::list(&call.state, &viewer).await?,
        stepped_up: crate::backend::auth::step_up::is_fresh(
            &viewer,
            crate::backend::db::now_micros(),
        ),
    })
}
