//! The optional second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step
//! of clock drift either way) with ten single-use recovery codes.
//!
//! The secret is stored encrypted (AES-256-GCM under a key derived from the master key);
//! recovery codes only as MACs. Each accepted code's time step is stored, and a code for
//! that step or an earlier one is refused, so an overheard code cannot be replayed.
//!
//! A secret not yet confirmed belongs to the session that started the enrolment (its id
//! hash is stored with it) and lives [`PENDING_FOR`]: only that session is shown its QR code
//! and key, and only that session can confirm it. Every wrong code, wherever it is typed
//! (sign-in, step-up, enrolment, removal), counts against one lockout: [`lockout_subject`].

use super::challenge::Micros;
use crate::backend::crypto::{Key, Purpose};
use anyhow::Context as _;
use rand::Rng;
use sqlx::AnyConnection;
use totp_rs::{Algorithm, Builder, Secret, Totp};

const STEP_SECONDS: u64 = 30;
pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "CPD Registry";
/// How long a started enrolment can be confirmed (and its secret shown).
pub const PENDING_FOR: Micros = 15 * 60 * 1_000_000;

/// The one lockout subject every guess at a person's TOTP or recovery code counts against,
/// wherever it is made: the guesses allowed are those of one lockout, not of several.
pub fn lockout_subject(user_id: &str) -> String {
    format!("totp:{user_id}")
}

#[derive(Debug)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app by hand.
    pub manual_key: String,
    /// The `otpauth://` URL as an SVG QR code, rendered here on the server.
    pub qr_svg: String,
}

fn totp(secret: Vec<u8>, account: &str) -> anyhow::Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(Secret::new(secret.into_boxed_slice()))
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| anyhow::anyhow!("invalid TOTP parameters: {e}"))
}

fn step_of(now: Micros) -> i64 {
    now / 1_000_000 / i64::try_from(STEP_SECONDS).unwrap_or(30)
}

