//! Deleting with a way back. A deletion moves the rows (a course with its certificates, a
//! certificate, a leave, a report) into `*_deleted` tables of the same columns, under one
//! batch recorded in `deletions`, in the deletion's own transaction (which audits it).
//! For [`UNDO_SECS`] the person who deleted it can move it all back ("Undo", audited);
//! after that [`purge_expired`] removes the rows and their stored files for good.
//! Stored files stay in place meanwhile, and the storage sweep counts them as in use.

use crate::AppError;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use serde::{Deserialize, Serialize};

/// How long a deletion can be undone.
pub const UNDO_SECS: i64 = 600;

/// What was deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Entry,
    Certificate,
    Leave,
    Report,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Entry => "entry",
            Kind::Certificate => "certificate",
            Kind::Leave => "leave",
            Kind::Report => "report",
        }
    }

    fn parse(text: &str) -> Option<Kind> {
        [Kind::Entry, Kind::Certificate, Kind::Leave, Kind::Report]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// The audit target kind of a stored kind (a `'static` name).
fn kind_name(kind: &str) -> &'static str {
    Kind::parse(kind).map_or("deletion", Kind::as_str)
}

/// A table whose rows can wait in the undo window, with every one of its columns (the
/// `*_deleted` twin has the same, plus `batch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Entries,
    Certificates,
    Leaves,
    Reports,
}

impl Table {
    /// Restored in this order, so a certificate finds its course.
    const ALL: [Table; 4] = [
        Table::Entries,
        Table::Certificates,
        Table::Leaves,
        Table::Reports,
    ];

    fn name(self) -> &'static str {
        match self {
            Table::Entries => "entries",
            Table::Certificates => "certificates",
            Table::Leaves => "leaves",
            Table::Reports => "reports",
        }
    }

    fn columns(self) -> &'static str {
        match self {
            Table::Entries => {
                "id, user_id, firm_id, entry_date, title, provider, quarters, category, \
                 verifiable, topic, notes, created_at_us, updated_at_us"
            }
            Table::Certificates => {
                "id, entry_id, user_id, firm_id, object_key, file_name, mime, size_bytes, \
                 sha256, pages, width, height, created_at_us"
            }
            Table::Leaves => "id, user_id, from_date, to_date, reason, created_at_us",
            Table::Reports => {
                "id, user_id, firm_id, year, language, status, problem, steps_done, \
                 steps_total, object_key, size_bytes, sha256, pages, left_out, \
                 created_at_us, finished_at_us, alive_at_us"
            }
        }
    }
}

/// An open deletion the person can still undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub batch: String,
    pub kind: Kind,
    pub label: String,
    /// Seconds left to undo it.
    pub seconds_left: i64,
}

