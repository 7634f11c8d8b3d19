use crate::AppError;
use crate::model::AuditPage;
use leptos::prelude::*;

/// The firm's audit log and its verification (owners and admins only).
#[server(prefix = "/api", endpoint = "firm/get_audit")]
pub async fn get_audit(action: String, from: String, to: String) -> Result<AuditPage, AppError> {
    use crate::backend::firm_audit;
    use crate::model::AuditFilter;
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    firm_audit::authorize(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    firm_audit::page(&call.state, &viewer, &AuditFilter { action, from, to })
        .await
        .map_err(|e| call.fail(e))
}
