//! A firm's administration: its people and invitations, its settings, and the overview of
//! everyone's standing. Every function takes the acting person (a [`Viewer`]) and first asks
//! [`gate`], which applies [`crate::backend::authz`] and the firm's second-factor rule.

pub mod correction;
pub mod invitations;
pub mod legal_hold;
pub mod members;
pub mod overview;
pub mod restriction;
pub mod settings;
pub mod termination;

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::{self, Act};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;

/// May `viewer` do `act` in their firm? A refusal is audited. Where the firm requires a
/// second factor of its owners and admins, an administrator without one is told to set it up.
/// Call it once per request; a further, narrower check (once the target is known) is
/// [`permit`].
pub async fn gate(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    act: Act,
) -> Result<(), AppError> {
    permit(state, viewer, meta, act).await?;
    let mut conn = state.db.pool.acquire().await?;
    let required: i64 = sqlx::query_scalar("SELECT require_second_factor FROM firms WHERE id = $1")
        .bind(&viewer.user.firm_id)
        .fetch_one(&mut *conn)
        .await?;
    // Not enough to have an app: this session must have passed it (a session opened
    // before the app was set up, or by the emailed code alone, does not count).
    if required == 1 && viewer.session.second_factor_at.is_none() {
        return Err(AppError::invalid(
            "second_factor",
            lang.texts().err_firm_requires_second_factor,
        ));
    }
    Ok(())
}

/// The role check of [`gate`] alone (no database read unless it refuses, which is audited).
pub async fn permit(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    act: Act,
) -> Result<(), AppError> {
    if let Err(error) = authz::authorize(viewer.user.role, act) {
        viewer
            .audit_alone(state, meta, Action::AccessDenied, &Target::kind("firm"))
            .await?;
        return Err(error);
    }
    Ok(())
}

/// The day a firm closes, if its owner closed it.
pub async fn closing_day(
    conn: &mut sqlx::AnyConnection,
    firm_id: &str,
) -> anyhow::Result<Option<String>> {
    let due: Option<Option<i64>> =
        sqlx::query_scalar("SELECT termination_due_at_us FROM firms WHERE id = $1")
            .bind(firm_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(due.flatten().map(crate::backend::erasure::due_day))
}
