use crate::AppError;
use leptos::prelude::*;

/// Starts making the signed-in person's report for `year` in `language` (`en`/`sv`).
#[server(prefix = "/api", endpoint = "reports/create_report")]
pub async fn create_report(year: i32, language: String) -> Result<String, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let language =
        crate::i18n::Lang::from_code(&language).ok_or_else(|| call.fail(AppError::BadRequest))?;
    let years = crate::backend::reports::years(&call.state, &viewer)
        .await
        .map_err(|e| call.fail(e))?;
    let id = crate::backend::reports::request(
        &call.state,
        &viewer,
        &call.meta,
        year,
        language,
        &years,
        call.lang.texts(),
    )
    .await
    .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/reports?created={id}"));
    Ok(id)
}
