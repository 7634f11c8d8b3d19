//! Reading and creating accounts.

use super::challenge::Micros;
use crate::backend::db::new_id;
use anyhow::Context as _;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub firm_id: String,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub role: String,
    pub status: String,
    pub language: String,
    pub admission_date: Option<String>,
    pub birth_date: Option<String>,
    pub rule_set: String,
    pub profile_completed: bool,
    /// The first year the person's history is shown from, if they chose one.
    pub history_from: Option<i64>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

pub const COLUMNS: &str = "id, firm_id, email, full_name, title, role, status, language, admission_date, birth_date, rule_set, profile_completed, history_from";

pub fn from_row(r: Row) -> User {
    User {
        id: r.0,
        firm_id: r.1,
        email: r.2,
        full_name: r.3,
        title: r.4,
        role: r.5,
        status: r.6,
        language: r.7,
        admission_date: r.8,
        birth_date: r.9,
        rule_set: r.10,
        profile_completed: r.11 != 0,
        history_from: r.12,
    }
}

pub async fn by_email(conn: &mut AnyConnection, email: &str) -> anyhow::Result<Option<User>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE email = $1 AND deleted_at_us IS NULL"
    ))
    .bind(email)
    .fetch_optional(&mut *conn)
    .await
    .context("looking up a user by email")?;
    Ok(row.map(from_row))
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> anyhow::Result<Option<User>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1 AND deleted_at_us IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("looking up a user")?;
    Ok(row.map(from_row))
}

/// A new person who proved their address: the owner of a new firm of one.
pub async fn create_with_firm(
    conn: &mut AnyConnection,
    email: &str,
    language: &str,
    now: Micros,
) -> anyhow::Result<User> {
    let firm_id = new_id();
    let firm_name = email.rsplit_once('@').map(|(_, d)| d).unwrap_or(email);
    sqlx::query("INSERT INTO firms (id, name, created_at_us) VALUES ($1, $2, $3)")
        .bind(&firm_id)
        .bind(firm_name)
        .bind(now)
        .execute(&mut *conn)
        .await
        .context("creating a firm")?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, firm_id, email, role, language, created_at_us) VALUES ($1, $2, $3, 'owner', $4, $5)",
    )
    .bind(&id)
    .bind(&firm_id)
    .bind(email)
    .bind(language)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("creating a user")?;
    by_id(conn, &id).await?.context("the new user is readable")
}

/// A person who accepted an invitation: joins the inviting firm with the invited role.
pub async fn create_in_firm(
    conn: &mut AnyConnection,
    email: &str,
    language: &str,
    firm_id: &str,
    role: &str,
    rule_set: &str,
    now: Micros,
) -> anyhow::Result<User> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, firm_id, email, role, language, rule_set, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(firm_id)
    .bind(email)
    .bind(role)
    .bind(language)
    .bind(rule_set)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("creating an invited user")?;
    by_id(conn, &id).await?.context("the new user is readable")
}

pub async fn has_second_factor(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM totp_secrets WHERE user_id = $1 AND confirmed = 1",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await
    .context("checking for a second factor")?;
    Ok(n > 0)
}
