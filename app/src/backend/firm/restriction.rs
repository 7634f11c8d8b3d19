//! Restriction of processing: the firm holds a person's data without using it, while (for
//! example) its accuracy is contested. Nothing is calculated from a restricted person's
//! records (their standing shows "restricted", their reports cannot be made), nothing is
//! mailed about them but the sign-in codes they ask for, and their records are kept as they
//! are until the firm lifts the restriction. The person is told on every page.

use super::members::managed_member;
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::now_micros;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;

/// Restricts (`restrict`) or lifts the restriction of the processing of `id`'s data.
/// Who may is decided as for blocking them; doing it twice changes nothing (and is not
/// audited twice).
pub async fn set(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    restrict: bool,
) -> Result<(), AppError> {
    let (mut tx, _) = managed_member(state, viewer, meta, lang, id, || Ok(())).await?;
    let sql = if restrict {
        "UPDATE users SET restricted_at_us = $2 WHERE id = $1 AND restricted_at_us IS NULL"
    } else {
        "UPDATE users SET restricted_at_us = NULL WHERE id = $1 AND restricted_at_us IS NOT NULL AND $2 > 0"
    };
    let changed = sqlx::query(sql)
        .bind(id)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    if changed {
        let action = if restrict {
            Action::ProcessingRestricted
        } else {
            Action::RestrictionLifted
        };
        viewer
            .audit(&mut tx, meta, action, &Target::new("user", id))
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}

/// Whether the processing of `user_id`'s data is restricted (read on the caller's
/// connection, so a check and the work it guards see the same row).
pub async fn is_restricted(conn: &mut sqlx::AnyConnection, user_id: &str) -> anyhow::Result<bool> {
    let since: Option<Option<i64>> =
        sqlx::query_scalar("SELECT restricted_at_us FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(since.flatten().is_some())
}

/// What a person is about to do to their own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add or edit (a course, a leave period, a certificate, an undo).
    Write,
    /// Delete (a course, a leave period, a certificate, a report, an exemption).
    Delete,
}

/// Whether the viewer may change their own records now: not at all while the firm
/// restricts their processing (the records are kept as they are), and nothing deleted while
/// the firm keeps them by law (a legal hold). Read from the person as loaded with the
/// session, so it costs no query.
pub fn guard(viewer: &Viewer, change: Change) -> Result<(), AppError> {
    let t = Lang::from_code(&viewer.user.language)
        .unwrap_or_default()
        .texts();
    if viewer.user.restricted_at_us.is_some() {
        return Err(AppError::invalid("restricted", t.err_restricted_change));
    }
    if change == Change::Delete && viewer.user.legal_hold.is_some() {
        return Err(AppError::invalid("legal_hold", t.err_held_delete));
    }
    Ok(())
}
