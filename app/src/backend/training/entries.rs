//! Adding, changing, duplicating and deleting log entries.

use super::{ENTRY_COLUMNS, EntryRow, entry_view};
use crate::AppError;
use crate::backend::account::today;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, Records};
use crate::backend::state::AppState;
use crate::i18n::Lang;
use crate::model::EntryView;
pub use domain::ValidEntry;
use domain::rules::Topic;
use domain::{Date, EntryDraft, Hours};
use serde::{Deserialize, Serialize};

/// At most this many hours in one entry (one day).
pub const MAX_HOURS: Hours = domain::entry_draft::MAX_HOURS;
/// The longest title, provider and note, in characters.
pub const MAX_TITLE: usize = domain::limits::TITLE;
pub const MAX_PROVIDER: usize = domain::limits::PROVIDER;
pub const MAX_NOTES: usize = domain::limits::NOTES;

/// The entry form, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    pub date: String,
    pub title: String,
    pub provider: String,
    pub hours: String,
    pub category: String,
    /// A checkbox: present ("on") when ticked.
    pub verifiable: Option<String>,
    pub topic: String,
    pub notes: String,
}

impl EntryInput {
    /// The form's fields as the domain's draft (a ticked box is any value but "0"/"false").
    pub fn draft(&self) -> EntryDraft {
        EntryDraft {
            date: self.date.clone(),
            title: self.title.clone(),
            provider: self.provider.clone(),
            hours: self.hours.clone(),
            category: self.category.clone(),
            verifiable: self
                .verifiable
                .as_deref()
                .is_some_and(|v| !v.is_empty() && v != "0" && v != "false"),
            topic: self.topic.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// Checks the form with the domain's one check ([`EntryDraft::parse`], which the preview
/// uses too); every wrong field is named in the error, in the form's order.
pub fn validate(input: &EntryInput, lang: Lang, today: Date) -> Result<ValidEntry, AppError> {
    input
        .draft()
        .parse(today)
        .map_err(|errors| AppError::entry(lang.texts(), &errors))
}

/// Inserts one entry on the caller's transaction (also used by the CSV import).
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    viewer: &Viewer,
    entry: &ValidEntry,
) -> anyhow::Result<String> {
    let id = new_id();
    let now = now_micros();
    let seal = records.firm(conn, &viewer.user.firm_id).await?;
    sqlx::query(
        "INSERT INTO entries (id, user_id, firm_id, entry_date, title, provider, quarters, category, verifiable, topic, notes, created_at_us, updated_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(&viewer.user.firm_id)
    .bind(entry.date.to_string())
    .bind(seal.seal(Field::EntryTitle, &id, &entry.title))
    .bind(seal.seal(Field::EntryProvider, &id, &entry.provider))
    .bind(i64::from(entry.hours.quarters()))
    .bind(entry.category.as_str())
    .bind(i64::from(entry.verifiable))
    .bind(entry.topic.map(Topic::as_str))
    .bind(seal.seal(Field::EntryNotes, &id, &entry.notes))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    input: &EntryInput,
) -> Result<ValidEntry, AppError> {
    let entry = validate(input, lang, today())?;
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let id = insert(&mut tx, &state.db.records, viewer, &entry).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntryCreated,
            &Target::new("entry", &id),
        )
        .await?;
    tx.commit().await?;
    Ok(entry)
}

/// One of the viewer's own entries; anyone else's is "not found".
pub async fn get(state: &AppState, viewer: &Viewer, id: &str) -> Result<EntryView, AppError> {
    let row: Option<EntryRow> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&state.db.pool)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    Ok(entry_view(row.open(&seal)?))
}

pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    input: &EntryInput,
) -> Result<ValidEntry, AppError> {
    let entry = validate(input, lang, today())?;
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let changed = sqlx::query(
        "UPDATE entries SET entry_date = $1, title = $2, provider = $3, quarters = $4, category = $5, verifiable = $6, \
         topic = $7, notes = $8, updated_at_us = $9 WHERE id = $10 AND user_id = $11",
    )
    .bind(entry.date.to_string())
    .bind(seal.seal(Field::EntryTitle, id, &entry.title))
    .bind(seal.seal(Field::EntryProvider, id, &entry.provider))
    .bind(i64::from(entry.hours.quarters()))
    .bind(entry.category.as_str())
    .bind(i64::from(entry.verifiable))
    .bind(entry.topic.map(Topic::as_str))
    .bind(seal.seal(Field::EntryNotes, id, &entry.notes))
    .bind(now_micros())
    .bind(id)
    .bind(&viewer.user.id)
    .execute(&mut *tx)
    .await
    ?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntryUpdated,
            &Target::new("entry", id),
        )
        .await?;
    tx.commit().await?;
    Ok(entry)
}

