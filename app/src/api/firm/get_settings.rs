use crate::AppError;
use crate::model::FirmSettings;
use leptos::prelude::*;

/// The firm's settings.
#[server(prefix = "/api", endpoint = "firm/get_settings")]
pub async fn get_settings() -> Result<FirmSettings, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::settings::get(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))
}
