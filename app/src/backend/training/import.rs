//! CSV import and export of entries. Export writes the columns import reads, so a file
//! round-trips. Import is two steps: the file is kept aside and previewed row by row (each
//! bad row with its reason); only the person's confirmation writes entries.

use super::entries::{self, EntryInput, ValidEntry};
use crate::AppError;
use crate::backend::account::today;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::csv_out::{CsvOut, is_formula_start};
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;
use crate::model::{EntryView, ImportPreview, ImportRow};
use domain::Date;

pub const HEADER: [&str; 8] = [
    "date",
    "title",
    "provider",
    "hours",
    "category",
    "verifiable",
    "topic",
    "notes",
];
/// Bounds on one file: plenty for a working life of courses.
pub const MAX_BYTES: usize = 1_000_000;
pub const MAX_ROWS: usize = 5_000;
/// Unconfirmed files are removed after this long.
const PENDING_TTL_US: i64 = 24 * 3600 * 1_000_000;

fn internal(e: impl Into<anyhow::Error>) -> AppError {
    AppError::internal(e)
}

fn import_cell(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('\''), Some(c)) if is_formula_start(c) => text[1..].to_owned(),
        _ => text.to_owned(),
    }
}

/// The entries as CSV (comma-separated, UTF-8, header first, every cell defused).
pub fn export(entries: &[EntryView]) -> anyhow::Result<String> {
    let mut out = CsvOut::new(&HEADER)?;
    for e in entries {
        out.row([
            e.date.clone(),
            e.title.clone(),
            e.provider.clone(),
            e.hours().to_string(),
            e.category.clone(),
            if e.verifiable { "yes" } else { "no" }.to_owned(),
            e.topic.clone(),
            e.notes.clone(),
        ])?;
    }
    out.finish()
}

/// Reads a file into rows, each either a valid entry or the reason it is not.
pub fn parse(
    content: &str,
    lang: Lang,
    today: Date,
) -> Result<Vec<(ImportRow, Option<ValidEntry>)>, String> {
    let t = lang.texts();
    if content.len() > MAX_BYTES {
        return Err(t.import_too_large.to_owned());
    }
    let content = content.trim_start_matches('\u{feff}');
    // Spreadsheets set to Swedish save with semicolons.
    let first_line = content.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(content.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| t.import_no_header.to_owned())?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(date), Some(title), Some(hours), Some(category)) = (
        column("date"),
        column("title"),
        column("hours"),
        column("category"),
    ) else {
        return Err(t.import_no_header.to_owned());
    };
    let (provider, verifiable, topic, notes) = (
        column("provider"),
        column("verifiable"),
        column("topic"),
        column("notes"),
    );
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if rows.len() >= MAX_ROWS {
            return Err(t.import_too_large.to_owned());
        }
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                rows.push((
                    ImportRow {
                        line,
                        date: String::new(),
                        title: String::new(),
                        hours: String::new(),
                        category: String::new(),
                        error: Some(t.import_bad_row.to_owned()),
                    },
                    None,
                ));
                continue;
            }
        };
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(|s| import_cell(s.trim()))
                .unwrap_or_default()
        };
        let verifiable = match cell(verifiable).to_ascii_lowercase().as_str() {
            "" | "yes" | "ja" | "true" | "1" => Some("on".to_owned()),
            _ => None,
        };
        let input = EntryInput {
            date: cell(Some(date)),
            title: cell(Some(title)),
            provider: cell(provider),
            hours: cell(Some(hours)),
            category: cell(Some(category)).to_ascii_lowercase(),
            verifiable,
            topic: cell(topic).to_ascii_lowercase(),
            notes: cell(notes),
        };
        let (error, valid) = match entries::validate(&input, lang, today) {
            Ok(v) => (None, Some(v)),
            Err(AppError::Invalid { field, message }) => {
                (Some(format!("{field}: {message}")), None)
            }
            Err(e) => (Some(e.user_message(t)), None),
        };
        rows.push((
            ImportRow {
                line,
                date: input.date,
                title: input.title,
                hours: input.hours,
                category: input.category,
                error,
            },
            valid,
        ));
    }
    if rows.is_empty() {
        return Err(t.import_empty.to_owned());
    }
    Ok(rows)
}

