use crate::AppError;
use crate::model::Retention;
use leptos::prelude::*;

/// When each retention job last ran, and the purges of the firm's people. Reads only.
#[server(prefix = "/api", endpoint = "firm/get_retention")]
pub async fn get_retention() -> Result<Retention, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::jobs::retention(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))
}
