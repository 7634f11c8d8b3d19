//! CSV import and export of entries. Export writes the columns import reads, so a file
//! round-trips. Import is two steps: the file is kept aside and previewed row by row (each
//! bad row with its reason); only the person's confirmation writes entries.

use super::csv_in::{self, Column};
use super::entries::{self, EntryInput, ValidEntry};
use crate::AppError;
use crate::backend::account::today;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::csv_out::{CsvOut, is_formula_start};
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, Records};
use crate::backend::state::AppState;
use crate::i18n::Lang;
use crate::model::{ColumnMapping, EntryView, ImportPreview, ImportRow};
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

/// A file read for import: how its columns were understood, and every row.
pub struct Parsed {
    /// Each header cell of the file and the column it was taken as (`None`: ignored).
    pub mapping: Vec<(String, Option<Column>)>,
    pub rows: Vec<(ImportRow, Option<ValidEntry>)>,
}

/// Reads a file into rows, each either a valid entry or the reason it is not.
pub fn parse(content: &str, lang: Lang, today: Date) -> Result<Parsed, String> {
    let t = lang.texts();
    if content.len() > MAX_BYTES {
        return Err(t.import_too_large.to_owned());
    }
    let content = content.trim_start_matches('\u{feff}');
    // Spreadsheets set to Swedish save with semicolons (Excel's "sep=" line says which).
    let (content, first_line) = match content.lines().next() {
        Some(line) if line.trim().to_ascii_lowercase().starts_with("sep=") => {
            let rest = content.split_once('\n').map_or("", |(_, rest)| rest);
            (rest, rest.lines().next().unwrap_or_default())
        }
        Some(line) => (content, line),
        None => (content, ""),
    };
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
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
        .map(|h| h.trim().to_owned())
        .collect();
    let mut mapping: Vec<(String, Option<Column>)> = Vec::new();
    for header in &headers {
        // A column named twice counts once (the first), the second is ignored.
        let column = Column::from_header(header)
            .filter(|c| !mapping.iter().any(|(_, taken)| *taken == Some(*c)));
        mapping.push((header.clone(), column));
    }
    let position = |c: Column| mapping.iter().position(|(_, m)| *m == Some(c));
    let missing: Vec<&str> = Column::ALL
        .into_iter()
        .filter(|c| c.required() && position(*c).is_none())
        .map(Column::name)
        .collect();
    if !missing.is_empty() {
        return Err(t.import_no_header.replace("{missing}", &missing.join(", ")));
    }
    let mut rows = Vec::new();
    let mut line = 2;
    for record in reader.records() {
        if rows.len() >= MAX_ROWS {
            return Err(t.import_too_large.to_owned());
        }
        let this_line = line;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                rows.push((bad_row(this_line, t.import_bad_row), None));
                line += 1;
                continue;
            }
        };
        // A record spans as many lines as its cells hold line breaks. A note may well
        // have some; but an unclosed quote swallows the rows after it, which shows as a
        // record short of cells or a cell holding a line that looks like a whole row.
        // Such a row is refused, not merged into one.
        let breaks: usize = record.iter().map(|c| c.matches('\n').count()).sum();
        line += 1 + breaks;
        let swallowed = breaks > 0
            && (record.len() < headers.len()
                || record.iter().any(|c| {
                    c.lines().skip(1).any(|l| {
                        l.matches(char::from(delimiter)).count() + 1 >= headers.len().min(4)
                    })
                }));
        if swallowed {
            let message = t
                .import_row_spans_lines
                .replace("{from}", &this_line.to_string())
                .replace("{to}", &(this_line + breaks).to_string());
            rows.push((bad_row(this_line, &message), None));
            continue;
        }
        let cell = |c: Column| {
            position(c)
                .and_then(|i| record.get(i))
                .map(|s| import_cell(s.trim()))
                .unwrap_or_default()
        };
        let input = EntryInput {
            date: cell(Column::Date),
            title: cell(Column::Title),
            provider: cell(Column::Provider),
            hours: cell(Column::Hours),
            category: csv_in::category(&cell(Column::Category)),
            verifiable: csv_in::yes(&cell(Column::Verifiable)).then(|| "on".to_owned()),
            topic: csv_in::topic(&cell(Column::Topic)),
            notes: cell(Column::Notes),
        };
        let (error, valid) = match entries::validate(&input, lang, today) {
            Ok(v) => (None, Some(v)),
            Err(e) if !e.field_errors().is_empty() => (
                Some(
                    e.field_errors()
                        .into_iter()
                        .map(|f| format!("{}: {}", field_label(t, &f.field), f.message))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                None,
            ),
            Err(e) => (Some(e.user_message(t)), None),
        };
        rows.push((
            ImportRow {
                line: this_line,
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
    Ok(Parsed { mapping, rows })
}

fn bad_row(line: usize, message: &str) -> ImportRow {
    ImportRow {
        line,
        date: String::new(),
        title: String::new(),
        hours: String::new(),
        category: String::new(),
        error: Some(message.to_owned()),
    }
}

/// A field's name as the person's form calls it.
fn field_label(t: &crate::i18n::Texts, field: &str) -> &'static str {
    match field {
        "date" => t.col_date,
        "title" => t.field_title,
        "provider" => t.field_provider,
        "hours" => t.col_hours,
        "category" => t.col_category,
        "topic" => t.field_topic,
        _ => t.field_notes,
    }
}

/// The column an import takes a header as, in the person's language.
pub fn column_label(t: &crate::i18n::Texts, column: Column) -> &'static str {
    match column {
        Column::Date => t.col_date,
        Column::Title => t.field_title,
        Column::Provider => t.field_provider,
        Column::Hours => t.col_hours,
        Column::Category => t.col_category,
        Column::Verifiable => t.field_verifiable,
        Column::Topic => t.field_topic,
        Column::Notes => t.field_notes,
    }
}

/// Keeps a file aside for its preview; returns its id. Nothing is imported yet.
pub async fn stage(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    content: &str,
    encoding: &str,
) -> Result<String, AppError> {
    if content.len() > MAX_BYTES {
        return Err(AppError::invalid("content", lang.texts().import_too_large));
    }
    if content.trim().is_empty() {
        return Err(AppError::invalid("content", lang.texts().import_empty));
    }
    let id = new_id();
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM pending_imports WHERE user_id = $1 OR created_at_us < $2")
        .bind(&viewer.user.id)
        .bind(now - PENDING_TTL_US)
        .execute(&mut *tx)
        .await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    sqlx::query(
        "INSERT INTO pending_imports (id, user_id, content, encoding, created_at_us) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(seal.seal(Field::ImportContent, &id, content))
    .bind(encoding)
    .bind(now)
    .execute(&mut *tx)
    .await
    ?;
    tx.commit().await?;
    Ok(id)
}

/// A staged file's text and the encoding it was read in.
async fn pending(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    viewer: &Viewer,
    id: &str,
) -> Result<(String, String), AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT content, encoding FROM pending_imports WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *conn)
    .await?;
    let (content, encoding) = row.ok_or(AppError::NotFound)?;
    let seal = records.firm(conn, &viewer.user.firm_id).await?;
    Ok((seal.open(Field::ImportContent, id, &content)?, encoding))
}

