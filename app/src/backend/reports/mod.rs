//! Annual reports: one PDF per request, for a person and a year, with their certificates
//! bundled. Made by a worker process off the request path ([`job`]), stored like a
//! certificate (sealed under the firm's key, or in the private bucket), fetched through
//! a link that expires. Every query is scoped to the signed-in person, except the
//! public verification, which answers only what identifies the file: its date, pages and
//! SHA-256.

pub mod content;
pub mod job;
pub mod spec;

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::backend::storage::{Disposition, LinkSpec};
use crate::i18n::{Lang, Texts};
use crate::model::{ReportView, Verification};
use domain::Date;

const COLUMNS: &str = "id, year, language, status, problem, steps_done, steps_total, created_at_us, pages, size_bytes, left_out, object_key";

type Row = (
    String,
    i64,
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    Option<String>,
);

fn view(row: Row) -> (ReportView, Option<String>) {
    let (id, year, language, status, problem, done, total, created, pages, size, left_out, key) =
        row;
    let percent = if status == "ready" {
        100
    } else if total > 0 {
        u32::try_from(done.clamp(0, total) * 100 / total).unwrap_or(0)
    } else {
        0
    };
    (
        ReportView {
            id,
            year: i32::try_from(year).unwrap_or(0),
            language,
            status,
            problem,
            percent,
            created_us: created,
            pages: pages.and_then(|p| u32::try_from(p).ok()),
            size_bytes: size.and_then(|s| u64::try_from(s).ok()),
            left_out: u32::try_from(left_out).unwrap_or(0),
        },
        key,
    )
}

/// The viewer's reports, newest first.
pub async fn list(state: &AppState, viewer: &Viewer) -> Result<Vec<ReportView>, AppError> {
    fail_stale(state, Some(&viewer.user.id)).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reports WHERE user_id = $1 ORDER BY created_at_us DESC, id DESC"
    ))
    .bind(&viewer.user.id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| view(r).0).collect())
}

/// One of the viewer's reports, with its object's name once it is stored.
async fn own(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<(ReportView, Option<String>), AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reports WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(view).ok_or(AppError::NotFound)
}

/// Where one of the viewer's reports stands (the page polls this while it is made).
pub async fn get(state: &AppState, viewer: &Viewer, id: &str) -> Result<ReportView, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(own(&mut conn, viewer, id).await?.0)
}

/// Queues a report for `year` in `language` and starts making it; returns its id. One
/// at a time per person: a second request while one is made is refused.
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    year: i32,
    language: Lang,
    years: &[i32],
    t: &Texts,
) -> Result<String, AppError> {
    if !years.contains(&year) {
        return Err(AppError::invalid("year", t.err_report_year));
    }
    fail_stale(state, Some(&viewer.user.id)).await?;
    // A firm whose storage is full gets no report it could not keep; whether the finished
    // report fits is decided when it is stored (`job`).
    if crate::backend::certificates::upload::firm_storage_used(state, &viewer.user.firm_id).await?
        >= state.config.storage.firm_quota_bytes
    {
        return Err(AppError::invalid("year", t.err_report_quota));
    }
    let mut tx = state.db.begin().await?;
    if crate::backend::firm::restriction::is_restricted(&mut tx, &viewer.user.id).await? {
        return Err(AppError::invalid("year", t.err_restricted_report));
    }
    let busy: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE user_id = $1 AND status IN ('queued', 'running')",
    )
    .bind(&viewer.user.id)
    .fetch_one(&mut *tx)
    .await?;
    if busy > 0 {
        return Err(AppError::invalid("year", t.err_report_busy));
    }
    let id = crate::backend::db::new_id();
    let now = crate::backend::db::now_micros();
    let inserted = sqlx::query(
        "INSERT INTO reports (id, user_id, firm_id, year, language, status, created_at_us, alive_at_us) \
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(&viewer.user.firm_id)
    .bind(i64::from(year))
    .bind(language.code())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // Another request of theirs got in first (the database's one-at-a-time index).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::invalid("year", t.err_report_busy));
        }
        Err(e) => return Err(AppError::internal(e)),
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::ReportRequested,
            &Target::new("report", &id),
        )
        .await?;
    tx.commit().await?;
    job::spawn(state.clone(), id.clone());
    Ok(id)
}

/// The name a report is saved under: "Annual CPD report 2026 - Anna Berg.pdf".
pub fn file_name(language: &str, year: i32, full_name: &str) -> String {
    let t = Lang::from_code(language).unwrap_or_default().texts();
    let title = t.report_title.replace("{year}", &year.to_string());
    match full_name.trim() {
        "" => format!("{title}.pdf"),
        name => format!("{title} - {name}.pdf"),
    }
}

