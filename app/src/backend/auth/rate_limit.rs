//! Sliding-window rate limits kept in the database, so every server instance counts the
//! same events.

use super::challenge::{Micros, seconds_up};
use anyhow::Context as _;
use sqlx::AnyConnection;

/// A named limit: at most `limit` events per `window` for one bucket key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub limit: i64,
    pub window: Micros,
}

const MINUTE: Micros = 60 * 1_000_000;

/// Codes asked for from one IP address. A whole office can share one address behind its
/// NAT, so this is generous; each address is throttled on its own as well (1 a minute,
/// 5 an hour), and each code allows only 5 tries.
pub const CODE_REQUESTS_PER_IP: Limit = Limit {
    name: "code-ip",
    limit: 100,
    window: 60 * MINUTE,
};
/// Codes (and TOTP codes) tried from one IP address.
pub const VERIFY_PER_IP: Limit = Limit {
    name: "verify-ip",
    limit: 200,
    window: 10 * MINUTE,
};

/// Files checked on the public report verification page from one IP address: each
/// check reads a whole PDF, so it is counted like a sign-in attempt.
pub const REPORT_CHECKS_PER_IP: Limit = Limit {
    name: "report-check-ip",
    limit: 30,
    window: 10 * MINUTE,
};

/// Counts one event for `key`, unless the limit is reached: then `Ok(Err(seconds))` says
/// how long to wait, and nothing is counted.
pub async fn hit(
    conn: &mut AnyConnection,
    limit: Limit,
    key: &str,
    now: Micros,
) -> anyhow::Result<Result<(), u64>> {
    let bucket = format!("{}:{key}", limit.name);
    let since = now - limit.window;
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at_us) FROM rate_events WHERE bucket = $1 AND at_us > $2",
    )
    .bind(&bucket)
    .bind(since)
    .fetch_one(&mut *conn)
    .await
    .context("counting rate-limited events")?;
    if count >= limit.limit {
        let wait = oldest
            .map(|t| t + limit.window - now)
            .unwrap_or(limit.window);
        return Ok(Err(seconds_up(wait)));
    }
    sqlx::query("DELETE FROM rate_events WHERE bucket = $1 AND at_us <= $2")
        .bind(&bucket)
        .bind(since)
        .execute(&mut *conn)
        .await
        .context("pruning rate-limited events")?;
    sqlx::query("INSERT INTO rate_events (bucket, at_us) VALUES ($1, $2)")
        .bind(&bucket)
        .bind(now)
        .execute(&mut *conn)
        .await
        .context("counting a rate-limited event")?;
    Ok(Ok(()))
}
