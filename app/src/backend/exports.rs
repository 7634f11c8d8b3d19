//! "Download all my data": one ZIP with everything the registry holds about a person, made
//! off the request path, stored sealed like every other file, downloaded through a link
//! that expires within the hour, and removed after [`KEEP_DAYS`].
//!
//! Inside: `data.json` (the profile, courses, leave, exemptions, the certificates' and
//! reports' details and the calculator's answer for every year, described by the JSON
//! Schema in `docs/export-schema.json`), `entries.csv` (the log's own export format),
//! every certificate file as it was uploaded, every finished report, and a `README.txt` in
//! the person's language saying what is where.
//!
//! Memory stays flat however large the files: the ZIP is written by a blocking thread
//! from a bounded channel of chunks streamed out of storage, to a temporary file, which is
//! then streamed (sealed) into storage.

use crate::AppError;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::users::{self, User};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::backend::storage::spool::SpoolWriter;
use crate::backend::storage::{Disposition, LinkSpec, firm_key, new_object_key};
use crate::i18n::Lang;
use crate::model::{ExportView, LogData};
use anyhow::Context;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::io::Write;
use tokio::io::AsyncReadExt;

/// How long a finished export is kept before it is removed with its file.
pub const KEEP_DAYS: i64 = 7;
/// The version of `data.json`'s format (`docs/export-schema.json`).
pub const FORMAT_VERSION: u32 = 1;
/// The largest export kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Archives made at the same time (each reads every file of a person and writes a
/// temporary copy); the rest wait their turn, queued.
pub static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// An archive still queued or being made after this long was stopped (a restart): it is
/// failed, so the person can ask again.
const STALE_AFTER: i64 = 3600 * 1_000_000;

/// Fails archives stopped on their way (older than [`STALE_AFTER`] and not finished).
async fn fail_stale(conn: &mut sqlx::AnyConnection, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query(
        "UPDATE exports SET status = 'failed', finished_at_us = $1, expires_at_us = $2 \
         WHERE status IN ('queued', 'running') AND created_at_us < $3",
    )
    .bind(now)
    .bind(now + KEEP_DAYS * 86_400 * 1_000_000)
    .bind(now - STALE_AFTER)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Asks for a new export of the viewer's data, unless one is already being made; its id.
/// Everything about a person leaves in one file: the session confirms it is them first,
/// as for the other sensitive changes (a stolen session does not take it all quietly).
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<String, AppError> {
    crate::backend::auth::step_up::require(viewer, lang)?;
    let mut tx = state.db.begin().await?;
    fail_stale(&mut tx, now_micros()).await?;
    let busy: Option<String> = sqlx::query_scalar(
        "SELECT id FROM exports WHERE user_id = $1 AND status IN ('queued', 'running')",
    )
    .bind(&viewer.user.id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = busy {
        return Ok(id);
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO exports (id, user_id, firm_id, status, created_at_us) VALUES ($1, $2, $3, 'queued', $4)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(&viewer.user.firm_id)
    .bind(now_micros())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // Another request of theirs got in first (the one-at-a-time index): that one is it.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            let busy: Option<String> = sqlx::query_scalar(
                "SELECT id FROM exports WHERE user_id = $1 AND status IN ('queued', 'running')",
            )
            .bind(&viewer.user.id)
            .fetch_optional(&state.db.pool)
            .await?;
            return busy.ok_or(AppError::Busy {
                retry_after_secs: 2,
            });
        }
        Err(e) => return Err(AppError::from(e)),
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::ExportRequested,
            &Target::new("export", &id),
        )
        .await?;
    tx.commit().await?;
    spawn(state.clone(), id.clone());
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    id: String,
    status: String,
    steps_done: i64,
    steps_total: i64,
    size_bytes: Option<i64>,
    created_at_us: i64,
    expires_at_us: Option<i64>,
}

/// A finished report of the person, for the archive.
#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    year: i64,
    language: String,
    sha256: String,
    object_key: Option<String>,
    size_bytes: Option<i64>,
    created_at_us: i64,
}

/// The viewer's exports, newest first.
pub async fn list(state: &AppState, viewer: &Viewer) -> Result<Vec<ExportView>, AppError> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT id, status, steps_done, steps_total, size_bytes, created_at_us, expires_at_us \
         FROM exports WHERE user_id = $1 ORDER BY created_at_us DESC LIMIT 20",
    )
    .bind(&viewer.user.id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExportView {
            id: r.id,
            status: r.status,
            steps_done: u32::try_from(r.steps_done).unwrap_or(0),
            steps_total: u32::try_from(r.steps_total).unwrap_or(0),
            size_bytes: r
                .size_bytes
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or(0),
            created_at_us: r.created_at_us,
            expires: r.expires_at_us.map(crate::backend::erasure::due_day),
        })
        .collect())
}

