use crate::AppError;
use crate::model::AuditPage;
use leptos::prelude::*;

/// One page of the firm's audit log and its verification (owners and admins only):
/// the newest events, or those just older than `before` / newer than `after` (a `seq`).
#[server(prefix = "/api", endpoint = "firm/get_audit")]
pub async fn get_audit(
    action: String,
    from: String,
    to: String,
    before: Option<i64>,
    after: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::backend::firm_audit::{self, Cursor};
    use crate::model::AuditFilter;
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    firm_audit::authorize(&call.state, &viewer, &call.meta, call.lang)
        .await
        .map_err(|e| call.fail(e))?;
    firm_audit::page(
        &call.state,
        &viewer,
        &AuditFilter { action, from, to },
        Cursor::from_query(before, after),
    )
    .await
    .map_err(|e| call.fail(e))
}
