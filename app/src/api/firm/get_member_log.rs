use crate::AppError;
use crate::model::MemberLog;
use leptos::prelude::*;

/// A member's log, read-only, for the firm's owners and admins (audited).
#[server(prefix = "/api", endpoint = "firm/get_member_log")]
pub async fn get_member_log(id: String) -> Result<MemberLog, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    crate::backend::firm::overview::member_log(&call.state, &viewer, &call.meta, call.lang, &id)
        .await
        .map_err(|e| call.fail(e))
}