/// A fresh link to one of the viewer's finished exports (audited: every download is).
pub async fn link(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let row: Option<(Option<String>, i64)> = sqlx::query_as(
        "SELECT object_key, created_at_us FROM exports WHERE id = $1 AND user_id = $2 AND status = 'ready'",
    )
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(key), created)) = row else {
        return Err(AppError::NotFound);
    };
    let file_name = download_name(created);
    let spec = LinkSpec {
        firm_id: &viewer.user.firm_id,
        key: &key,
        mime: "application/zip",
        file_name: &file_name,
        disposition: Disposition::Attachment,
        ttl_secs: state.config.storage.signed_url_ttl.as_secs(),
    };
    viewer
        .audited_link(
            state,
            tx,
            meta,
            &spec,
            Action::ExportLinkIssued,
            &Target::new("export", id),
        )
        .await
        .map_err(AppError::from)
}

/// A finished export stored under `key` in `firm_id`: its size and download name (for the
/// signed-link route, which serves only files that have a row).
pub async fn stored(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    firm_id: &str,
) -> anyhow::Result<Option<(u64, String)>> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT size_bytes, created_at_us FROM exports WHERE object_key = $1 AND firm_id = $2 AND status = 'ready'",
    )
    .bind(key)
    .bind(firm_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(size, created)| {
        (
            size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            download_name(created),
        )
    }))
}

fn download_name(created_at_us: i64) -> String {
    format!(
        "cpd-registry-data-{}.zip",
        crate::backend::erasure::due_day(created_at_us)
    )
}

/// Starts making a queued export in the background.
pub fn spawn(state: AppState, id: String) {
    tokio::spawn(async move {
        if let Err(error) = run(&state, &id).await {
            tracing::error!(error = format!("{error:#}"), export = %id, "an export could not be made");
            let now = now_micros();
            let failed = sqlx::query(
                "UPDATE exports SET status = 'failed', finished_at_us = $2, expires_at_us = $3 \
                 WHERE id = $1 AND status <> 'ready'",
            )
            .bind(&id)
            .bind(now)
            .bind(now + KEEP_DAYS * 86_400 * 1_000_000)
            .execute(&state.db.pool)
            .await;
            if let Err(error) = failed {
                tracing::error!(error = format!("{error:#}"), export = %id, "marking an export failed");
            }
        }
    });
}

/// One file of the archive, as the writer thread receives it.
enum Part {
    Start(String),
    Bytes(bytes::Bytes),
}

/// A certificate or report to put in the archive: its name inside, and its object.
struct Stored {
    name: String,
    key: String,
}

