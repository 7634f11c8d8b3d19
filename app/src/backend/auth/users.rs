//! Reading and creating accounts.

use super::challenge::Micros;
use crate::backend::db::new_id;
use crate::backend::sealing::{Field, FirmSeal, Records};
use anyhow::Context as _;
use domain::{AccountStatus, Role};
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub firm_id: String,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub role: Role,
    pub status: AccountStatus,
    pub language: String,
    pub admission_date: Option<String>,
    pub birth_date: Option<String>,
    pub rule_set: String,
    pub profile_completed: bool,
    /// The first year the person's history is shown from, if they chose one.
    pub history_from: Option<i64>,
    /// When the person's account and data are to be purged, if a deletion was asked for.
    pub deletion_due_at_us: Option<i64>,
    /// The pending deletion was asked for by the firm (only the firm may cancel it).
    pub deletion_by_firm: bool,
    /// Since when the firm has restricted the processing of the person's data, if it has.
    pub restricted_at_us: Option<i64>,
    /// When the person's firm is to be deleted, if its owner closed it.
    pub firm_closing_at_us: Option<i64>,
    /// Why the firm keeps the person's data by law, if it does.
    pub legal_hold: Option<String>,
}

/// A `users` row as [`COLUMNS`] selects it.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    firm_id: String,
    email: String,
    full_name: String,
    title: String,
    role: String,
    status: String,
    language: String,
    admission_date: Option<String>,
    birth_date: Option<String>,
    rule_set: String,
    profile_completed: i64,
    history_from: Option<i64>,
    deletion_due_at_us: Option<i64>,
    deletion_requested_by: Option<String>,
    restricted_at_us: Option<i64>,
    firm_closing_at_us: Option<i64>,
    legal_hold: Option<String>,
}

pub const COLUMNS: &str = "id, firm_id, email, full_name, title, role, status, language, admission_date, birth_date, rule_set, profile_completed, history_from, deletion_due_at_us, deletion_requested_by, restricted_at_us, legal_hold, \
    (SELECT f.termination_due_at_us FROM firms f WHERE f.id = users.firm_id) AS firm_closing_at_us";

impl Row {
    /// The person, their sealed fields opened with their firm's key. A role or status the
    /// code does not know is an error, never a default.
    fn open(self, seal: &FirmSeal) -> anyhow::Result<User> {
        let r = self;
        let email = seal.open(Field::UserEmail, &r.id, &r.email)?;
        let full_name = seal.open(Field::UserName, &r.id, &r.full_name)?;
        let admission_date =
            seal.open_opt(Field::UserAdmissionDate, &r.id, r.admission_date.as_deref())?;
        let birth_date = seal.open_opt(Field::UserBirthDate, &r.id, r.birth_date.as_deref())?;
        let role = Role::parse(&r.role)
            .with_context(|| format!("user {} has an unknown role {:?}", r.id, r.role))?;
        let status = AccountStatus::parse(&r.status)
            .with_context(|| format!("user {} has an unknown status {:?}", r.id, r.status))?;
        Ok(User {
            id: r.id,
            firm_id: r.firm_id,
            email,
            full_name,
            title: r.title,
            role,
            status,
            language: r.language,
            admission_date,
            birth_date,
            rule_set: r.rule_set,
            profile_completed: r.profile_completed != 0,
            history_from: r.history_from,
            deletion_due_at_us: r.deletion_due_at_us,
            deletion_by_firm: r.deletion_requested_by.as_deref() == Some("firm"),
            restricted_at_us: r.restricted_at_us,
            firm_closing_at_us: r.firm_closing_at_us,
            legal_hold: r.legal_hold,
        })
    }
}

/// The row opened with its firm's key.
async fn open_one(
    conn: &mut AnyConnection,
    records: &Records,
    row: Option<Row>,
) -> anyhow::Result<Option<User>> {
    let Some(row) = row else { return Ok(None) };
    let seal = records.firm(conn, &row.firm_id).await?;
    row.open(&seal).map(Some)
}

/// The person signing in with `email` (normalised), found by its blind index.
pub async fn by_email(
    conn: &mut AnyConnection,
    records: &Records,
    email: &str,
) -> anyhow::Result<Option<User>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE email_index = $1 AND deleted_at_us IS NULL"
    ))
    .bind(records.email_index(email))
    .fetch_optional(&mut *conn)
    .await
    .context("looking up a user by email")?;
    open_one(conn, records, row).await
}

/// Whether any account, removed ones too, has this address.
pub async fn email_taken(
    conn: &mut AnyConnection,
    records: &Records,
    email: &str,
) -> anyhow::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_index = $1")
        .bind(records.email_index(email))
        .fetch_one(&mut *conn)
        .await
        .context("looking for an address")?;
    Ok(n > 0)
}

pub async fn by_id(
    conn: &mut AnyConnection,
    records: &Records,
    id: &str,
) -> anyhow::Result<Option<User>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1 AND deleted_at_us IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .context("looking up a user")?;
    open_one(conn, records, row).await
}

/// Everyone of `firm_id`, removed people included (their records stay with the firm), by
/// name (sorted here: the names are sealed).
pub async fn of_firm(
    conn: &mut AnyConnection,
    records: &Records,
    firm_id: &str,
) -> anyhow::Result<Vec<User>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE firm_id = $1"))
        .bind(firm_id)
        .fetch_all(&mut *conn)
        .await
        .context("listing a firm's people")?;
    let seal = records.firm(conn, firm_id).await?;
    let mut people = rows
        .into_iter()
        .map(|r| r.open(&seal))
        .collect::<anyhow::Result<Vec<User>>>()?;
    people.sort_by_cached_key(|p| {
        (
            crate::backend::sealing::name_order(&p.full_name),
            p.email.clone(),
            p.id.clone(),
        )
    });
    Ok(people)
}

/// A new person who proved their address: the owner of a new firm of one.
pub async fn create_with_firm(
    conn: &mut AnyConnection,
    records: &Records,
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
    let seal = records.firm(conn, &firm_id).await?;
    sqlx::query(
        "INSERT INTO users (id, firm_id, email, email_index, role, language, created_at_us) VALUES ($1, $2, $3, $4, 'owner', $5, $6)",
    )
    .bind(&id)
    .bind(&firm_id)
    .bind(seal.seal(Field::UserEmail, &id, email))
    .bind(records.email_index(email))
    .bind(language)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("creating a user")?;
    by_id(conn, records, &id)
        .await?
        .context("the new user is readable")
}

/// A person who accepted an invitation: joins the inviting firm with the invited role.
#[allow(clippy::too_many_arguments)]
pub async fn create_in_firm(
    conn: &mut AnyConnection,
    records: &Records,
    email: &str,
    language: &str,
    firm_id: &str,
    role: &str,
    rule_set: &str,
    now: Micros,
) -> anyhow::Result<User> {
    let id = new_id();
    let seal = records.firm(conn, firm_id).await?;
    sqlx::query(
        "INSERT INTO users (id, firm_id, email, email_index, role, language, rule_set, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(firm_id)
    .bind(seal.seal(Field::UserEmail, &id, email))
    .bind(records.email_index(email))
    .bind(role)
    .bind(language)
    .bind(rule_set)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("creating an invited user")?;
    by_id(conn, records, &id)
        .await?
        .context("the new user is readable")
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
