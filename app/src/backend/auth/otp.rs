//! One-time code challenges in the database. The rules live in [`super::challenge`].

use super::challenge::{self, Challenge, Micros};
use crate::backend::crypto::{Key, Purpose, random_code, random_token};
use crate::backend::db::new_id;
use crate::backend::sealing::{Field, Records};
use anyhow::Context as _;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SignIn,
    ChangeEmail,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::SignIn => "sign_in",
            Kind::ChangeEmail => "change_email",
        }
    }
}

/// What was sent; the code and token exist only in this value and in the email.
#[derive(Debug)]
pub struct Issued {
    pub id: String,
    pub code: String,
    pub link_token: String,
}

#[derive(Debug, Clone)]
pub struct StoredChallenge {
    pub id: String,
    pub email: String,
    pub user_id: Option<String>,
    pub browser_session: String,
    /// The invitation the person chose to accept with this sign-in, if any.
    pub invitation_id: Option<String>,
    code_mac: String,
    link_mac: String,
    pub state: Challenge,
}

/// When codes were last sent to this address (for the resend throttle).
pub async fn sent_times(
    conn: &mut AnyConnection,
    records: &Records,
    email: &str,
    now: Micros,
) -> anyhow::Result<Vec<Micros>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT created_at_us FROM otp_challenges WHERE email_index = $1 AND created_at_us > $2",
    )
    .bind(records.email_index(email))
    .bind(now - challenge::RESEND_WINDOW)
    .fetch_all(&mut *conn)
    .await
    .context("reading recent codes")?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Creates a challenge bound to `browser_session`, retiring that browser's earlier ones:
/// a resend replaces the code.
/// Who a new challenge is for, and what it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct For<'a> {
    pub kind: Kind,
    pub email: &'a str,
    /// The account, when the address has one.
    pub user_id: Option<&'a str>,
    /// The invitation the person chose to accept with this sign-in.
    pub invitation_id: Option<&'a str>,
    /// The hash of the session of the browser that asked: the code works only there.
    pub browser_session: &'a str,
}

pub async fn issue(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    records: &Records,
    target: For<'_>,
    now: Micros,
) -> anyhow::Result<Issued> {
    let For {
        kind,
        email,
        user_id,
        invitation_id,
        browser_session,
    } = target;
    sqlx::query("UPDATE otp_challenges SET consumed_at_us = $1 WHERE browser_session = $2 AND purpose = $3 AND consumed_at_us IS NULL")
        .bind(now)
        .bind(browser_session)
        .bind(kind.as_str())
        .execute(&mut *conn)
        .await
        .context("retiring earlier codes")?;
    let issued = Issued {
        id: new_id(),
        code: random_code(),
        link_token: random_token(32),
    };
    let state = Challenge::new(now);
    sqlx::query(
        "INSERT INTO otp_challenges (id, purpose, email, email_index, user_id, browser_session, code_mac, link_mac, attempts, created_at_us, expires_at_us, invitation_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
    )
    .bind(&issued.id)
    .bind(kind.as_str())
    .bind(records.system().seal(Field::ChallengeEmail, &issued.id, email))
    .bind(records.email_index(email))
    .bind(user_id)
    .bind(browser_session)
    .bind(Key::derive(master, Purpose::OtpCode).mac(&[issued.id.as_bytes(), issued.code.as_bytes()]))
    .bind(Key::derive(master, Purpose::OtpLink).mac(&[issued.id.as_bytes(), issued.link_token.as_bytes()]))
    .bind(state.created_at)
    .bind(state.expires_at)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await
    .context("storing a code")?;
    Ok(issued)
}

type Row = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
);
const COLUMNS: &str = "id, email, user_id, browser_session, code_mac, link_mac, attempts, created_at_us, expires_at_us, consumed_at_us, invitation_id";

fn from_row(records: &Records, r: Row) -> anyhow::Result<StoredChallenge> {
    Ok(StoredChallenge {
        email: records.system().open(Field::ChallengeEmail, &r.0, &r.1)?,
        id: r.0,
        user_id: r.2,
        browser_session: r.3,
        invitation_id: r.10,
        code_mac: r.4,
        link_mac: r.5,
        state: Challenge {
            attempts: r.6,
            created_at: r.7,
            expires_at: r.8,
            consumed: r.9.is_some(),
        },
    })
}

/// The newest challenge this browser asked for.
pub async fn latest_for_browser(
    conn: &mut AnyConnection,
    records: &Records,
    kind: Kind,
    browser_session: &str,
) -> anyhow::Result<Option<StoredChallenge>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM otp_challenges WHERE browser_session = $1 AND purpose = $2 ORDER BY created_at_us DESC LIMIT 1"
    ))
    .bind(browser_session)
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await
    .context("loading a code")?;
    row.map(|r| from_row(records, r)).transpose()
}

pub async fn by_id(
    conn: &mut AnyConnection,
    records: &Records,
    kind: Kind,
    id: &str,
) -> anyhow::Result<Option<StoredChallenge>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM otp_challenges WHERE id = $1 AND purpose = $2"
    ))
    .bind(id)
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await
    .context("loading a code")?;
    row.map(|r| from_row(records, r)).transpose()
}

impl StoredChallenge {
    /// Constant-time check of a typed code. Anything but six digits never matches.
    pub fn code_matches(&self, master: &[u8; 32], code: &str) -> bool {
        let code = code.trim();
        code.len() == 6
            && code.bytes().all(|b| b.is_ascii_digit())
            && Key::derive(master, Purpose::OtpCode)
                .verify(&[self.id.as_bytes(), code.as_bytes()], &self.code_mac)
    }

    pub fn link_matches(&self, master: &[u8; 32], token: &str) -> bool {
        Key::derive(master, Purpose::OtpLink)
            .verify(&[self.id.as_bytes(), token.as_bytes()], &self.link_mac)
    }
}

/// Submits a code to a stored challenge, atomically: a try is taken in the database
/// (`attempts = attempts + 1` only while tries are left, the challenge is unused and
/// unexpired) before the code counts, and a right code consumes the challenge only if
/// nobody else did first. So parallel guesses each cost a try, even with nothing else
/// serializing their transactions; the rules themselves are [`challenge::submit`]'s.
pub async fn submit(
    conn: &mut AnyConnection,
    stored: &StoredChallenge,
    now: Micros,
    matches: bool,
) -> anyhow::Result<challenge::Outcome> {
    let taken: Option<(i64,)> = sqlx::query_as(
        "UPDATE otp_challenges SET attempts = attempts + 1 \
         WHERE id = $1 AND consumed_at_us IS NULL AND attempts < $2 AND expires_at_us > $3 \
         RETURNING attempts",
    )
    .bind(&stored.id)
    .bind(challenge::MAX_ATTEMPTS)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .context("taking a try of a code")?;
    let Some((attempts,)) = taken else {
        return Ok(challenge::refused(&stored.state, now));
    };
    if !matches {
        return Ok(challenge::after_wrong_try(attempts));
    }
    let consumed = sqlx::query(
        "UPDATE otp_challenges SET consumed_at_us = $1 WHERE id = $2 AND consumed_at_us IS NULL",
    )
    .bind(now)
    .bind(&stored.id)
    .execute(&mut *conn)
    .await
    .context("using up a code")?
    .rows_affected();
    Ok(if consumed == 1 {
        challenge::Outcome::Accepted
    } else {
        challenge::Outcome::Spent
    })
}