async fn run(state: &AppState, id: &str) -> anyhow::Result<()> {
    let _slot = SLOTS.acquire().await?;
    let mut conn = state.db.pool.acquire().await?;
    let user_id: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM exports WHERE id = $1 AND status = 'queued'")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(user_id) = user_id else {
        return Ok(());
    };
    let user = users::by_id(&mut conn, &user_id)
        .await?
        .context("the export's person is gone")?;
    let lang = Lang::from_code(&user.language).unwrap_or_default();
    let log = crate::backend::training::load(&mut conn, &user).await?;
    let certificates: Vec<crate::backend::certificates::Row> = sqlx::query_as(&format!(
        "SELECT {} FROM certificates WHERE user_id = $1 ORDER BY created_at_us, id",
        crate::backend::certificates::COLUMNS
    ))
    .bind(&user.id)
    .fetch_all(&mut *conn)
    .await?;
    let certificates: Vec<_> = certificates
        .into_iter()
        .map(crate::backend::certificates::view)
        .collect();
    let reports: Vec<ReportRow> = sqlx::query_as(
        "SELECT id, year, language, sha256, object_key, size_bytes, created_at_us FROM reports \
             WHERE user_id = $1 AND status = 'ready' ORDER BY year, created_at_us",
    )
    .bind(&user.id)
    .fetch_all(&mut *conn)
    .await?;
    let firm_key = firm_key::get_or_create(&mut conn, state.master_key(), &user.firm_id).await?;
    drop(conn);

    let mut files = Vec::new();
    let certificate_docs: Vec<Value> = certificates
        .iter()
        .map(|(c, key)| {
            // The whole id: two photos both called image.jpg stay two files.
            let name = format!("certificates/{}-{}", c.id, safe_name(&c.file_name));
            files.push(Stored { name: name.clone(), key: key.clone() });
            json!({
                "id": c.id, "entry_id": c.entry_id, "file_name": c.file_name, "mime": c.mime,
                "size_bytes": c.size_bytes, "sha256": c.sha256, "uploaded": c.uploaded, "file": name,
            })
        })
        .collect();
    let report_docs: Vec<Value> = reports
        .iter()
        .map(|r| {
            let name = format!("reports/{}-{}-{}.pdf", r.year, r.language, r.id);
            if let Some(key) = &r.object_key {
                files.push(Stored { name: name.clone(), key: key.clone() });
            }
            json!({
                "id": r.id, "year": r.year, "language": r.language, "sha256": r.sha256,
                "size_bytes": r.size_bytes, "created": crate::backend::erasure::due_day(r.created_at_us), "file": name,
            })
        })
        .collect();
    let data = document(&user, &log, certificate_docs, report_docs);
    let csv = crate::backend::training::import::export(&log.entries)?;

    let total = i64::try_from(files.len() + 3)?;
    sqlx::query(
        "UPDATE exports SET status = 'running', steps_done = 0, steps_total = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(total)
    .execute(&state.db.pool)
    .await?;

    // The archive is written by a blocking thread to a temporary file beside the spools;
    // the chunks reach it through a small bounded channel, so memory stays flat.
    let dir = state.storage.spool_dir().to_path_buf();
    // Named as a spool, so one left behind by a crash is removed by the sweep.
    let temp = tempfile::Builder::new()
        .suffix(".spool")
        .tempfile_in(&dir)
        .context("a temporary file for the export")?;
    let (path, file) = (temp.path().to_path_buf(), temp.reopen()?);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Part>(8);
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        while let Some(part) = rx.blocking_recv() {
            match part {
                Part::Start(name) => zip.start_file(name, options)?,
                Part::Bytes(bytes) => zip.write_all(&bytes)?,
            }
        }
        zip.finish()?.flush()?;
        Ok(())
    });
    let feed = async {
        let send = |part: Part| async {
            tx.send(part)
                .await
                .map_err(|_| anyhow::anyhow!("the export writer stopped"))
        };
        for (name, bytes) in [
            ("README.txt", readme(lang).into_bytes()),
            ("data.json", serde_json::to_vec_pretty(&data)?),
            ("entries.csv", csv.into_bytes()),
        ] {
            send(Part::Start(name.to_owned())).await?;
            send(Part::Bytes(bytes.into())).await?;
        }
        step(state, id, 3).await?;
        for (i, stored) in files.iter().enumerate() {
            send(Part::Start(stored.name.clone())).await?;
            let mut stream = state.storage.get(&stored.key, &firm_key).await?;
            while let Some(chunk) = stream.next().await {
                send(Part::Bytes(chunk?)).await?;
            }
            step(state, id, i64::try_from(i + 4)?).await?;
        }
        anyhow::Ok(())
    };
    let fed = feed.await;
    drop(tx);
    // The writer's own error (a full disk, say) says more than "it stopped".
    writer.await??;
    fed?;

    // Sealed into storage as it is read back.
    let key = new_object_key(state.storage.as_ref(), &user.firm_id, id);
    let mut spool =
        SpoolWriter::create_archive(state.storage.spool_dir(), &key, &firm_key, MAX_BYTES).await?;
    let mut reader = tokio::fs::File::open(&path).await?;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        spool.write(&buffer[..n]).await?;
    }
    drop(temp);
    let spool = spool.finish().await?;
    let size = spool.size;
    state
        .storage
        .put(spool, &firm_key, "application/zip")
        .await?;
    let now = now_micros();
    let mut db = state.db.begin().await?;
    let stored = sqlx::query(
        "UPDATE exports SET status = 'ready', object_key = $2, size_bytes = $3, steps_done = steps_total, \
         finished_at_us = $4, expires_at_us = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(&key)
    .bind(i64::try_from(size)?)
    .bind(now)
    .bind(now + KEEP_DAYS * 86_400 * 1_000_000)
    .execute(&mut *db)
    .await?
    .rows_affected();
    if stored == 0 {
        // Its person was purged meanwhile: nothing is kept of it.
        drop(db);
        crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key)).await;
        return Ok(());
    }
    audit::record(
        &mut db,
        &Actor::User {
            user_id: user.id.clone(),
            firm_id: user.firm_id.clone(),
        },
        Action::ExportMade,
        &Target::new("export", id),
        &audit::Context {
            firm_id: Some(user.firm_id.clone()),
            ip: None,
        },
    )
    .await?;
    db.commit().await?;
    Ok(())
}