pub async fn preview(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    id: &str,
) -> Result<ImportPreview, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let (content, encoding) = pending(&mut conn, &state.db.records, viewer, id).await?;
    let t = lang.texts();
    Ok(match parse(&content, lang, today()) {
        Ok(parsed) => ImportPreview {
            id: id.to_owned(),
            rows: parsed.rows.into_iter().map(|(row, _)| row).collect(),
            file_error: None,
            encoding,
            mapping: parsed
                .mapping
                .into_iter()
                .map(|(header, column)| ColumnMapping {
                    header,
                    column: column.map(|c| column_label(t, c).to_owned()),
                })
                .collect(),
        },
        Err(message) => ImportPreview {
            id: id.to_owned(),
            rows: Vec::new(),
            file_error: Some(message),
            encoding,
            mapping: Vec::new(),
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
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let (content, _) = pending(&mut tx, &state.db.records, viewer, id).await?;
    let rows = parse(&content, lang, today())
        .map_err(|m| AppError::invalid("content", m))?
        .rows;
    let mut count = 0;
    for valid in rows.iter().filter_map(|(_, v)| v.as_ref()) {
        let entry_id = entries::insert(&mut tx, &state.db.records, viewer, valid).await?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::EntryCreated,
                &Target::new("entry", &entry_id),
            )
            .await?;
        count += 1;
    }
    sqlx::query("DELETE FROM pending_imports WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntriesImported,
            &Target::new("import", id),
        )
        .await?;
    tx.commit().await?;
    Ok(count)
}

/// Drops a staged file without importing anything.
pub async fn cancel(state: &AppState, viewer: &Viewer, id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM pending_imports WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(&viewer.user.id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The personal log export as a spreadsheet opens it: header, decimals, defused cells.
    #[test]
    fn the_log_export_as_written() {
        let entry = |date: &str,
                     title: &str,
                     quarters: u32,
                     category: &str,
                     verifiable: bool,
                     topic: &str,
                     notes: &str| EntryView {
            id: String::new(),
            date: date.into(),
            title: title.into(),
            provider: "Sveriges advokatsamfund".into(),
            quarters,
            category: category.into(),
            verifiable,
            topic: topic.into(),
            notes: notes.into(),
        };
        let csv = export(&[
            entry(
                "2026-03-01",
                "Etik och god advokatsed",
                6,
                "teacher-led",
                true,
                "ethics",
                "",
            ),
            entry(
                "2026-04-15",
                "GDPR, \"online\"",
                9,
                "e-learning",
                false,
                "",
                "Två delar; del 2 i maj",
            ),
            entry(
                "2026-05-02",
                "=HYPERLINK(\"http://x\")",
                4,
                "teacher-led",
                true,
                "",
                "+46 8 123",
            ),
        ])
        .expect("csv");
        crate::backend::snapshot::assert_snapshot("csv_log_export", &csv);
    }

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
        let rows = parse(&csv, Lang::En, today()).expect("parse").rows;
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
        let rows = parse(csv, Lang::Sv, today()).expect("parse").rows;
        assert_eq!(rows[0].1.as_ref().map(|v| v.hours.quarters()), Some(10));
    }

    #[test]
    fn each_bad_row_says_why_and_good_rows_stay_good() {
        let csv = "date,title,hours,category\n2026-02-01,Good,2,teacher-led\n2026-02-30,Bad date,2,teacher-led\n2026-03-01,Bad hours,1.1,teacher-led\n";
        let rows = parse(csv, Lang::En, today()).expect("parse").rows;
        assert_eq!(rows.len(), 3);
        assert!(rows[0].0.error.is_none());
        assert!(
            rows[1]
                .0
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("Date:"))
        );
        assert!(
            rows[2]
                .0
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("Hours:"))
        );
        assert_eq!(rows[2].0.line, 4);
    }

    #[test]
    fn a_stray_quote_is_refused_but_a_note_over_two_lines_is_not() {
        let stray = "date,title,hours,category\n2026-06-01,\"Open,2,teacher-led\n2026-06-02,B,1,teacher-led\n";
        let rows = parse(stray, Lang::En, today()).expect("parse").rows;
        assert!(
            rows.iter().all(|(r, v)| r.error.is_some() && v.is_none()),
            "{:?}",
            rows.iter().map(|r| &r.0).collect::<Vec<_>>()
        );
        let note = "date,title,hours,category,notes\n2026-06-01,A,2,teacher-led,\"first\nsecond\"\n2026-06-02,B,1,teacher-led,\n";
        let rows = parse(note, Lang::En, today()).expect("parse").rows;
        assert!(rows.iter().all(|(r, _)| r.error.is_none()));
        assert_eq!(rows[1].0.line, 4, "the line numbers count the note's break");
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused() {
        assert!(parse("name,age\nx,1\n", Lang::En, today()).is_err());
        assert!(parse("date,title,hours,category\n", Lang::En, today()).is_err());
    }
}
