use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub admission_date: String,
    pub birth_date: String,
    pub rule_set: String,
    pub language: String,
    pub profile_completed: bool,
    /// The first year of the history, when chosen; empty otherwise.
    #[serde(default)]
    pub history_from: String,
    /// Whether this first profile also names the firm: a new firm's owner, alone in it.
    pub names_firm: bool,
}

/// The signed-in person's profile.
#[server(prefix = "/api", endpoint = "account/get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    let call = crate::api::support::call()?;
    let user = call.viewer().await?.user;
    let names_firm = !user.profile_completed
        && user.role == domain::Role::Owner
        && crate::backend::firm::settings::member_count(&call.state, &user.firm_id).await? == 1;
    Ok(Profile {
        names_firm,
        email: user.email,
        full_name: user.full_name,
        title: user.title,
        admission_date: user.admission_date.unwrap_or_default(),
        birth_date: user.birth_date.unwrap_or_default(),
        rule_set: user.rule_set,
        language: user.language,
        profile_completed: user.profile_completed,
        history_from: user.history_from.map(|y| y.to_string()).unwrap_or_default(),
    })
}