/// Copies one of the viewer's entries (a course taken again); returns the new id.
pub async fn duplicate(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<String, AppError> {
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let new = new_id();
    let now = now_micros();
    // Each value is sealed for its row: the copy's are opened and sealed again for the new one.
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let original: Option<EntryRow> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(original) = original else {
        return Err(AppError::NotFound);
    };
    let original = original.open(&seal)?;
    let copied = sqlx::query(
        "INSERT INTO entries (id, user_id, firm_id, entry_date, title, provider, quarters, category, verifiable, topic, notes, created_at_us, updated_at_us) \
         SELECT $1, user_id, firm_id, entry_date, $2, $3, quarters, category, verifiable, topic, $4, $5, $5 \
         FROM entries WHERE id = $6 AND user_id = $7",
    )
    .bind(&new)
    .bind(seal.seal(Field::EntryTitle, &new, &original.title))
    .bind(seal.seal(Field::EntryProvider, &new, &original.provider))
    .bind(seal.seal(Field::EntryNotes, &new, &original.notes))
    .bind(now)
    .bind(id)
    .bind(&viewer.user.id)
    .execute(&mut *tx)
    .await
    ?
    .rows_affected();
    if copied == 0 {
        return Err(AppError::NotFound);
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntryCreated,
            &Target::new("entry", &new),
        )
        .await?;
    tx.commit().await?;
    Ok(new)
}

/// Deletes one of the viewer's entries; returns its date (to show the right year after).
pub async fn delete(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<String, AppError> {
    use crate::backend::undo::{self, Kind, Table};
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Delete,
    )?;
    let mut tx = state.db.begin().await?;
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT entry_date, title FROM entries WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(&viewer.user.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((date, title)) = found else {
        return Err(AppError::NotFound);
    };
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let title = seal.open(Field::EntryTitle, id, &title)?;
    let year = date.get(..4).unwrap_or_default();
    let batch = undo::begin(
        &mut tx,
        &state.db.records,
        viewer,
        Kind::Entry,
        &title,
        &format!("/log?year={year}"),
    )
    .await?;
    // Its certificates go with it, into the same batch (and come back with it).
    crate::backend::certificates::stash_for_entry(&mut tx, &batch, viewer, meta, id).await?;
    undo::stash(&mut tx, &batch, viewer, Table::Entries, "id", id)
        .await?
        .require_some()?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntryDeleted,
            &Target::new("entry", id),
        )
        .await?;
    tx.commit().await?;
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EntryInput {
        EntryInput {
            date: "2026-03-01".into(),
            title: "Arbitration day".into(),
            provider: "Advokatsamfundet".into(),
            hours: "3,5".into(),
            category: "teacher-led".into(),
            verifiable: Some("on".into()),
            topic: String::new(),
            notes: String::new(),
        }
    }

    fn today() -> Date {
        Date::parse("2026-11-23").expect("date")
    }

    fn field_of(input: &EntryInput) -> Option<String> {
        match validate(input, Lang::En, today()) {
            Err(AppError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn a_good_entry_passes() {
        let valid = validate(&input(), Lang::En, today()).expect("valid");
        assert_eq!(valid.hours, Hours::from_quarters(14));
        assert!(valid.verifiable);
        let mut unticked = input();
        unticked.verifiable = None;
        assert!(
            !validate(&unticked, Lang::En, today())
                .expect("valid")
                .verifiable
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Change = fn(&mut EntryInput);
        let cases: Vec<(Change, &str)> = vec![
            (|i| i.date = "2026-02-30".into(), "date"),
            (|i| i.date = "2031-01-01".into(), "date"),
            (|i| i.title = "  ".into(), "title"),
            (|i| i.title = "x".repeat(201), "title"),
            (|i| i.hours = "0".into(), "hours"),
            (|i| i.hours = "24.25".into(), "hours"),
            (|i| i.hours = "1.1".into(), "hours"),
            (|i| i.hours = "-2".into(), "hours"),
            (|i| i.category = "webinar".into(), "category"),
            (|i| i.topic = "gossip".into(), "topic"),
        ];
        for (change, field) in cases {
            let mut bad = input();
            change(&mut bad);
            assert_eq!(field_of(&bad).as_deref(), Some(field), "{bad:?}");
        }
        let mut max = input();
        max.hours = "24".into();
        assert_eq!(field_of(&max), None);
    }

    #[test]
    fn every_bad_field_is_named_at_once_in_form_order() {
        let mut bad = input();
        bad.date = "2040-01-01".into();
        bad.hours = "25".into();
        bad.notes = "å".repeat(MAX_NOTES + 1);
        let Err(error) = validate(&bad, Lang::Sv, today()) else {
            panic!("three wrong fields pass");
        };
        let fields: Vec<String> = error.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["date", "hours", "notes"]);
        assert!(
            error
                .message_for("notes")
                .is_some_and(|m| m.contains("2000")),
            "{error:?}"
        );
    }
}
