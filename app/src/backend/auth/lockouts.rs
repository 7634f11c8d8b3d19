//! Loads and stores [`Lockout`] state per subject (`email:…` or `ip:…`).

use super::challenge::Micros;
use super::lockout::{FORGET_AFTER, Lockout};
use anyhow::Context as _;
use sqlx::AnyConnection;

pub async fn load(conn: &mut AnyConnection, subject: &str) -> anyhow::Result<Lockout> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT failures, last_failure_us, locked_until_us FROM lockouts WHERE subject = $1",
    )
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await
    .context("loading lockout state")?;
    Ok(row
        .map(|(failures, last_failure, locked_until)| Lockout {
            failures,
            last_failure,
            locked_until,
        })
        .unwrap_or_default())
}

pub async fn store(conn: &mut AnyConnection, subject: &str, state: &Lockout) -> anyhow::Result<()> {
    if *state == Lockout::default() {
        sqlx::query("DELETE FROM lockouts WHERE subject = $1")
            .bind(subject)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO lockouts (subject, failures, last_failure_us, locked_until_us) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (subject) DO UPDATE SET failures = $2, last_failure_us = $3, locked_until_us = $4",
    )
    .bind(subject)
    .bind(state.failures)
    .bind(state.last_failure)
    .bind(state.locked_until)
    .execute(&mut *conn)
    .await
    .context("storing lockout state")?;
    Ok(())
}

/// The longest wait any of the subjects is under, in microseconds, read under each
/// subject's lock (held until the transaction ends): guesses sent in parallel, from as
/// many networks as an attacker likes, check and record their failures one at a time, so
/// none slips past a lockout another has just earned.
pub async fn check(
    conn: &mut AnyConnection,
    subjects: &[&str],
    now: Micros,
) -> anyhow::Result<Option<Micros>> {
    let mut sorted = subjects.to_vec();
    // One order for every transaction: no two wait on each other's locks.
    sorted.sort_unstable();
    for subject in &sorted {
        super::rate_limit::lock(conn, &format!("lockout:{subject}"), now).await?;
    }
    longest_wait(conn, subjects, now).await
}

/// Before a code is checked: the network's limit on tries, then the subjects' lockouts,
/// each counted under its lock. `Some(seconds)`: refuse, and say to wait that long.
pub async fn admit(
    conn: &mut AnyConnection,
    meta: &crate::backend::request::RequestMeta,
    subjects: &[&str],
    now: Micros,
) -> anyhow::Result<Option<u64>> {
    let limit = super::rate_limit::VERIFY_PER_IP;
    if let Err(wait) = super::rate_limit::hit(conn, limit, &meta.ip_bucket(), now).await? {
        return Ok(Some(wait));
    }
    Ok(check(conn, subjects, now)
        .await?
        .map(super::challenge::seconds_up))
}

/// The longest wait any of the subjects is under, in microseconds.
pub async fn longest_wait(
    conn: &mut AnyConnection,
    subjects: &[&str],
    now: Micros,
) -> anyhow::Result<Option<Micros>> {
    let mut longest = None;
    for subject in subjects {
        if let Err(wait) = load(conn, subject).await?.check(now) {
            longest = Some(longest.map_or(wait, |l: Micros| l.max(wait)));
        }
    }
    Ok(longest)
}

/// Records a failure against every subject, atomically: the count is incremented in the
/// database (an upsert that returns the new count), so parallel failures are each counted
/// even when nothing else serializes their transactions.
pub async fn fail(conn: &mut AnyConnection, subjects: &[&str], now: Micros) -> anyhow::Result<()> {
    for subject in subjects {
        let (failures,): (i64,) = sqlx::query_as(
            "INSERT INTO lockouts (subject, failures, last_failure_us, locked_until_us) VALUES ($1, 1, $2, 0) \
             ON CONFLICT (subject) DO UPDATE SET \
               failures = CASE WHEN $2 - lockouts.last_failure_us > $3 THEN 1 ELSE lockouts.failures + 1 END, \
               last_failure_us = $2 \
             RETURNING failures",
        )
        .bind(subject)
        .bind(now)
        .bind(FORGET_AFTER)
        .fetch_one(&mut *conn)
        .await
        .context("counting a failure")?;
        let locked_until = Lockout::locked_until_after(failures, now);
        if locked_until > 0 {
            // The row is locked by the upsert above until the transaction ends.
            sqlx::query("UPDATE lockouts SET locked_until_us = $1 WHERE subject = $2 AND locked_until_us < $1")
                .bind(locked_until)
                .bind(subject)
                .execute(&mut *conn)
                .await
                .context("locking out")?;
        }
    }
    Ok(())
}

pub async fn clear(conn: &mut AnyConnection, subject: &str) -> anyhow::Result<()> {
    store(conn, subject, &Lockout::default()).await
}
