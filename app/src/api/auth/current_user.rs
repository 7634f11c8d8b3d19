use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the interface needs to know about the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub full_name: String,
    pub pending_second_factor: bool,
    pub profile_completed: bool,
    /// `owner`, `admin` or `member`.
    pub role: domain::Role,
    /// The day the account and its data are to be deleted, if that was asked for.
    pub deletion_due: Option<String>,
    /// The firm asked for it (only the firm may cancel it).
    pub deletion_by_firm: bool,
    /// The day the firm restricted the processing of the person's data, if it has.
    #[serde(default)]
    pub restricted_since: Option<String>,
    /// The day the person's firm is deleted, if its owner closed it.
    #[serde(default)]
    pub firm_closing: Option<String>,
    /// Why the firm keeps the person's data by law, if it does.
    #[serde(default)]
    pub legal_hold: Option<String>,
}

/// Who is signed in on this browser, if anyone.
#[server(prefix = "/api", endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let call = crate::api::support::call()?;
    Ok(call.any_viewer().await?.map(|v| Me {
        email: v.user.email,
        full_name: v.user.full_name,
        pending_second_factor: v.pending_second_factor,
        profile_completed: v.user.profile_completed,
        role: v.user.role,
        deletion_due: v
            .user
            .deletion_due_at_us
            .map(crate::backend::erasure::due_day),
        deletion_by_firm: v.user.deletion_by_firm,
        legal_hold: v.user.legal_hold.clone(),
        firm_closing: v
            .user
            .firm_closing_at_us
            .map(crate::backend::erasure::due_day),
        restricted_since: v
            .user
            .restricted_at_us
            .map(crate::backend::erasure::due_day),
    }))
}
