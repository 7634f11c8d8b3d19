//! The outbox table and the worker that drains it.

use super::transport::Transport;
use crate::backend::db::{Db, new_id, now_micros};
use crate::backend::sealing::{Field, Records};
use anyhow::Context as _;
use sqlx::AnyConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues a mail on the caller's transaction: it is sent only if the change commits.
pub async fn enqueue(
    conn: &mut AnyConnection,
    records: &Records,
    mail: &OutgoingMail,
) -> anyhow::Result<String> {
    insert(conn, records, mail, None).await
}

/// Queues a mail that holds a secret (a sign-in code) useless after `until`: it is not
/// sent after that, and its content is erased once sent or, unsent, once it expires.
pub async fn enqueue_secret(
    conn: &mut AnyConnection,
    records: &Records,
    mail: &OutgoingMail,
    until: i64,
) -> anyhow::Result<String> {
    insert(conn, records, mail, Some(until)).await
}

/// The address, subject and bodies are sealed (the row's id bound in); the address's blind
/// index lets a person's erasure find their mail.
async fn insert(
    conn: &mut AnyConnection,
    records: &Records,
    mail: &OutgoingMail,
    secret_until: Option<i64>,
) -> anyhow::Result<String> {
    let id = new_id();
    let now = now_micros();
    let seal = records.system();
    sqlx::query(
        "INSERT INTO outbox (id, to_addr, to_index, subject, text_body, html_body, next_attempt_at_us, created_at_us, secret_until_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(seal.seal(Field::OutboxTo, &id, &mail.to))
    .bind(records.email_index(&mail.to))
    .bind(seal.seal(Field::OutboxSubject, &id, &mail.subject))
    .bind(seal.seal(Field::OutboxText, &id, &mail.text))
    .bind(seal.seal(Field::OutboxHtml, &id, &mail.html))
    .bind(now)
    .bind(now)
    .bind(secret_until)
    .execute(&mut *conn)
    .await
    .context("queueing a mail")?;
    Ok(id)
}

/// Wait before retry `attempts` (1-based): 10 s, 20 s, 40 s … capped at one hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(12);
    Duration::from_secs((10u64 << exp).min(3600))
}