/// Keeps a file aside for its preview; returns its id. Nothing is imported yet.
pub async fn stage(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    content: &str,
) -> Result<String, AppError> {
    if content.len() > MAX_BYTES {
        return Err(AppError::invalid("content", lang.texts().import_too_large));
    }
    if content.trim().is_empty() {
        return Err(AppError::invalid("content", lang.texts().import_empty));
    }
    let id = new_id();
    let now = now_micros();
    let mut tx = state.db.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM pending_imports WHERE user_id = $1 OR created_at_us < $2")
        .bind(&viewer.user.id)
        .bind(now - PENDING_TTL_US)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "INSERT INTO pending_imports (id, user_id, content, created_at_us) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(content)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

async fn pending(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<String, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT content FROM pending_imports WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(&viewer.user.id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
    row.map(|(c,)| c).ok_or(AppError::NotFound)
}

pub async fn preview(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    id: &str,
) -> Result<ImportPreview, AppError> {
    let mut conn = state.db.pool.acquire().await.map_err(internal)?;
    let content = pending(&mut conn, viewer, id).await?;
    Ok(match parse(&content, lang, today()) {
        Ok(rows) => ImportPreview {
            id: id.to_owned(),
            rows: rows.into_iter().map(|(row, _)| row).collect(),
            file_error: None,
        },
        Err(message) => ImportPreview {
            id: id.to_owned(),
            rows: Vec::new(),
            file_error: Some(message),
        },
    })
}

/// Writes the valid rows the person saw in the preview; returns how many.
pub async fn confirm(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
) -> Result<usize, AppError> {
    let mut tx = state.db.begin().await.map_err(internal)?;
    let content = pending(&mut tx, viewer, id).await?;
    let rows = parse(&content, lang, today()).map_err(|m| AppError::invalid("content", m))?;
    let mut count = 0;
    for valid in rows.iter().filter_map(|(_, v)| v.as_ref()) {
        let entry_id = entries::insert(&mut tx, viewer, valid)
            .await
            .map_err(internal)?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::EntryCreated,
                &Target::new("entry", &entry_id),
            )
            .await
            .map_err(internal)?;
        count += 1;
    }
    sqlx::query("DELETE FROM pending_imports WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntriesImported,
            &Target::new("import", id),
        )
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(count)
}

/// Drops a staged file without importing anything.
pub async fn cancel(state: &AppState, viewer: &Viewer, id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(&viewer.user.id)
        .execute(&state.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-11-23").expect("date")
    }

    fn view(title: &str, notes: &str) -> EntryView {
        EntryView {
            id: "x".into(),
            date: "2026-03-01".into(),
            title: title.into(),
            provider: "Juridicum, \"Stockholm\"".into(),
            quarters: 14,
            category: "e-learning".into(),
            verifiable: false,
            topic: "ethics".into(),
            notes: notes.into(),
        }
    }

    #[test]
    fn export_then_import_round_trips_including_quotes_commas_and_formulas() {
        let entries = vec![
            view("GDPR, part 2", "line one\nline two"),
            view("=HYPERLINK(\"x\")", "-5"),
        ];
        let csv = export(&entries).expect("export");
        assert!(csv.contains("'=HYPERLINK"), "formulas are defused: {csv}");
        let rows = parse(&csv, Lang::En, today()).expect("parse");
        assert_eq!(rows.len(), 2);
        for ((row, valid), original) in rows.iter().zip(&entries) {
            let valid = valid.as_ref().unwrap_or_else(|| panic!("{row:?}"));
            assert_eq!(valid.title, original.title);
            assert_eq!(valid.provider, original.provider);
            assert_eq!(valid.notes, original.notes);
            assert_eq!(valid.hours.quarters(), original.quarters);
            assert_eq!(valid.category.as_str(), original.category);
            assert_eq!(valid.verifiable, original.verifiable);
            assert_eq!(
                valid.topic.map(|t| t.as_str()).unwrap_or(""),
                original.topic
            );
        }
    }

    #[test]
    fn semicolons_and_decimal_commas_from_a_swedish_spreadsheet() {
        let csv = "Date;Title;Hours;Category\n2026-02-01;Skatterätt;2,5;teacher-led\n";
        let rows = parse(csv, Lang::Sv, today()).expect("parse");
        assert_eq!(rows[0].1.as_ref().map(|v| v.hours.quarters()), Some(10));
    }

    #[test]
    fn each_bad_row_says_why_and_good_rows_stay_good() {
        let csv = "date,title,hours,category\n2026-02-01,Good,2,teacher-led\n2026-02-30,Bad date,2,teacher-led\n2026-03-01,Bad hours,1.1,teacher-led\n";
        let rows = parse(csv, Lang::En, today()).expect("parse");
        assert_eq!(rows.len(), 3);
        assert!(rows[0].0.error.is_none());
        assert!(
            rows[1]
                .0
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("date:"))
        );
        assert!(
            rows[2]
                .0
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("hours:"))
        );
        assert_eq!(rows[2].0.line, 4);
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused() {
        assert!(parse("name,age\nx,1\n", Lang::En, today()).is_err());
        assert!(parse("date,title,hours,category\n", Lang::En, today()).is_err());
    }
}