/// Starts a deletion of the viewer's: its batch id, under which [`stash`] moves rows.
pub async fn begin(
    conn: &mut sqlx::AnyConnection,
    records: &crate::backend::sealing::Records,
    viewer: &Viewer,
    kind: Kind,
    label: &str,
    back_to: &str,
) -> anyhow::Result<String> {
    let batch = new_id();
    let seal = records.firm(conn, &viewer.user.firm_id).await?;
    sqlx::query(
        "INSERT INTO deletions (batch, user_id, kind, label, back_to, deleted_at_us) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&batch)
    .bind(&viewer.user.id)
    .bind(kind.as_str())
    .bind(seal.seal(crate::backend::sealing::Field::DeletionLabel, &batch, label))
    .bind(back_to)
    .bind(now_micros())
    .execute(&mut *conn)
    .await?;
    Ok(batch)
}

/// Moves the viewer's rows of `table` whose `column` is `value` into the batch; returns
/// how many moved. `column` is one of ours ("id", "entry_id"), never the caller's text.
///
/// Copy and delete are two statements: if another transaction moved or added such rows
/// in between (a double-clicked delete, an upload arriving), the counts differ and the
/// whole deletion fails ([`Moved::Changed`]) rather than keep a row twice or lose one.
pub async fn stash(
    conn: &mut sqlx::AnyConnection,
    batch: &str,
    viewer: &Viewer,
    table: Table,
    column: &'static str,
    value: &str,
) -> anyhow::Result<Moved> {
    let (name, columns) = (table.name(), table.columns());
    let copied = sqlx::query(&format!(
        "INSERT INTO {name}_deleted (batch, {columns}) SELECT $1, {columns} FROM {name} \
         WHERE {column} = $2 AND user_id = $3"
    ))
    .bind(batch)
    .bind(value)
    .bind(&viewer.user.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let deleted = sqlx::query(&format!(
        "DELETE FROM {name} WHERE {column} = $1 AND user_id = $2"
    ))
    .bind(value)
    .bind(&viewer.user.id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(if copied == deleted {
        Moved::Rows(deleted)
    } else {
        Moved::Changed
    })
}

/// What [`stash`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Rows(u64),
    /// The rows changed under the deletion; roll it back.
    Changed,
}

impl Moved {
    /// The error for a deletion that moved nothing (already deleted: not found) or met a
    /// concurrent change (the same answer: the caller's view is out of date).
    pub fn require_some(self) -> Result<u64, AppError> {
        match self {
            Moved::Rows(n) if n > 0 => Ok(n),
            _ => Err(AppError::NotFound),
        }
    }

    /// Any number of rows is fine (an entry's certificates), but not a changed set.
    pub fn require_consistent(self) -> Result<u64, AppError> {
        match self {
            Moved::Rows(n) => Ok(n),
            Moved::Changed => Err(AppError::NotFound),
        }
    }
}

/// The viewer's deletions that can still be undone, newest first.
pub async fn offers(state: &AppState, viewer: &Viewer) -> Result<Vec<Offer>, AppError> {
    let now = now_micros();
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT batch, kind, label, deleted_at_us FROM deletions \
         WHERE user_id = $1 AND deleted_at_us > $2 ORDER BY deleted_at_us DESC LIMIT 5",
    )
    .bind(&viewer.user.id)
    .bind(now - UNDO_SECS * 1_000_000)
    .fetch_all(&state.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    let mut offers = Vec::with_capacity(rows.len());
    for (batch, kind, label, at) in rows {
        let Some(kind) = Kind::parse(&kind) else {
            continue;
        };
        offers.push(Offer {
            label: seal.open(
                crate::backend::sealing::Field::DeletionLabel,
                &batch,
                &label,
            )?,
            batch,
            kind,
            seconds_left: (at + UNDO_SECS * 1_000_000 - now) / 1_000_000,
        });
    }
    Ok(offers)
}

/// Moves a deletion of the viewer's back, audited; returns where to show it. Another
/// person's batch, an unknown one or one past its window is not found.
pub async fn undo(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    batch: &str,
    t: &crate::i18n::Texts,
) -> Result<String, AppError> {
    let now = now_micros();
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    // Taking the row claims the batch: a second undo (another tab) finds nothing.
    let claimed: Option<(String, String)> = sqlx::query_as(
        "DELETE FROM deletions WHERE batch = $1 AND user_id = $2 AND deleted_at_us > $3 \
         RETURNING kind, back_to",
    )
    .bind(batch)
    .bind(&viewer.user.id)
    .bind(now - UNDO_SECS * 1_000_000)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((kind, back_to)) = claimed else {
        return Err(AppError::NotFound);
    };
    // A certificate's course may have been deleted since: it cannot come back alone.
    let orphaned: Option<(String,)> = sqlx::query_as(
        "SELECT d.id FROM certificates_deleted d WHERE d.batch = $1 \
         AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = d.entry_id) \
         AND NOT EXISTS (SELECT 1 FROM entries_deleted x WHERE x.batch = $1 AND x.id = d.entry_id)",
    )
    .bind(batch)
    .fetch_optional(&mut *tx)
    .await?;
    if orphaned.is_some() {
        return Err(AppError::invalid("batch", t.undo_course_gone));
    }
    for table in Table::ALL {
        let (name, columns) = (table.name(), table.columns());
        sqlx::query(&format!(
            "INSERT INTO {name} ({columns}) SELECT {columns} FROM {name}_deleted WHERE batch = $1"
        ))
        .bind(batch)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!("DELETE FROM {name}_deleted WHERE batch = $1"))
            .bind(batch)
            .execute(&mut *tx)
            .await?;
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::DeletionUndone,
            &Target::new(kind_name(&kind), batch),
        )
        .await?;
    tx.commit().await?;
    Ok(back_to)
}

/// Makes every deletion older than the undo window final (as of `now`): the waiting rows
/// go, then their stored files. Safe with several instances: each batch is claimed by
/// deleting its `deletions` row, and a file removal that fails is left for the sweep.
pub async fn purge_expired(state: &AppState, now: i64) -> anyhow::Result<usize> {
    let cutoff = now - UNDO_SECS * 1_000_000;
    let batches: Vec<(String, String)> = sqlx::query_as(
        "SELECT batch, kind FROM deletions WHERE deleted_at_us <= $1 \
         AND user_id NOT IN (SELECT id FROM users WHERE legal_hold IS NOT NULL) \
         ORDER BY deleted_at_us LIMIT 500",
    )
    .bind(cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let mut purged = 0;
    for (batch, kind) in batches {
        let mut tx = state.db.begin().await?;
        let claimed = sqlx::query("DELETE FROM deletions WHERE batch = $1")
            .bind(&batch)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 0 {
            continue;
        }
        // A key still in use by a live row (restored by another batch) is never removed.
        let keys: Vec<(String,)> = sqlx::query_as(
            "SELECT k.object_key FROM ( \
               SELECT object_key FROM certificates_deleted WHERE batch = $1 \
               UNION ALL SELECT object_key FROM reports_deleted WHERE batch = $1 AND object_key IS NOT NULL \
             ) k WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.object_key = k.object_key) \
               AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.object_key = k.object_key)",
        )
        .bind(&batch)
        .fetch_all(&mut *tx)
        .await?;
        for table in Table::ALL {
            sqlx::query(&format!(
                "DELETE FROM {}_deleted WHERE batch = $1",
                table.name()
            ))
            .bind(&batch)
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &mut tx,
            &Actor::System,
            Action::DeletionFinal,
            &Target::new(kind_name(&kind), &batch),
            &audit::Context::default(),
        )
        .await?;
        tx.commit().await?;
        let keys: Vec<String> = keys.into_iter().map(|(k,)| k).collect();
        crate::backend::storage::remove_objects(&state.storage, &keys).await;
        purged += 1;
    }
    Ok(purged)
}
