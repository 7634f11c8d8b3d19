//! Audit rows are kept for the retention period (7 years by default, `AUDIT_RETENTION_DAYS`,
//! never less than the 12 months our security policy promises for security logs) and then
//! removed, oldest first, through a purge that is signed like a checkpoint and appended to
//! the checkpoint file. The chain then starts from the purge's anchor, so what remains still
//! verifies; a purge without a valid signature makes `audit verify` fail. The database
//! itself refuses every other removal, and any removal of a row younger than 12 months.

use super::checkpoint::{self, Purge};
use crate::backend::db::{Db, now_micros};
use ed25519_dalek::SigningKey;
use std::path::Path;

/// The shortest retention there is: the security policy keeps security logs 12 months.
pub const MIN_RETENTION_DAYS: u32 = 365;

/// Removes every row older than `retention_days` (at least [`MIN_RETENTION_DAYS`]) from each
/// chain; returns how many. `now` is passed in so a test can stand years ahead; the
/// database still refuses to remove any row younger than 12 months by its own clock.
pub async fn purge_expired(
    db: &Db,
    key: &SigningKey,
    file: Option<&Path>,
    retention_days: u32,
    now: i64,
) -> anyhow::Result<u64> {
    let retention_days = retention_days.max(MIN_RETENTION_DAYS);
    let before_us = now - i64::from(retention_days) * 86_400 * 1_000_000;
    let mut tx = db.begin().await?;
    // Per chain, the last row older than the horizon (rows are in time order within a chain).
    let ends: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT l.chain, l.seq, l.row_hash FROM audit_log l \
         WHERE l.seq = (SELECT MAX(x.seq) FROM audit_log x WHERE x.chain = l.chain AND x.at_us < $1)",
    )
    .bind(before_us)
    .fetch_all(&mut *tx)
    .await?;
    let mut removed = 0;
    let mut purges = Vec::with_capacity(ends.len());
    for (chain, after_seq, anchor_hash) in ends {
        let purge = Purge::signed(
            key,
            &chain,
            after_seq,
            &anchor_hash,
            before_us,
            now_micros(),
        );
        sqlx::query(
            "INSERT INTO audit_purges (chain, after_seq, anchor_hash, before_us, at_us, signature) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&purge.chain)
        .bind(purge.after_seq)
        .bind(&purge.anchor_hash)
        .bind(purge.before_us)
        .bind(purge.at_us)
        .bind(&purge.signature)
        .execute(&mut *tx)
        .await?;
        removed += sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq <= $2")
            .bind(&chain)
            .bind(after_seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        purges.push(purge);
    }
    // The file outside the database learns of the purge before the rows are gone for good.
    if let (Some(path), false) = (file, purges.is_empty()) {
        let mut lines = String::new();
        for purge in purges {
            lines.push_str(&serde_json::to_string(&checkpoint::FileRecord::Purge {
                kind: "purge".to_owned(),
                purge,
            })?);
            lines.push('\n');
        }
        checkpoint::append_lines(path, lines).await?;
    }
    tx.commit().await?;
    Ok(removed)
}
