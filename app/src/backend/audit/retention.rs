//! Audit rows are kept for the retention period (7 years by default, `AUDIT_RETENTION_DAYS`)
//! and then removed, oldest first, through a recorded purge: the chain then starts from the
//! purge's anchor, so what remains still verifies. The database refuses any other removal.

use crate::backend::db::{Db, now_micros};

/// Removes every row older than `retention_days` from each chain; returns how many.
pub async fn purge_expired(db: &Db, retention_days: u32) -> anyhow::Result<u64> {
    let before_us = now_micros() - i64::from(retention_days) * 86_400 * 1_000_000;
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
    for (chain, after_seq, anchor_hash) in ends {
        sqlx::query(
            "INSERT INTO audit_purges (chain, after_seq, anchor_hash, before_us, at_us) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&chain)
        .bind(after_seq)
        .bind(&anchor_hash)
        .bind(before_us)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        removed += sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq <= $2")
            .bind(&chain)
            .bind(after_seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    tx.commit().await?;
    Ok(removed)
}
