use crate::AppError;
use leptos::prelude::*;

/// Saves the firm's settings (owners only).
#[server(prefix = "/api", endpoint = "firm/update_settings")]
pub async fn update_settings(
    name: String,
    org_number: String,
    default_rule_set: String,
    require_second_factor: Option<String>,
) -> Result<(), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let input = crate::model::FirmSettings {
        name,
        org_number,
        default_rule_set,
        require_second_factor: require_second_factor.is_some_and(|v| !v.is_empty() && v != "0"),
        // Not settings: shown, never taken from the form.
        storage_used_bytes: 0,
        storage_quota_bytes: 0,
        can_edit: true,
        closing: None,
    };
    crate::backend::firm::settings::update(&call.state, &viewer, &call.meta, call.lang, &input)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect("/firm/settings?saved=1");
    Ok(())
}