/// How long a claimed message stays reserved for one worker (longer than a send may take).
const CLAIM: Duration = Duration::from_secs(120);
/// Every send is bounded; a hung server is a failed attempt, retried later.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends every due message once; returns how many were sent.
pub async fn drain(db: &Db, transport: &Transport) -> anyhow::Result<usize> {
    let mut sent = 0;
    loop {
        let now = now_micros();
        let due: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, to_addr, subject, text_body, html_body, attempts FROM outbox \
             WHERE sent_at_us IS NULL AND next_attempt_at_us <= $1 AND locked_until_us <= $1 \
               AND (secret_until_us IS NULL OR secret_until_us > $1) \
             ORDER BY next_attempt_at_us LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&db.pool)
        .await
        .context("looking for due mail")?;
        let Some((id, to, subject, text, html, attempts)) = due else {
            return Ok(sent);
        };
        // Claim it, so another instance's worker skips it while we send.
        let claimed = sqlx::query(
            "UPDATE outbox SET locked_until_us = $1 WHERE id = $2 AND locked_until_us <= $3",
        )
        .bind(now + i64::try_from(CLAIM.as_micros()).unwrap_or(i64::MAX))
        .bind(&id)
        .bind(now)
        .execute(&db.pool)
        .await?
        .rows_affected();
        if claimed != 1 {
            continue;
        }
        let seal = db.records.system();
        let opened = (|| {
            anyhow::Ok(OutgoingMail {
                to: seal.open(Field::OutboxTo, &id, &to)?,
                subject: seal.open(Field::OutboxSubject, &id, &subject)?,
                text: seal.open(Field::OutboxText, &id, &text)?,
                html: seal.open(Field::OutboxHtml, &id, &html)?,
            })
        })();
        let mail = match opened {
            Ok(mail) => mail,
            Err(error) => {
                // Altered, or sealed under another master key: never sendable. Set aside
                // (the clean-up removes it in time) so the rest of the queue goes on.
                tracing::error!(mail_id = %id, error = format!("{error:#}"), "a queued mail does not open");
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at_us = $1, locked_until_us = 0, last_error = $2 WHERE id = $3",
                )
                .bind(i64::MAX)
                .bind("the message could not be opened")
                .bind(&id)
                .execute(&db.pool)
                .await?;
                continue;
            }
        };
        let result = match tokio::time::timeout(SEND_TIMEOUT, transport.send(&mail)).await {
            Ok(result) => result,
            Err(_) => Err(anyhow::anyhow!(
                "timed out after {} s",
                SEND_TIMEOUT.as_secs()
            )),
        };
        match result {
            Ok(()) => {
                // Over SMTP the content has left us: erase it, subject too (a sign-in code
                // is in both). The development mailbox keeps it, to show it, until the
                // daily clean-up erases what has expired.
                let erase = !transport.keeps_content();
                sqlx::query(
                    "UPDATE outbox SET sent_at_us = $1, attempts = attempts + 1, last_error = NULL, \
                     subject = CASE WHEN $2 THEN '' ELSE subject END, \
                     text_body = CASE WHEN $2 THEN '' ELSE text_body END, \
                     html_body = CASE WHEN $2 THEN '' ELSE html_body END WHERE id = $3",
                )
                .bind(now_micros())
                .bind(erase)
                .bind(&id)
                .execute(&db.pool)
                .await?;
                tracing::info!(mail_id = %id, "mail sent");
                sent += 1;
            }
            Err(error) => {
                let attempts = attempts + 1;
                let retry_at =
                    now_micros() + i64::try_from(backoff(attempts).as_micros()).unwrap_or(i64::MAX);
                // The error text comes from the mail server or the network, never from the
                // message, so it holds no code.
                // A refusal often quotes the recipient: that is not kept or logged either.
                let reason: String = scrub(&format!("{error:#}"), &mail.to)
                    .chars()
                    .take(500)
                    .collect();
                sqlx::query(
                    "UPDATE outbox SET attempts = $1, next_attempt_at_us = $2, locked_until_us = 0, last_error = $3 WHERE id = $4",
                )
                .bind(attempts)
                .bind(retry_at)
                .bind(&reason)
                .bind(&id)
                .execute(&db.pool)
                .await?;
                tracing::warn!(mail_id = %id, attempts, error = %reason, "mail not sent; will retry");
                return Ok(sent);
            }
        }
    }
}

/// `text` without `address` in it (any case).
fn scrub(text: &str, address: &str) -> String {
    if address.is_empty() {
        return text.to_owned();
    }
    let lower = text.to_lowercase();
    let needle = address.to_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    // Lower-casing can change byte lengths outside ASCII: match on the lowered text only
    // where it lines up with the original.
    if lower.len() != text.len() {
        return text.replace(address, "<recipient>");
    }
    while let Some(found) = lower[at..].find(&needle) {
        out.push_str(&text[at..at + found]);
        out.push_str("<recipient>");
        at += found + needle.len();
    }
    out.push_str(&text[at..]);
    out
}

/// How many messages are waiting (for metrics and tests).
pub async fn depth(db: &Db) -> anyhow::Result<i64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE sent_at_us IS NULL AND (secret_until_us IS NULL OR secret_until_us > $1)",
    )
    .bind(now_micros())
    .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// Runs until the process ends: drains when woken (a request queued mail) and every few
/// seconds (retries, and mail queued by other instances).
pub async fn run_worker(db: Db, transport: Arc<Transport>, wake: Arc<Notify>) {
    loop {
        if let Err(error) = drain(&db, &transport).await {
            tracing::warn!(error = format!("{error:#}"), "mail worker");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, scrub};

    #[test]
    fn a_refusal_keeps_no_recipient() {
        assert_eq!(
            scrub("550 5.1.1 <Anna@Firm.se>: user unknown", "anna@firm.se"),
            "550 5.1.1 <<recipient>>: user unknown"
        );
        assert_eq!(scrub("timed out", "anna@firm.se"), "timed out");
    }
    use std::time::Duration;

    #[test]
    fn back_off_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(10));
        assert_eq!(backoff(2), Duration::from_secs(20));
        assert_eq!(backoff(4), Duration::from_secs(80));
        assert_eq!(backoff(30), Duration::from_secs(3600));
    }
}
