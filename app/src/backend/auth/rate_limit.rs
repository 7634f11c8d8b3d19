//! Sliding-window rate limits kept in the database, so every server instance counts the
//! same events. Each check first takes its bucket's lock ([`lock`]), so counting and
//! recording an event is atomic even for truly parallel requests on PostgreSQL: callers
//! must run it inside a transaction (the lock is held until it ends).

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
/// NAT, so this is generous (`SIGN_IN_CODES_PER_IP_HOUR` sets it; 100 by default); each
/// address is throttled on its own as well (1 a minute,
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

/// Every code sent, from anywhere: a ceiling on the mail we can be made to send, whatever
/// the number of addresses an attacker has.
pub const CODE_REQUESTS_GLOBAL: Limit = Limit {
    name: "code-all",
    limit: 3000,
    window: 10 * MINUTE,
};

/// Invitations one firm sends a day, and one person sends an hour: enough for onboarding
/// an office, too few to use us as a mail relay.
pub const INVITATIONS_PER_FIRM: Limit = Limit {
    name: "invite-firm",
    limit: 100,
    window: 24 * 60 * MINUTE,
};
pub const INVITATIONS_PER_INVITER: Limit = Limit {
    name: "invite-user",
    limit: 30,
    window: 60 * MINUTE,
};
/// A firm is new for its first day: one email sign-in makes one, so a new firm's
/// allowance is what a mail relay would get per address it signs up with.
pub const NEW_FIRM_FOR: Micros = 24 * 60 * MINUTE;
/// Invitations a new firm sends in its first day: a first few colleagues.
pub const INVITATIONS_NEW_FIRM: Limit = Limit {
    name: "invite-new-firm",
    limit: 10,
    window: NEW_FIRM_FOR,
};
/// Invitations sent from one network (an IPv4 address or an IPv6 /64) a day, for any
/// number of firms: signing up more firms gives no more.
pub const INVITATIONS_PER_NETWORK: Limit = Limit {
    name: "invite-ip",
    limit: 100,
    window: 24 * 60 * MINUTE,
};
/// Every invitation mail, from anywhere: a ceiling on the mail invitations can make us
/// send, whatever the number of networks and firms an attacker has.
pub const INVITATIONS_GLOBAL: Limit = Limit {
    name: "invite-all",
    limit: 1000,
    window: 60 * MINUTE,
};

/// Certificate files one person uploads in ten minutes.
pub const UPLOADS_PER_PERSON: Limit = Limit {
    name: "upload-user",
    limit: 60,
    window: 10 * MINUTE,
};

/// Histories (archives) one person uploads for review in an hour.
pub const HISTORY_UPLOADS_PER_PERSON: Limit = Limit {
    name: "history-user",
    limit: 10,
    window: 60 * MINUTE,
};

/// Takes the lock of `bucket` until the transaction ends: the upsert locks the bucket's
/// row on PostgreSQL and takes the single writer lock on SQLite, so whoever comes next
/// waits and then sees every event counted before it.
pub async fn lock(conn: &mut AnyConnection, bucket: &str, now: Micros) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO rate_buckets (bucket, touched_at_us) VALUES ($1, $2)          ON CONFLICT (bucket) DO UPDATE SET touched_at_us = excluded.touched_at_us",
    )
    .bind(bucket)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("locking a rate-limit bucket")?;
    Ok(())
}

/// Counts one event for `key`, unless the limit is reached: then `Ok(Err(seconds))` says
/// how long to wait, and nothing is counted. Run it inside a transaction.
pub async fn hit(
    conn: &mut AnyConnection,
    limit: Limit,
    key: &str,
    now: Micros,
) -> anyhow::Result<Result<(), u64>> {
    let bucket = format!("{}:{key}", limit.name);
    lock(conn, &bucket, now).await?;
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
