//! The daily clean-up: what has served its purpose is removed, so secrets and traces do not
//! pile up. Expired sessions, sign-in challenges (a day after they expired), rate-limit
//! events older than the longest window, idle rate buckets, forgotten lockouts, enrolments
//! of the authenticator app never confirmed in time, and the content of mails that held a
//! code which has expired (sent or not; an unsent one is never sent), and mail a month
//! after it was sent. Every statement is idempotent and bounded by time, so several instances may run
//! it at once; the run is audited in the system chain with what it removed.

use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::lockout::{FORGET_AFTER, MAX_LOCK};
use crate::backend::auth::session;
use crate::backend::db::Db;

const DAY: i64 = 86_400 * 1_000_000;

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub sessions: u64,
    pub challenges: u64,
    pub rate_events: u64,
    pub rate_buckets: u64,
    pub lockouts: u64,
    pub pending_totp: u64,
    pub mail_erased: u64,
    pub mail_removed: u64,
}

impl Removed {
    pub fn total(&self) -> u64 {
        self.sessions
            + self.challenges
            + self.rate_events
            + self.rate_buckets
            + self.lockouts
            + self.pending_totp
            + self.mail_erased
            + self.mail_removed
    }
}

/// Runs the clean-up as of `now`.
pub async fn run(db: &Db, now: i64) -> anyhow::Result<Removed> {
    let mut tx = db.begin().await?;
    let mut removed = Removed {
        sessions: session::purge_expired(&mut tx, now).await?,
        ..Removed::default()
    };
    let count = |r: sqlx::any::AnyQueryResult| r.rows_affected();
    removed.challenges = count(
        sqlx::query("DELETE FROM otp_challenges WHERE expires_at_us < $1")
            .bind(now - DAY)
            .execute(&mut *tx)
            .await?,
    );
    // No limit has a window longer than a day.
    removed.rate_events = count(
        sqlx::query("DELETE FROM rate_events WHERE at_us < $1")
            .bind(now - DAY)
            .execute(&mut *tx)
            .await?,
    );
    removed.rate_buckets = count(
        sqlx::query("DELETE FROM rate_buckets WHERE touched_at_us < $1")
            .bind(now - DAY)
            .execute(&mut *tx)
            .await?,
    );
    removed.lockouts = count(
        sqlx::query("DELETE FROM lockouts WHERE last_failure_us < $1 AND locked_until_us < $2")
            .bind(now - FORGET_AFTER - MAX_LOCK)
            .bind(now)
            .execute(&mut *tx)
            .await?,
    );
    removed.pending_totp = crate::backend::auth::totp::purge_stale_pending(&mut tx, now).await?;
    removed.mail_erased = count(
        sqlx::query(
            "UPDATE outbox SET subject = '', text_body = '', html_body = '', \
               last_error = CASE WHEN sent_at_us IS NULL THEN 'expired before it could be sent' ELSE last_error END \
             WHERE secret_until_us < $1 AND (subject <> '' OR text_body <> '' OR html_body <> '')",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?,
    );
    // Mail is kept a month after it was sent (to answer "did you send it?"), and one that
    // could not be sent in a week is given up long before that; after 90 days any row goes.
    removed.mail_removed = count(
        sqlx::query(
            "DELETE FROM outbox WHERE (sent_at_us IS NOT NULL AND sent_at_us < $1) OR created_at_us < $2",
        )
        .bind(now - 30 * DAY)
        .bind(now - 90 * DAY)
        .execute(&mut *tx)
        .await?,
    );
    if removed.total() > 0 {
        let summary = format!(
            "sessions={} challenges={} rate_events={} rate_buckets={} lockouts={} pending_totp={} mail_erased={} mail_removed={}",
            removed.sessions,
            removed.challenges,
            removed.rate_events,
            removed.rate_buckets,
            removed.lockouts,
            removed.pending_totp,
            removed.mail_erased,
            removed.mail_removed
        );
        audit::record(
            &mut tx,
            &Actor::System,
            Action::ExpiredDataRemoved,
            &Target::new("cleanup", summary),
            &audit::Context::default(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(removed)
}
