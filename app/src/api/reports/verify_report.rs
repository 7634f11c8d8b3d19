use crate::AppError;
use crate::model::Verification;
use leptos::prelude::*;

/// Public: what we issued under a report id (date, pages, SHA-256), or nothing. Needs no
/// session and shows nothing about the person.
#[server(prefix = "/api", endpoint = "reports/verify_report")]
pub async fn verify_report(id: String) -> Result<Option<Verification>, AppError> {
    let call = crate::api::support::call()?;
    crate::backend::reports::verification(&call.state, &id)
        .await
        .map_err(|e| call.fail(e))
}
