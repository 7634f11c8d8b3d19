use crate::AppError;
use crate::model::LogData;
use leptos::prelude::*;

/// The signed-in person's whole log, with what the calculator needs.
#[server(prefix = "/api", endpoint = "log/get_log")]
pub async fn get_log() -> Result<LogData, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let mut conn = call.state.db.pool.acquire().await?;
    Ok(crate::backend::training::load(&mut conn, &call.state.db.records, &viewer.user).await?)
}