/// The time step a code belongs to (now, one before or one after), if it matches.
pub fn matching_step(secret: &[u8], code: &str, now: Micros) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret.to_vec(), "x").ok()?;
    let current = step_of(now);
    let mut found = None;
    // Check all three without returning early, so timing does not reveal which matched.
    for step in [current - 1, current, current + 1] {
        let expected = totp
            .generate(u64::try_from(step).ok()? * STEP_SECONDS)
            .to_string();
        let equal = expected
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if equal && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Starts (or restarts) enrolment for the session `session` (its id hash), which alone may
/// see and confirm the new secret; refused while a confirmed secret exists.
pub async fn start_enrolment(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
    account: &str,
    session: &str,
    now: Micros,
) -> anyhow::Result<Option<Enrolment>> {
    if super::users::has_second_factor(conn, user_id).await? {
        return Ok(None);
    }
    let secret: [u8; 20] = rand::random();
    let totp = totp(secret.to_vec(), account)?;
    let sealed = Key::derive(master, Purpose::TotpSecret).encrypt(&secret);
    sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO totp_secrets (user_id, secret_enc, confirmed, last_step, created_at_us, session_id_hash) VALUES ($1, $2, 0, 0, $3, $4)")
        .bind(user_id)
        .bind(sealed)
        .bind(now)
        .bind(session)
        .execute(&mut *conn)
        .await
        .context("storing a TOTP secret")?;
    Ok(Some(enrolment(secret.to_vec(), &totp)?))
}

/// What the person needs to add the secret to their app: the QR code and the key.
fn enrolment(secret: Vec<u8>, totp: &Totp) -> anyhow::Result<Enrolment> {
    let url = totp
        .to_url()
        .map_err(|e| anyhow::anyhow!("building the otpauth URL: {e}"))?;
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .context("rendering the QR code")?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(Enrolment {
        manual_key: Secret::new(secret.into_boxed_slice()).to_base32(),
        qr_svg,
    })
}

/// A person's stored secret.
struct Stored {
    secret: Vec<u8>,
    confirmed: bool,
    last_step: i64,
    created_at: Micros,
    /// The session that started a pending enrolment.
    session: Option<String>,
}

impl Stored {
    /// A pending secret that `session` started less than [`PENDING_FOR`] ago.
    fn pending_for(&self, session: &str, now: Micros) -> bool {
        !self.confirmed
            && self.session.as_deref() == Some(session)
            && now - self.created_at < PENDING_FOR
    }
}

async fn load_secret(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
) -> anyhow::Result<Option<Stored>> {
    let row: Option<(String, i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT secret_enc, confirmed, last_step, created_at_us, session_id_hash FROM totp_secrets WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((sealed, confirmed, last_step, created_at, session)) = row else {
        return Ok(None);
    };
    let secret = Key::derive(master, Purpose::TotpSecret)
        .decrypt(&sealed)
        .context("the TOTP secret does not decrypt under the current master key")?;
    Ok(Some(Stored {
        secret,
        confirmed: confirmed != 0,
        last_step,
        created_at,
        session,
    }))
}

/// Which secret a code is checked against.
#[derive(Debug, Clone, Copy)]
enum Against<'a> {
    /// The confirmed one.
    Confirmed,
    /// The pending one this session (id hash) started, while it may still be confirmed.
    Pending { session: &'a str },
}

/// Checks a TOTP code against the stored secret and records its step. `false` for a wrong
/// or replayed code, or when there is no such secret.
async fn accept_code(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
    code: &str,
    now: Micros,
    against: Against<'_>,
) -> anyhow::Result<bool> {
    let Some(stored) = load_secret(conn, master, user_id).await? else {
        return Ok(false);
    };
    let usable = match against {
        Against::Confirmed => stored.confirmed,
        Against::Pending { session } => stored.pending_for(session, now),
    };
    if !usable {
        return Ok(false);
    }
    let Some(step) = matching_step(&stored.secret, code, now) else {
        return Ok(false);
    };
    if step <= stored.last_step {
        return Ok(false);
    }
    let updated =
        sqlx::query("UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    Ok(updated == 1)
}

/// Confirms the enrolment `session` started with a first code; returns the recovery
/// codes, shown once. `None` for a wrong code, or no enrolment of this session's that may
/// still be confirmed.
pub async fn confirm_enrolment(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
    session: &str,
    code: &str,
    now: Micros,
) -> anyhow::Result<Option<Vec<String>>> {
    if !accept_code(
        conn,
        master,
        user_id,
        code,
        now,
        Against::Pending { session },
    )
    .await?
    {
        return Ok(None);
    }
    sqlx::query("UPDATE totp_secrets SET confirmed = 1, session_id_hash = NULL WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let key = Key::derive(master, Purpose::RecoveryCode);
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = new_recovery_code();
        sqlx::query("INSERT INTO recovery_codes (user_id, code_mac) VALUES ($1, $2)")
            .bind(user_id)
            .bind(key.mac(&[user_id.as_bytes(), normalise_recovery(&code).as_bytes()]))
            .execute(&mut *conn)
            .await?;
        codes.push(code);
    }
    // Kept (encrypted) until the next page shows them once, so the codes reach the person
    // whether or not the browser runs JavaScript.
    sqlx::query("UPDATE totp_secrets SET recovery_display_enc = $1 WHERE user_id = $2")
        .bind(Key::derive(master, Purpose::TotpSecret).encrypt(codes.join("\n").as_bytes()))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(codes))
}

/// The fresh recovery codes of a just-finished enrolment, until the person says they have
/// saved them. Reading changes nothing (a page view, a prefetch or a link scanner must not
/// lose them); [`dismiss_recovery_display`], a POST, erases them.
pub async fn peek_recovery_display(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let sealed: Option<Option<String>> =
        sqlx::query_scalar("SELECT recovery_display_enc FROM totp_secrets WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(sealed) = sealed.flatten() else {
        return Ok(None);
    };
    let plain = Key::derive(master, Purpose::TotpSecret)
        .decrypt(&sealed)
        .context("recovery codes do not decrypt")?;
    Ok(Some(
        String::from_utf8_lossy(&plain)
            .lines()
            .map(str::to_owned)
            .collect(),
    ))
}

/// Erases the shown recovery codes (they stay usable: only their display goes).
pub async fn dismiss_recovery_display(
    conn: &mut AnyConnection,
    user_id: &str,
) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE totp_secrets SET recovery_display_enc = NULL WHERE user_id = $1 AND recovery_display_enc IS NOT NULL",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// The state of the person's second factor, for the security page.
#[derive(Debug)]
pub enum Status {
    Off,
    /// Enrolment started: the QR code and key to show, re-rendered from the stored secret.
    Pending(Enrolment),
    On {
        recovery_codes_left: i64,
    },
}

/// The second factor's state as `shown_to` may see it: a pending secret is shown only to
/// the session (id hash) that started it, and only while it may be confirmed; to anyone
/// else (`None`: a session that has not confirmed it is the person just now) it is `Off`.
pub async fn status(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
    account: &str,
    shown_to: Option<&str>,
    now: Micros,
) -> anyhow::Result<Status> {
    let Some(stored) = load_secret(conn, master, user_id).await? else {
        return Ok(Status::Off);
    };
    if stored.confirmed {
        return Ok(Status::On {
            recovery_codes_left: unused_recovery_codes(conn, user_id).await?,
        });
    }
    match shown_to {
        Some(session) if stored.pending_for(session, now) => {
            let totp = totp(stored.secret.clone(), account)?;
            Ok(Status::Pending(enrolment(stored.secret, &totp)?))
        }
        _ => Ok(Status::Off),
    }
}

/// Removes enrolments that were started but not confirmed in time (the daily clean-up).
pub async fn purge_stale_pending(conn: &mut AnyConnection, now: Micros) -> anyhow::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM totp_secrets WHERE confirmed = 0 AND created_at_us <= $1")
            .bind(now - PENDING_FOR)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Totp,
    RecoveryCode,
}

/// Checks a code from the app, or else a recovery code (which is then used up).
pub async fn verify(
    conn: &mut AnyConnection,
    master: &[u8; 32],
    user_id: &str,
    code: &str,
    now: Micros,
) -> anyhow::Result<Option<SecondFactor>> {
    if accept_code(conn, master, user_id, code, now, Against::Confirmed).await? {
        return Ok(Some(SecondFactor::Totp));
    }
    let normalised = normalise_recovery(code);
    if normalised.len() != 10 {
        return Ok(None);
    }
    let mac = Key::derive(master, Purpose::RecoveryCode)
        .mac(&[user_id.as_bytes(), normalised.as_bytes()]);
    let used = sqlx::query("UPDATE recovery_codes SET used_at_us = $1 WHERE user_id = $2 AND code_mac = $3 AND used_at_us IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(mac)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((used == 1).then_some(SecondFactor::RecoveryCode))
}

pub async fn remove(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn unused_recovery_codes(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at_us IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Ten characters from an alphabet without look-alikes, shown as `xxxxx-xxxxx`.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The current code for a secret: for tests, which play the authenticator app.
pub fn code_at(secret_base32: &str, now: Micros) -> Option<String> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let totp = totp(secret.as_bytes().to_vec(), "x").ok()?;
    Some(
        totp.generate(u64::try_from(step_of(now)).ok()? * STEP_SECONDS)
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_test_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s → 94287082 (8 digits); 6 digits → 287082.
        let secret = b"12345678901234567890".to_vec();
        let now = 59 * 1_000_000;
        assert_eq!(matching_step(&secret, "287082", now), Some(1));
        assert_eq!(matching_step(&secret, "287083", now), None);
        assert_eq!(matching_step(&secret, "28708", now), None);
    }

    #[test]
    fn one_step_of_drift_is_accepted_and_no_more() {
        let secret = b"12345678901234567890".to_vec();
        let t = 1_111_111_109 * 1_000_000; // RFC vector: 07081804 at step 37037036
        assert_eq!(matching_step(&secret, "081804", t), Some(37_037_036));
        assert_eq!(
            matching_step(&secret, "081804", t + 30_000_000),
            Some(37_037_036)
        );
        assert_eq!(matching_step(&secret, "081804", t + 60_000_000), None);
    }

    #[test]
    fn recovery_codes_normalise() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            normalise_recovery(&code.to_uppercase()),
            normalise_recovery(&code)
        );
        assert_eq!(normalise_recovery(" abcde-fghjk "), "abcdefghjk");
    }
}
