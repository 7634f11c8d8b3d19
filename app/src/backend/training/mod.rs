//! The training log: entries, leave and exemptions. Every query is scoped to one person;
//! another person's row answers "not found", exactly like a row that does not exist.

pub mod csv_in;
pub mod entries;
pub mod import;
pub mod leaves;

use crate::backend::account::today;
use crate::backend::auth::users::User;
use crate::model::{EntryView, LeaveView, LogData};

pub type EntryRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    Option<String>,
    String,
);

/// An entry row followed by its number of certificates.
type CountedEntryRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    Option<String>,
    String,
    i64,
);

pub const ENTRY_COLUMNS: &str =
    "id, entry_date, title, provider, quarters, category, verifiable, topic, notes";

pub fn entry_view(row: EntryRow) -> EntryView {
    let (id, date, title, provider, quarters, category, verifiable, topic, notes) = row;
    EntryView {
        id,
        date,
        title,
        provider,
        quarters: u32::try_from(quarters).unwrap_or(0),
        category,
        verifiable: verifiable != 0,
        topic: topic.unwrap_or_default(),
        notes,
    }
}

/// Everything the log pages and the calculator need, in three queries whatever the size
/// of the log (the person was read with the session).
pub async fn load(conn: &mut sqlx::AnyConnection, user: &User) -> anyhow::Result<LogData> {
    // With each entry, its number of certificates (read through their entry index).
    let rows: Vec<CountedEntryRow> =
        sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS}, (SELECT COUNT(*) FROM certificates c WHERE c.entry_id = entries.id) \
             FROM entries WHERE user_id = $1 ORDER BY entry_date, title, id"
        ))
        .bind(&user.id)
        .fetch_all(&mut *conn)
        .await?;
    let mut certificates = std::collections::BTreeMap::new();
    let entries: Vec<EntryRow> = rows
        .into_iter()
        .map(
            |(id, date, title, provider, quarters, category, verifiable, topic, notes, n)| {
                if let Ok(n @ 1..) = u32::try_from(n) {
                    certificates.insert(id.clone(), n);
                }
                (
                    id, date, title, provider, quarters, category, verifiable, topic, notes,
                )
            },
        )
        .collect();
    let leaves: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, from_date, to_date, reason FROM leaves WHERE user_id = $1 ORDER BY from_date, id",
    )
    .bind(&user.id)
    .fetch_all(&mut *conn)
    .await?;
    let exemptions: Vec<(i64,)> =
        sqlx::query_as("SELECT year FROM exemptions WHERE user_id = $1 ORDER BY year")
            .bind(&user.id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(LogData {
        rule_set: user.rule_set.clone(),
        admitted: user.admission_date.clone().unwrap_or_default(),
        born: user.birth_date.clone().unwrap_or_default(),
        history_from: user.history_from.and_then(|y| i32::try_from(y).ok()),
        today: today().to_string(),
        entries: entries.into_iter().map(entry_view).collect(),
        leaves: leaves
            .into_iter()
            .map(|(id, from, to, reason)| LeaveView {
                id,
                from,
                to,
                reason,
            })
            .collect(),
        exemptions: exemptions
            .into_iter()
            .filter_map(|(y,)| i32::try_from(y).ok())
            .collect(),
        certificates,
    })
}
