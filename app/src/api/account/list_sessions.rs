use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// A public handle (not the secret) naming the session for revocation.
    pub handle: String,
    pub device: String,
    pub ip: String,
    pub signed_in_at_us: i64,
    pub last_seen_at_us: i64,
    pub current: bool,
}

/// The signed-in person's live sessions, most recently used first.
#[server(prefix = "/api", endpoint = "account/list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::backend::auth::{flows::public_handle, session};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let mut conn = call.state.db.pool.acquire().await?;
    let sessions = session::list_for_user(
        &mut conn,
        &call.state.db.records,
        &viewer.user.id,
        crate::backend::db::now_micros(),
    )
    .await?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionInfo {
            handle: public_handle(&s.id_hash),
            device: describe_device(s.user_agent.as_deref().unwrap_or_default()),
            ip: s.ip.unwrap_or_default(),
            signed_in_at_us: s.created_at,
            last_seen_at_us: s.last_seen_at,
            current: s.id_hash == viewer.session.id_hash,
        })
        .collect())
}

/// "Firefox on Windows" from a user-agent string: enough for a person to recognise it.
pub fn describe_device(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) if user_agent.is_empty() => "?".to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}
