//! The per-firm storage quota (`FIRM_STORAGE_QUOTA_MB`), for certificates and reports alike.
//!
//! Checked where the bytes are committed: inside the transaction that inserts the
//! certificate's row or marks the report ready, after taking the firm's lock (the
//! `rate_buckets` row `quota:FIRM`, the pattern of [`crate::backend::auth::rate_limit`]).
//! Whoever commits next waits for the lock and then counts every file committed before
//! it, so parallel uploads and reports — on several server instances, on PostgreSQL —
//! never take a firm past its quota. The object itself is stored before (so the lock is
//! never held while bytes travel to S3) and removed again when it does not fit.
//!
//! Earlier checks (an upload's start, a report's request) only turn away a firm that is
//! already full, before any work is done; they decide nothing else.

use crate::backend::auth::rate_limit;
use sqlx::AnyConnection;

/// Bytes a firm keeps in certificates and reports, counting files that wait out an undo
/// window (Undo brings them back).
pub async fn used(conn: &mut AnyConnection, firm_id: &str) -> anyhow::Result<u64> {
    let used: i64 = sqlx::query_scalar(
        "SELECT CAST((SELECT COALESCE(SUM(size_bytes), 0) FROM certificates WHERE firm_id = $1) + \
                     (SELECT COALESCE(SUM(size_bytes), 0) FROM reports WHERE firm_id = $1) + \
                     (SELECT COALESCE(SUM(size_bytes), 0) FROM certificates_deleted WHERE firm_id = $1) + \
                     (SELECT COALESCE(SUM(size_bytes), 0) FROM reports_deleted WHERE firm_id = $1) AS BIGINT)",
    )
    .bind(firm_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(used).unwrap_or(0))
}

/// Takes the firm's storage lock until the transaction on `conn` ends, then says whether
/// `adding` more bytes fit in `quota`. Run it in the transaction that commits the bytes,
/// before anything else that writes.
pub async fn fits(
    conn: &mut AnyConnection,
    firm_id: &str,
    adding: u64,
    quota: u64,
) -> anyhow::Result<bool> {
    rate_limit::lock(
        conn,
        &format!("quota:{firm_id}"),
        crate::backend::db::now_micros(),
    )
    .await?;
    Ok(used(conn, firm_id).await?.saturating_add(adding) <= quota)
}
