//! A legal hold: the firm's decision that a person's data must be kept by law (the
//! accounting act, a dispute), recorded with its reason. While it holds, a deletion asked
//! for (by the person or the firm) waits and the person is told why; lifting it lets the
//! purge go ahead. Who may: as for blocking the person. A firm that is closing takes no new
//! hold, and closes only once none is left (its owner decides which comes first).

use super::members::managed_member;
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::now_micros;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;

/// Puts `id` under a legal hold for `reason`, or (`reason` = None) lifts it.
pub async fn set(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let t = lang.texts();
    let reason = match reason.map(str::trim) {
        Some("") => return Err(AppError::invalid("reason", t.err_hold_reason)),
        Some(r) if !domain::limits::fits(r, domain::limits::HOLD_REASON) => {
            return Err(AppError::invalid(
                "reason",
                t.err_too_long_n
                    .replace("{n}", &domain::limits::HOLD_REASON.to_string()),
            ));
        }
        other => other.map(str::to_owned),
    };
    let (mut tx, _) = managed_member(state, viewer, meta, lang, id, || Ok(())).await?;
    if reason.is_some()
        && super::closing_day(&mut tx, &viewer.user.firm_id)
            .await?
            .is_some()
    {
        return Err(AppError::invalid("reason", t.err_hold_while_closing));
    }
    let changed = match &reason {
        Some(reason) => sqlx::query(
            "UPDATE users SET legal_hold = $2, legal_hold_at_us = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(reason)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        None => sqlx::query(
            "UPDATE users SET legal_hold = NULL, legal_hold_at_us = NULL WHERE id = $1 AND legal_hold IS NOT NULL",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    } > 0;
    if changed {
        let action = if reason.is_some() {
            Action::LegalHoldSet
        } else {
            Action::LegalHoldLifted
        };
        viewer
            .audit(&mut tx, meta, action, &Target::new("user", id))
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}

/// How many people of `firm_id` are under a legal hold.
pub async fn held(conn: &mut sqlx::AnyConnection, firm_id: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE firm_id = $1 AND legal_hold IS NOT NULL",
    )
    .bind(firm_id)
    .fetch_one(&mut *conn)
    .await?)
}
