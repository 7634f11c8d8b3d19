//! The training log: entries, leave and exemptions. Every query is scoped to one person;
//! another person's row answers "not found", exactly like a row that does not exist.

pub mod csv_in;
pub mod entries;
pub mod import;
pub mod leaves;

use crate::backend::account::today;
use crate::backend::auth::users::User;
use crate::backend::sealing::{Field, FirmSeal, Records};
use crate::model::{EntryView, LeaveView, LogData};

/// One row of `entries`, as [`ENTRY_COLUMNS`] selects it.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    pub entry_date: String,
    pub title: String,
    pub provider: String,
    pub quarters: i64,
    pub category: String,
    /// 0 or 1 (the column is an integer on both databases).
    pub verifiable: i64,
    pub topic: Option<String>,
    pub notes: String,
}

impl EntryRow {
    /// The row with its sealed fields opened.
    pub fn open(mut self, seal: &FirmSeal) -> anyhow::Result<EntryRow> {
        self.title = seal.open(Field::EntryTitle, &self.id, &self.title)?;
        self.provider = seal.open(Field::EntryProvider, &self.id, &self.provider)?;
        self.notes = seal.open(Field::EntryNotes, &self.id, &self.notes)?;
        Ok(self)
    }
}

/// The log's order: by date, then title, then id (sorted here: the titles are sealed).
pub fn sort_entries(rows: &mut [EntryRow]) {
    rows.sort_by(|a, b| (&a.entry_date, &a.title, &a.id).cmp(&(&b.entry_date, &b.title, &b.id)));
}

/// An entry with its number of certificates.
#[derive(sqlx::FromRow)]
struct CountedEntryRow {
    #[sqlx(flatten)]
    entry: EntryRow,
    certificates: i64,
}

/// One row of `leaves`.
#[derive(sqlx::FromRow)]
pub struct LeaveRow {
    pub id: String,
    pub from_date: String,
    pub to_date: String,
    pub reason: String,
}

impl LeaveRow {
    /// The row with its reason opened.
    pub fn open(mut self, seal: &FirmSeal) -> anyhow::Result<LeaveRow> {
        self.reason = seal.open(Field::LeaveReason, &self.id, &self.reason)?;
        Ok(self)
    }
}

impl From<LeaveRow> for LeaveView {
    fn from(row: LeaveRow) -> LeaveView {
        LeaveView {
            id: row.id,
            from: row.from_date,
            to: row.to_date,
            reason: row.reason,
        }
    }
}

pub const ENTRY_COLUMNS: &str =
    "id, entry_date, title, provider, quarters, category, verifiable, topic, notes";

pub fn entry_view(row: EntryRow) -> EntryView {
    EntryView {
        id: row.id,
        date: row.entry_date,
        title: row.title,
        provider: row.provider,
        // The schema keeps quarters between 1 and 96.
        quarters: u32::try_from(row.quarters).unwrap_or(0),
        category: row.category,
        verifiable: row.verifiable != 0,
        topic: row.topic.unwrap_or_default(),
        notes: row.notes,
    }
}

/// Everything the log pages and the calculator need, in three queries whatever the size
/// of the log (the person was read with the session).
pub async fn load(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    user: &User,
) -> anyhow::Result<LogData> {
    let seal = records.firm(conn, &user.firm_id).await?;
    // With each entry, its number of certificates (read through their entry index).
    let rows: Vec<CountedEntryRow> =
        sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS}, (SELECT COUNT(*) FROM certificates c WHERE c.entry_id = entries.id) AS certificates \
             FROM entries WHERE user_id = $1"
        ))
        .bind(&user.id)
        .fetch_all(&mut *conn)
        .await?;
    let mut certificates = std::collections::BTreeMap::new();
    let mut entries: Vec<EntryRow> = rows
        .into_iter()
        .map(|row| {
            if let Ok(n @ 1..) = u32::try_from(row.certificates) {
                certificates.insert(row.entry.id.clone(), n);
            }
            row.entry.open(&seal)
        })
        .collect::<anyhow::Result<_>>()?;
    sort_entries(&mut entries);
    let leaves: Vec<LeaveRow> = sqlx::query_as(
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
        restricted_since: user.restricted_at_us.map(crate::backend::erasure::due_day),
        today: today().to_string(),
        entries: entries.into_iter().map(entry_view).collect(),
        leaves: leaves
            .into_iter()
            .map(|l| l.open(&seal).map(LeaveView::from))
            .collect::<anyhow::Result<_>>()?,
        exemptions: exemptions
            .into_iter()
            .filter_map(|(y,)| i32::try_from(y).ok())
            .collect(),
        certificates,
    })
}