/// What the local backend's file route needs to serve a stored report: its size and
/// the name to save it under. `None` unless it is a finished report of `firm`.
pub async fn stored(
    conn: &mut sqlx::AnyConnection,
    records: &crate::backend::sealing::Records,
    key: &str,
    firm: &str,
) -> anyhow::Result<Option<(u64, String)>> {
    let row: Option<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT r.size_bytes, r.language, r.year, u.id, u.full_name FROM reports r \
         JOIN users u ON u.id = r.user_id \
         WHERE r.object_key = $1 AND r.firm_id = $2 AND r.status = 'ready'",
    )
    .bind(key)
    .bind(firm)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((size, language, year, user_id, name)) = row else {
        return Ok(None);
    };
    let name = records.firm(conn, firm).await?.open(
        crate::backend::sealing::Field::UserName,
        &user_id,
        &name,
    )?;
    Ok(Some((
        u64::try_from(size).unwrap_or(0),
        file_name(&language, i32::try_from(year).unwrap_or(0), &name),
    )))
}

/// A fresh link to one of the viewer's finished reports (audited: every export is).
pub async fn link(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
    disposition: Disposition,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let (report, key) = own(&mut tx, viewer, id).await?;
    let Some(key) = key.filter(|_| report.status == "ready") else {
        return Err(AppError::NotFound);
    };
    let file_name = file_name(&report.language, report.year, &viewer.user.full_name);
    let spec = LinkSpec {
        firm_id: &viewer.user.firm_id,
        key: &key,
        mime: "application/pdf",
        file_name: &file_name,
        disposition,
        ttl_secs: state.config.storage.signed_url_ttl.as_secs(),
    };
    let target = Target::new("report", id);
    viewer
        .audited_link(state, tx, meta, &spec, Action::ReportLinkIssued, &target)
        .await
        .map_err(AppError::from)
}

/// Deletes one of the viewer's reports (not while it is being made), audited and
/// undoable for a while; the stored file goes when the deletion is final. Its
/// verification goes with it.
pub async fn delete(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
    t: &Texts,
) -> Result<(), AppError> {
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Delete,
    )?;
    let mut tx = state.db.begin().await?;
    let (report, _) = own(&mut tx, viewer, id).await?;
    if report.in_progress() {
        return Err(AppError::invalid("report", t.err_report_busy));
    }
    use crate::backend::undo::{self, Kind, Table};
    let label = t.report_title.replace("{year}", &report.year.to_string());
    let batch = undo::begin(
        &mut tx,
        &state.db.records,
        viewer,
        Kind::Report,
        &label,
        "/reports",
    )
    .await?;
    undo::stash(&mut tx, &batch, viewer, Table::Reports, "id", id)
        .await?
        .require_some()?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::ReportDeleted,
            &Target::new("report", id),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What anyone may learn about a finished report from its id: when, how many pages,
/// and the SHA-256 of the file. Nothing about the person.
/// What verification reads of a ready report: finished, pages, SHA-256, size.
type IssuedRow = (Option<i64>, Option<i64>, Option<String>, Option<i64>);

pub async fn verification(state: &AppState, id: &str) -> Result<Option<Verification>, AppError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Ok(None);
    }
    let row: Option<IssuedRow> = sqlx::query_as(
        "SELECT finished_at_us, pages, sha256, size_bytes FROM reports WHERE id = $1 AND status = 'ready'",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await
    ?;
    Ok(row.and_then(|(finished, pages, sha, size)| {
        Some(Verification {
            id: id.to_owned(),
            issued: Date::from_unix_days(finished?.div_euclid(86_400_000_000)).to_string(),
            pages: u32::try_from(pages?).ok()?,
            sha256: sha?,
            size_bytes: u64::try_from(size?).ok()?,
        })
    }))
}

/// How long a report in the making may go without a sign of life before it counts as
/// cut off (its instance stopped). Making instances touch it every [`job::HEARTBEAT`].
pub const STALE_AFTER_MICROS: i64 = 120 * 1_000_000;

/// Marks failed the reports whose instance stopped while making them (no sign of life for
/// [`STALE_AFTER_MICROS`]) — of one person, or of everyone — so they can be made again.
/// Each is audited in its person's chain. Reports other running instances are making
/// are left alone.
pub async fn fail_stale(state: &AppState, user_id: Option<&str>) -> anyhow::Result<usize> {
    let now = crate::backend::db::now_micros();
    let mut tx = state.db.begin().await?;
    let gone: Vec<(String, String, String)> = sqlx::query_as(
        "UPDATE reports SET status = 'failed', problem = 'interrupted', finished_at_us = $1 \
         WHERE status IN ('queued', 'running') \
           AND (alive_at_us IS NULL OR alive_at_us < $2) \
           AND ($3 = '' OR user_id = $3) \
         RETURNING id, user_id, firm_id",
    )
    .bind(now)
    .bind(now - STALE_AFTER_MICROS)
    .bind(user_id.unwrap_or_default())
    .fetch_all(&mut *tx)
    .await?;
    for (id, user_id, firm_id) in &gone {
        crate::backend::audit::record(
            &mut tx,
            &crate::backend::audit::Actor::User {
                user_id: user_id.clone(),
                firm_id: firm_id.clone(),
            },
            Action::ReportFailed,
            &Target::new("report", id),
            &crate::backend::audit::Context::default(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(gone.len())
}

/// The years the viewer can make a report for: those the log offers, newest first.
pub async fn years(state: &AppState, viewer: &Viewer) -> Result<Vec<i32>, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let log = crate::backend::training::load(&mut conn, &state.db.records, &viewer.user).await?;
    Ok(log.years())
}