async fn step(state: &AppState, id: &str, done: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE exports SET steps_done = $2 WHERE id = $1")
        .bind(id)
        .bind(done)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// A file name that is one plain path segment inside the archive.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.chars().take(120).collect()
    }
}

/// `data.json`: everything about the person, as `docs/export-schema.json` describes it.
fn document(user: &User, log: &LogData, certificates: Vec<Value>, reports: Vec<Value>) -> Value {
    // While the firm restricts the processing of the person's data, nothing is calculated
    // from it: the export carries the records, without a standing.
    let years: Vec<Value> = log
        .years()
        .into_iter()
        .filter(|_| log.restricted_since.is_none())
        .map(|year| {
            let r = log.evaluate(year, None);
            json!({
                "year": year,
                "status": r.status.as_str(),
                "required_hours": r.required.to_string(),
                "counted_hours": r.counted.to_string(),
                "shortfall_hours": r.shortfall.to_string(),
            })
        })
        .collect();
    json!({
        "format": "cpd-registry-export",
        "version": FORMAT_VERSION,
        "exported_at": crate::backend::firm_audit::timestamp(now_micros()),
        "profile": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "title": user.title,
            "rule_set": user.rule_set,
            "language": user.language,
            "admission_date": user.admission_date,
            "birth_date": user.birth_date,
        },
        "entries": log.entries.iter().map(|e| json!({
            "id": e.id, "date": e.date, "title": e.title, "provider": e.provider,
            "hours": e.hours().to_string(), "category": e.category, "verifiable": e.verifiable,
            "topic": if e.topic.is_empty() { Value::Null } else { Value::from(e.topic.clone()) },
            "notes": e.notes,
        })).collect::<Vec<_>>(),
        "leave": log.leaves.iter().map(|l| json!({
            "id": l.id, "from": l.from, "to": l.to, "reason": l.reason,
        })).collect::<Vec<_>>(),
        "exemptions": log.exemptions,
        "certificates": certificates,
        "reports": reports,
        "compliance": years,
    })
}

/// What is in the archive, in the person's language.
fn readme(lang: Lang) -> String {
    match lang {
        Lang::En => "Your data from CPD Registry\n\n\
            data.json      your profile, courses, leave, exemptions, the details of your\n\
            \x20              certificates and reports, and your standing in every year\n\
            \x20              (described by docs/export-schema.json, version 1)\n\
            entries.csv    your courses, in the format the log imports\n\
            certificates/  every certificate file as you uploaded it\n\
            reports/       every annual report you made (PDF)\n"
            .to_owned(),
        Lang::Sv => "Dina uppgifter från CPD Registry\n\n\
            data.json      din profil, dina kurser, din ledighet, undantag, uppgifter om\n\
            \x20              dina intyg och rapporter, och din ställning varje år\n\
            \x20              (beskrivs av docs/export-schema.json, version 1)\n\
            entries.csv    dina kurser, i det format loggen kan importera\n\
            certificates/  varje intyg som du laddade upp det\n\
            reports/       varje årsrapport du har skapat (PDF)\n"
            .to_owned(),
    }
}

/// Removes finished exports past their time, with their files; how many.
pub async fn remove_expired(state: &AppState, now: i64) -> anyhow::Result<usize> {
    let mut conn = state.db.pool.acquire().await?;
    fail_stale(&mut conn, now).await?;
    drop(conn);
    let expired: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, object_key FROM exports WHERE expires_at_us IS NOT NULL AND expires_at_us <= $1 LIMIT 500",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await?;
    let mut removed = 0;
    for (id, key) in expired {
        let gone = sqlx::query("DELETE FROM exports WHERE id = $1")
            .bind(&id)
            .execute(&state.db.pool)
            .await?
            .rows_affected();
        if gone > 0 {
            removed += 1;
            if let Some(key) = key {
                crate::backend::storage::remove_objects(&state.storage, &[key]).await;
            }
        }
    }
    Ok(removed)
}
