//! Database-backed sessions behind an opaque cookie.
//!
//! The cookie holds 256 random bits; the table holds only their SHA-256, so a copy of the
//! table opens no session. Every instance reads the same table, so a session started on one
//! server works on all of them and survives restarts. A new id is issued at every sign-in
//! and after the second factor (the old row is deleted), so a fixed or stolen pre-sign-in id
//! is worthless.

use super::challenge::Micros;
use crate::backend::config::Config;
use crate::backend::crypto::{random_token, sha256_hex};
use crate::backend::request::{RequestMeta, cookie};
use crate::backend::sealing::{Field, Records};
use anyhow::Context as _;
use http::HeaderMap;
use sqlx::AnyConnection;

const DAY: Micros = 24 * 60 * 60 * 1_000_000;
/// A signed-in session ends 30 days after sign-in, however active.
pub const LIFETIME: Micros = 30 * DAY;
/// A browser that has asked for a code but not signed in.
pub const ANONYMOUS_LIFETIME: Micros = DAY;
/// A session that proved the address but still owes its second factor: long enough to
/// type the code from the app, no longer.
pub const PENDING_LIFETIME: Micros = 10 * 60 * 1_000_000;
/// `last_seen` is written at most this often, so page views are not all writes.
const TOUCH_EVERY: Micros = 60 * 1_000_000;

/// Over HTTPS the cookie takes the `__Host-` prefix (Secure, no Domain, Path=/), which a
/// browser accepts only from a secure origin. Plain-HTTP development uses a plain name.
pub fn cookie_name(config: &Config) -> &'static str {
    if secure(config) {
        "__Host-cpd_session"
    } else {
        "cpd_session"
    }
}

pub fn secure(config: &Config) -> bool {
    config.http.public_url.is_https()
}

pub fn set_cookie(config: &Config, token: &str, max_age: Micros) -> String {
    format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        cookie_name(config),
        max_age / 1_000_000,
        if secure(config) { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(config: &Config) -> String {
    format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        cookie_name(config),
        if secure(config) { "; Secure" } else { "" }
    )
}

/// The session token the browser sent, if any.
pub fn token(headers: &HeaderMap, config: &Config) -> Option<String> {
    cookie(headers, cookie_name(config)).filter(|t| !t.is_empty() && t.len() <= 64)
}

pub fn hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: Option<String>,
    pub second_factor_ok: bool,
    pub created_at: Micros,
    pub expires_at: Micros,
    pub last_seen_at: Micros,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When this session passed a second factor (TOTP or recovery code), if it did.
    pub second_factor_at: Option<Micros>,
    /// Sensitive changes are allowed until then (the person confirmed it is them).
    pub stepped_up_until: Option<Micros>,
}

type Row = (
    String,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The row, its IP and user agent opened (they are sealed, bound to the session).
fn from_row(records: &Records, r: Row) -> anyhow::Result<Session> {
    let seal = records.system();
    Ok(Session {
        ip: seal.open_opt(Field::SessionIp, &r.0, r.6.as_deref())?,
        user_agent: seal.open_opt(Field::SessionAgent, &r.0, r.7.as_deref())?,
        id_hash: r.0,
        user_id: r.1,
        second_factor_ok: r.2 != 0,
        created_at: r.3,
        expires_at: r.4,
        last_seen_at: r.5,
        second_factor_at: r.8,
        stepped_up_until: r.9,
    })
}

const COLUMNS: &str = "id_hash, user_id, second_factor_ok, created_at_us, expires_at_us, last_seen_at_us, ip, user_agent, second_factor_at_us, stepped_up_until_us";

/// Starts a session; returns the token for the cookie (never stored).
pub async fn create(
    conn: &mut AnyConnection,
    records: &Records,
    user_id: Option<&str>,
    second_factor_ok: bool,
    meta: &RequestMeta,
    now: Micros,
) -> anyhow::Result<String> {
    let token = random_token(32);
    let id_hash = hash(&token);
    let seal = records.system();
    let lifetime = match (user_id, second_factor_ok) {
        (Some(_), true) => LIFETIME,
        (Some(_), false) => PENDING_LIFETIME,
        (None, _) => ANONYMOUS_LIFETIME,
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, second_factor_ok, created_at_us, expires_at_us, last_seen_at_us, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id_hash)
    .bind(user_id)
    .bind(i64::from(second_factor_ok))
    .bind(now)
    .bind(now + lifetime)
    .bind(now)
    .bind(seal.seal_opt(Field::SessionIp, &id_hash, meta.ip.map(|ip| ip.to_string()).as_deref()))
    .bind(seal.seal_opt(Field::SessionAgent, &id_hash, meta.user_agent.as_deref()))
    .execute(&mut *conn)
    .await
    .context("creating a session")?;
    Ok(token)
}

/// The live session for a token, if there is one.
pub async fn load(
    conn: &mut AnyConnection,
    records: &Records,
    token: &str,
    now: Micros,
) -> anyhow::Result<Option<Session>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE id_hash = $1 AND expires_at_us > $2"
    ))
    .bind(hash(token))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .context("loading a session")?;
    row.map(|r| from_row(records, r)).transpose()
}

