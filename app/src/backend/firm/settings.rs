//! The firm's settings: name, organisation number, default rule set for invited people,
//! and whether owners and admins must use a second factor.

use super::gate;
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::Act;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::error::Problems;
use crate::i18n::Lang;
use crate::model::FirmSettings;

pub async fn get(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<FirmSettings, AppError> {
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    let (name, org_number, default_rule_set, require): (String, String, String, i64) = sqlx::query_as(
        "SELECT name, org_number, default_rule_set, require_second_factor FROM firms WHERE id = $1",
    )
    .bind(&viewer.user.firm_id)
    .fetch_one(&state.db.pool)
    .await
    ?;
    let storage_used_bytes =
        crate::backend::certificates::upload::firm_storage_used(state, &viewer.user.firm_id)
            .await?;
    Ok(FirmSettings {
        name,
        org_number,
        default_rule_set,
        require_second_factor: require == 1,
        storage_used_bytes,
        storage_quota_bytes: state.config.storage.firm_quota_bytes,
        can_edit: viewer.user.role == domain::Role::Owner,
        closing: viewer
            .user
            .firm_closing_at_us
            .map(crate::backend::erasure::due_day),
    })
}

/// A Swedish organisation number: NNNNNN-NNNN (the dash optional) with a valid Luhn digit.
/// How many people the firm has (any status).
pub async fn member_count(state: &AppState, firm_id: &str) -> anyhow::Result<i64> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE firm_id = $1")
        .bind(firm_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok(count)
}

pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    input: &FirmSettings,
) -> Result<(), AppError> {
    let t = lang.texts();
    gate(state, viewer, meta, lang, Act::ManageSettings).await?;
    let mut problems = Problems::default();
    let name = input.name.trim();
    if name.is_empty() || !domain::limits::fits(name, domain::limits::FIRM_NAME) {
        problems.add(
            "name",
            t.err_firm_name
                .replace("{n}", &domain::limits::FIRM_NAME.to_string()),
        );
    }
    let org_number = match input.org_number.trim() {
        "" => String::new(),
        text => domain::OrgNumber::parse(text)
            .map(|o| o.to_string())
            .unwrap_or_else(|_| {
                problems.add("org_number", t.err_org_number);
                String::new()
            }),
    };
    if !domain::rules::set::IDS.contains(&input.default_rule_set.as_str()) {
        problems.add("default_rule_set", t.err_rule_set_choice);
    }
    problems.finish()?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE firms SET name = $1, org_number = $2, default_rule_set = $3, require_second_factor = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(&org_number)
    .bind(&input.default_rule_set)
    .bind(i64::from(input.require_second_factor))
    .bind(&viewer.user.firm_id)
    .execute(&mut *tx)
    .await
    ?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::FirmSettingsChanged,
            &Target::new("firm", &viewer.user.firm_id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}
