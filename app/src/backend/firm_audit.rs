//! The firm's own audit log for its owners and admins: the verification of the firm's
//! chain, and its events with filters, on screen and as CSV.

use crate::AppError;
use crate::backend::audit::{Action, Target, checkpoint, verify};
use crate::backend::auth::viewer::Viewer;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::model::{AuditEvent, AuditFilter, AuditPage};
use domain::Date;

/// At most this many events on one screen (newest first); the CSV has them all.
pub const PAGE_ROWS: i64 = 500;

fn internal(e: impl Into<anyhow::Error>) -> AppError {
    AppError::internal(e)
}

/// Owners and admins may see their firm's audit log (see [`crate::backend::authz`]).
pub async fn authorize(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: crate::i18n::Lang,
) -> Result<(), AppError> {
    crate::backend::firm::gate(
        state,
        viewer,
        meta,
        lang,
        crate::backend::authz::Act::ViewFirm,
    )
    .await
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) from microseconds since 1970.
pub fn timestamp(at_us: i64) -> String {
    let secs = at_us.div_euclid(1_000_000);
    let date = Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{date} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn day_start_us(text: &str) -> Option<i64> {
    Date::parse(text)
        .ok()
        .map(|d| d.to_unix_days() * 86_400 * 1_000_000)
}

type EventRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The firm's events that match, newest first, with who did them (names are the firm's
/// own people). `limit` None: all of them.
pub async fn events(
    state: &AppState,
    firm_id: &str,
    filter: &AuditFilter,
    limit: Option<i64>,
) -> Result<Vec<AuditEvent>, AppError> {
    let from = day_start_us(&filter.from).unwrap_or(i64::MIN);
    let to = day_start_us(&filter.to).map_or(i64::MAX, |d| d + 86_400 * 1_000_000);
    let action = filter.action.trim();
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT l.seq, l.at_us, l.actor_kind, u.full_name, u.email, l.action, l.target_kind, l.target_id, l.ip \
         FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id \
         WHERE l.chain = $1 AND l.at_us >= $2 AND l.at_us < $3 AND ($4 = '' OR l.action = $4) \
         ORDER BY l.seq DESC LIMIT $5",
    )
    .bind(firm_id)
    .bind(from)
    .bind(to)
    .bind(action)
    .bind(limit.unwrap_or(i64::MAX))
    .fetch_all(&state.db.pool)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(
            |(seq, at_us, kind, name, email, action, target_kind, target_id, ip)| AuditEvent {
                seq,
                at: timestamp(at_us),
                actor: match (name.filter(|n| !n.is_empty()), email) {
                    (Some(name), Some(email)) => format!("{name} <{email}>"),
                    (None, Some(email)) => email,
                    _ => kind,
                },
                action,
                target: match target_id {
                    Some(id) => format!("{target_kind} {id}"),
                    None => target_kind,
                },
                ip: ip.unwrap_or_default(),
            },
        )
        .collect())
}

/// The page: the chain's verification, the distinct actions (for the filter) and events.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    filter: &AuditFilter,
) -> Result<AuditPage, AppError> {
    let firm = &viewer.user.firm_id;
    let key = checkpoint::signing_key(state.master_key()).verifying_key();
    let mut conn = state.db.pool.acquire().await.map_err(internal)?;
    let report = verify::verify(
        &mut conn,
        &key,
        Some(firm),
        &checkpoint::FileContents::default(),
    )
    .await
    .map_err(internal)?;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT action FROM audit_log WHERE chain = $1 ORDER BY action",
    )
    .bind(firm)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    drop(conn);
    Ok(AuditPage {
        intact: report.ok(),
        problem: report.problem.map(|p| p.to_string()),
        rows_checked: report.chains.iter().map(|c| c.rows).sum(),
        checkpoints: report.chains.iter().map(|c| c.checkpoints as u64).sum(),
        public_key: checkpoint::public_key_hex(&key),
        actions,
        events: events(state, firm, filter, Some(PAGE_ROWS)).await?,
    })
}

/// All matching events as CSV; the export is audited.
pub async fn export(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    filter: &AuditFilter,
) -> Result<String, AppError> {
    let events = events(state, &viewer.user.firm_id, filter, None).await?;
    let mut out = crate::backend::csv_out::CsvOut::new(&[
        "seq", "time_utc", "actor", "action", "target", "ip",
    ])
    .map_err(internal)?;
    for e in &events {
        out.row([
            e.seq.to_string().as_str(),
            &e.at,
            &e.actor,
            &e.action,
            &e.target,
            &e.ip,
        ])
        .map_err(internal)?;
    }
    let body = out.finish().map_err(internal)?;
    viewer
        .audit_alone(
            state,
            meta,
            Action::AuditExported,
            &Target::kind("firm_audit"),
        )
        .await
        .map_err(internal)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_seconds() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1_795_432_938_954_000), "2026-11-23 11:22:18");
    }
}