/// The live session stored as `id_hash` (work that continues after its request, under
/// the session that asked for it, ends when the session does).
pub async fn by_hash(
    conn: &mut AnyConnection,
    records: &Records,
    id_hash: &str,
    now: Micros,
) -> anyhow::Result<Option<Session>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE id_hash = $1 AND expires_at_us > $2"
    ))
    .bind(id_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .context("loading a session")?;
    row.map(|r| from_row(records, r)).transpose()
}

pub async fn touch(
    conn: &mut AnyConnection,
    records: &Records,
    session: &Session,
    meta: &RequestMeta,
    now: Micros,
) -> anyhow::Result<()> {
    if now - session.last_seen_at < TOUCH_EVERY {
        return Ok(());
    }
    sqlx::query(
        "UPDATE sessions SET last_seen_at_us = $1, ip = $2, user_agent = $3 WHERE id_hash = $4",
    )
    .bind(now)
    .bind(records.system().seal_opt(
        Field::SessionIp,
        &session.id_hash,
        meta.ip.map(|ip| ip.to_string()).as_deref(),
    ))
    .bind(records.system().seal_opt(
        Field::SessionAgent,
        &session.id_hash,
        meta.user_agent.as_deref(),
    ))
    .bind(&session.id_hash)
    .execute(&mut *conn)
    .await
    .context("touching a session")?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id_hash: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends one of a person's sessions; `false` if it is not theirs (or gone).
pub async fn delete_for_user(
    conn: &mut AnyConnection,
    user_id: &str,
    id_hash: &str,
) -> anyhow::Result<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2")
        .bind(id_hash)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a session passed the second factor, now.
pub async fn mark_second_factor(
    conn: &mut AnyConnection,
    id_hash: &str,
    now: Micros,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE sessions SET second_factor_at_us = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(&mut *conn)
        .await
        .context("marking the second factor")?;
    Ok(())
}

/// Forgets that any of a person's sessions passed the second factor (it was removed).
pub async fn forget_second_factor(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<u64> {
    let done = sqlx::query("UPDATE sessions SET second_factor_at_us = NULL WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await
        .context("forgetting the second factor")?;
    Ok(done.rows_affected())
}

/// Allows sensitive changes on a session until `until`.
pub async fn step_up(conn: &mut AnyConnection, id_hash: &str, until: Micros) -> anyhow::Result<()> {
    sqlx::query("UPDATE sessions SET stepped_up_until_us = $1 WHERE id_hash = $2")
        .bind(until)
        .bind(id_hash)
        .execute(&mut *conn)
        .await
        .context("stepping up a session")?;
    Ok(())
}

/// Ends every session of a person but `keep` (after a change of address or second factor,
/// whoever else held a session must prove themselves again).
pub async fn delete_others(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: &str,
) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_all_for_user(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn list_for_user(
    conn: &mut AnyConnection,
    records: &Records,
    user_id: &str,
    now: Micros,
) -> anyhow::Result<Vec<Session>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE user_id = $1 AND expires_at_us > $2 ORDER BY last_seen_at_us DESC"
    ))
    .bind(user_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await
    .context("listing sessions")?;
    rows.into_iter().map(|r| from_row(records, r)).collect()
}

/// Removes expired sessions (a housekeeping job).
pub async fn purge_expired(conn: &mut AnyConnection, now: Micros) -> anyhow::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at_us <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::config::Config;

    fn config(public_url: &str) -> Config {
        let key = "ab".repeat(32);
        let dir = std::env::temp_dir();
        Config::from_lookup(|name| match name {
            "PUBLIC_URL" => Some(public_url.to_owned()),
            "APP_SECRET" => Some(key.clone()),
            "DATA_DIR" => Some(dir.display().to_string()),
            _ => None,
        })
        .expect("config")
    }

    #[test]
    fn over_https_the_cookie_is_host_prefixed_secure_and_http_only() {
        let cookie = set_cookie(&config("https://cpd.example.se"), "TOKEN", LIFETIME);
        assert!(
            cookie.starts_with("__Host-cpd_session=TOKEN; Path=/;"),
            "{cookie}"
        );
        assert!(
            cookie.contains("; Secure")
                && cookie.contains("; HttpOnly")
                && cookie.contains("SameSite=Lax")
        );
        assert!(
            !cookie.contains("Domain"),
            "__Host- cookies carry no Domain"
        );
        assert!(
            cookie.contains(&format!("Max-Age={}", 30 * 24 * 3600)),
            "30 days: {cookie}"
        );
        let cleared = clear_cookie(&config("https://cpd.example.se"));
        assert!(cleared.starts_with("__Host-cpd_session=;") && cleared.contains("Max-Age=0"));
    }

    #[test]
    fn plain_http_development_uses_a_plain_name() {
        assert_eq!(cookie_name(&config("http://127.0.0.1:3000")), "cpd_session");
    }
}
