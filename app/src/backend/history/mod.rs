//! Bringing a history along: a person who joins another firm (or starts alone) uploads the
//! ZIP that "Download all my data" made and gets their courses, leave, exemptions and
//! certificates back. [`stage`] checks the archive ([`archive::check`]: the published
//! schema, every course as the log's form checks it, every certificate present with the
//! hash it states), keeps it sealed and says what it would add; nothing is added until the
//! person confirms ([`confirm`]). The records are then added in one transaction, courses
//! already in the log skipped, and every certificate goes through the same inspection as
//! an upload, in the background under the session that confirmed, with progress.

pub mod archive;

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::challenge::Micros;
use crate::backend::auth::viewer::Viewer;
use crate::backend::auth::{session, users};
use crate::backend::certificates::upload::{self, Outcome, UploadError};
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::Field;
use crate::backend::state::AppState;
use crate::backend::storage::spool::SpoolWriter;
use crate::backend::storage::{firm_key, new_object_key};
use crate::i18n::Lang;
use crate::model::{HistoryImportView, HistorySummary};
use anyhow::Context;
use archive::Unreadable;
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The largest archive taken (a career of scanned certificates).
pub const MAX_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// A staged archive not confirmed within this long is removed with its file (and one whose
/// bringing in stopped, a restart say, is failed and its file removed).
const STAGED_FOR: Micros = 86_400 * 1_000_000;
/// Archives checked at once on an instance (each inflates and hashes every certificate).
static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
/// Histories brought in at once on an instance: their certificates take upload slots one at
/// a time, so the firms' own uploads always find the others free.
static BRINGING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// What makes two courses the same one (a course already in the log is not added again).
type CourseKey = (String, String, u32, &'static str, String);

fn course_key(e: &domain::ValidEntry) -> CourseKey {
    (
        e.date.to_string(),
        e.title.clone(),
        e.hours.quarters(),
        e.category.as_str(),
        e.provider.clone(),
    )
}

/// Checks the archive in the temporary file `path` (`size` bytes), keeps it sealed in
/// storage and records what it would add; its id. Nothing of the person's log changes.
pub async fn stage(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    path: &Path,
    size: u64,
) -> Result<String, AppError> {
    let t = lang.texts();
    // Counted, one at a time per person, and only so many checked at once: checking costs.
    let mut tx = state.db.begin().await?;
    let allowed = crate::backend::auth::rate_limit::hit(
        &mut tx,
        crate::backend::auth::rate_limit::HISTORY_UPLOADS_PER_PERSON,
        &viewer.user.id,
        now_micros(),
    )
    .await?;
    tx.commit().await?;
    if let Err(wait) = allowed {
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM history_imports WHERE user_id = $1 AND status IN ('staged', 'running')",
    )
    .bind(&viewer.user.id)
    .fetch_one(&state.db.pool)
    .await?;
    if waiting > 0 {
        return Err(AppError::invalid("file", t.history_one_at_a_time));
    }
    let _checking = CHECKS.acquire().await.map_err(anyhow::Error::from)?;
    let max_file = state.config.uploads.max_bytes;
    let today = crate::backend::account::today();
    let owned = path.to_path_buf();
    let checked = tokio::task::spawn_blocking(move || archive::check(&owned, max_file, today))
        .await
        .map_err(anyhow::Error::from)?;
    let checked = checked.map_err(|why| {
        let message = match why {
            Unreadable::NotZip => t.history_not_zip.to_owned(),
            Unreadable::NoData => t.history_no_data.to_owned(),
            Unreadable::Schema(detail) => t.history_schema.replace("{detail}", &detail),
            Unreadable::Course(course) => t.history_course.replace("{course}", &course),
            Unreadable::Certificate(name) => t.history_certificate.replace("{name}", &name),
            Unreadable::TooMany => t.history_too_many.to_owned(),
        };
        AppError::invalid("file", message)
    })?;
    let mut conn = state.db.pool.acquire().await?;
    let current =
        crate::backend::training::load(&mut conn, &state.db.records, &viewer.user).await?;
    let have: HashSet<CourseKey> = current
        .entries
        .iter()
        .filter_map(|e| e.draft().parse(today).ok())
        .map(|e| course_key(&e))
        .collect();
    let doc = &checked.document;
    let new_entries = checked
        .entries
        .iter()
        .filter(|e| !have.contains(&course_key(e)))
        .count();
    let mut leaves: HashSet<(&str, &str)> = current
        .leaves
        .iter()
        .map(|c| (c.from.as_str(), c.to.as_str()))
        .collect();
    let leaves_new = doc
        .leave
        .iter()
        .filter(|l| leaves.insert((l.from.as_str(), l.to.as_str())))
        .count();
    let summary = HistorySummary {
        from_name: doc.profile.full_name.clone(),
        courses_new: new_entries as u32,
        courses_known: (checked.entries.len() - new_entries) as u32,
        leaves_new: leaves_new as u32,
        exemptions_new: doc
            .exemptions
            .iter()
            .filter(|y| !current.exemptions.contains(y))
            .count() as u32,
        certificates: doc.certificates.len() as u32,
        certificate_bytes: doc.certificates.iter().map(|c| c.size_bytes).sum(),
        ..HistorySummary::default()
    };
    // The certificates must fit the firm's storage (decided again for each as it is stored).
    let used = crate::backend::certificates::quota::used(&mut conn, &viewer.user.firm_id).await?;
    if used.saturating_add(summary.certificate_bytes) > state.config.storage.firm_quota_bytes {
        return Err(AppError::invalid("file", t.history_quota));
    }
    let firm_key =
        firm_key::get_or_create(&mut conn, state.master_key(), &viewer.user.firm_id).await?;
    drop(conn);
    // Kept sealed like every stored file until it is confirmed or dropped.
    let id = new_id();
    let key = new_object_key(state.storage.as_ref(), &viewer.user.firm_id, &id);
    let mut spool =
        SpoolWriter::create_archive(state.storage.spool_dir(), &key, &firm_key, MAX_BYTES)
            .await
            .map_err(anyhow::Error::from)?;
    let mut reader = tokio::fs::File::open(path)
        .await
        .map_err(anyhow::Error::from)?;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = reader
            .read(&mut buffer)
            .await
            .map_err(anyhow::Error::from)?;
        if n == 0 {
            break;
        }
        spool
            .write(&buffer[..n])
            .await
            .map_err(|_| AppError::invalid("file", t.history_not_zip))?;
    }
    let spool = spool.finish().await.map_err(anyhow::Error::from)?;
    state
        .storage
        .put(spool, &firm_key, "application/zip")
        .await?;
    let mut tx = state.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO history_imports (id, user_id, firm_id, status, object_key, size_bytes, summary, created_at_us) \
         VALUES ($1, $2, $3, 'staged', $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(&viewer.user.firm_id)
    .bind(&key)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    // It names the person and their files: sealed like the rows it will become.
    .bind(
        state
            .db
            .records
            .firm_in(&state.db.pool, &viewer.user.firm_id)
            .await?
            .seal(
                Field::HistorySummary,
                &id,
                &serde_json::to_string(&summary).map_err(anyhow::Error::from)?,
            ),
    )
    .bind(now_micros())
    .execute(&mut *tx)
    .await;
    if let Err(error) = inserted {
        drop(tx);
        crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key)).await;
        return Err(match error {
            // Another upload of theirs got in first (the one-at-a-time index).
            sqlx::Error::Database(e) if e.is_unique_violation() => {
                AppError::invalid("file", t.history_one_at_a_time)
            }
            other => AppError::from(other),
        });
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::HistoryStaged,
            &Target::new("history_import", &id),
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    status: String,
    summary: String,
    steps_done: i64,
    steps_total: i64,
    object_key: Option<String>,
    session_hash: Option<String>,
    user_id: String,
}

const COLUMNS: &str =
    "id, status, summary, steps_done, steps_total, object_key, session_hash, user_id";

/// One of the viewer's imports, as the data page shows it.
pub async fn get(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<HistoryImportView, AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM history_imports WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&state.db.pool)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let summary = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?
        .open(Field::HistorySummary, &row.id, &row.summary)?;
    Ok(HistoryImportView {
        id: row.id,
        status: row.status,
        summary: serde_json::from_str(&summary).unwrap_or_default(),
        steps_done: u32::try_from(row.steps_done).unwrap_or(0),
        steps_total: u32::try_from(row.steps_total).unwrap_or(0),
    })
}

/// Drops a staged import and its file; nothing was added.
pub async fn cancel(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let key: Option<Option<String>> = sqlx::query_scalar(
        "DELETE FROM history_imports WHERE id = $1 AND user_id = $2 AND status = 'staged' RETURNING object_key",
    )
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(key) = key else {
        return Err(AppError::NotFound);
    };
    viewer
        .audit(
            &mut tx,
            meta,
            Action::HistoryCancelled,
            &Target::new("history_import", id),
        )
        .await?;
    tx.commit().await?;
    crate::backend::storage::remove_objects(&state.storage, &key.into_iter().collect::<Vec<_>>())
        .await;
    Ok(())
}

/// The person confirms: the import starts in the background, acting under this session.
pub async fn confirm(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<(), AppError> {
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let started = sqlx::query(
        "UPDATE history_imports SET status = 'running', session_hash = $3 \
         WHERE id = $1 AND user_id = $2 AND status = 'staged'",
    )
    .bind(id)
    .bind(&viewer.user.id)
    .bind(&viewer.session.id_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if started == 0 {
        return Err(AppError::NotFound);
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::HistoryConfirmed,
            &Target::new("history_import", id),
        )
        .await?;
    tx.commit().await?;
    let (state, id, meta) = (state.clone(), id.to_owned(), meta.clone());
    tokio::spawn(async move {
        if let Err(error) = run(&state, &id, &meta).await {
            // The cause, never the archive's content (titles, file names).
            tracing::error!(error = format!("{error:#}"), import = %id, "a history import failed");
            if let Err(error) = fail(&state, &id).await {
                tracing::error!(error = format!("{error:#}"), "marking an import failed");
            }
        }
    });
    Ok(())
}

/// Marks an import failed and removes its archive: nothing more is brought in from it.
async fn fail(state: &AppState, id: &str) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    let key: Option<Option<String>> = sqlx::query_scalar(
        "SELECT object_key FROM history_imports WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE history_imports SET status = 'failed', finished_at_us = $2, object_key = NULL \
         WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(now_micros())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(Some(key)) = key {
        crate::backend::storage::remove_objects(&state.storage, &[key]).await;
    }
    Ok(())
}

async fn run(state: &AppState, id: &str, meta: &RequestMeta) -> anyhow::Result<()> {
    let _bringing = BRINGING.acquire().await?;
    let mut conn = state.db.pool.acquire().await?;
    let row: Row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM history_imports WHERE id = $1 AND status = 'running'"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .context("the import is gone")?;
    // Under the session that confirmed: signed out meanwhile, nothing more is done.
    let now = now_micros();
    let session = session::by_hash(
        &mut conn,
        &state.db.records,
        row.session_hash.as_deref().unwrap_or(""),
        now,
    )
    .await?
    .context("the session that confirmed the import has ended")?;
    let user = users::by_id(&mut conn, &state.db.records, &row.user_id)
        .await?
        .filter(|u| u.status == domain::AccountStatus::Active)
        .context("the import's person is gone")?;
    anyhow::ensure!(
        session.user_id.as_deref() == Some(user.id.as_str()),
        "another person's session"
    );
    let viewer = Viewer {
        pending_second_factor: !session.second_factor_ok,
        session,
        user,
    };
    let key = row.object_key.clone().context("the import has no file")?;
    let firm_key =
        firm_key::get_or_create(&mut conn, state.master_key(), &viewer.user.firm_id).await?;
    drop(conn);
    // Back into a temporary file to read it as a ZIP (named as a spool, so the sweep
    // removes one a crash left behind).
    let temp = tempfile::Builder::new()
        .suffix(".spool")
        .tempfile_in(state.storage.spool_dir())?;
    let mut out = tokio::fs::File::create(temp.path()).await?;
    let mut stream = state.storage.get(&key, &firm_key).await?;
    while let Some(chunk) = stream.next().await {
        out.write_all(&chunk?).await?;
    }
    out.flush().await?;
    drop(out);
    let path = temp.path().to_path_buf();
    let max_file = state.config.uploads.max_bytes;
    let today = crate::backend::account::today();
    let checked = {
        let path = path.clone();
        // Checked whole when staged, and sealed since: its certificates are not hashed
        // again (each is inspected as it is brought in).
        tokio::task::spawn_blocking(move || archive::read(&path, today).map(|(c, _)| c)).await?
    }
    .map_err(|_| anyhow::anyhow!("the stored archive no longer reads"))?;
    let doc = &checked.document;
    sqlx::query("UPDATE history_imports SET steps_total = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::try_from(doc.certificates.len() + 1)?)
        .execute(&state.db.pool)
        .await?;

    // The records, in one transaction: courses already in the log are matched, not added.
    let mut tx = state.db.begin().await?;
    let current = crate::backend::training::load(&mut tx, &state.db.records, &viewer.user).await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let mut existing: HashMap<CourseKey, String> = HashMap::new();
    for e in &current.entries {
        let draft = e.draft();
        if let Ok(valid) = draft.parse(today) {
            existing.entry(course_key(&valid)).or_insert(e.id.clone());
        }
    }
    let mut summary = HistorySummary::default();
    // The archive's entry id → the entry its certificates go to here.
    let mut entry_of: HashMap<String, String> = HashMap::new();
    for (doc_entry, valid) in doc.entries.iter().zip(&checked.entries) {
        let key = course_key(valid);
        let here = match existing.get(&key) {
            Some(id) => {
                summary.courses_known += 1;
                id.clone()
            }
            None => {
                let new = crate::backend::training::entries::insert(
                    &mut tx,
                    &state.db.records,
                    &viewer,
                    valid,
                )
                .await?;
                viewer
                    .audit(
                        &mut tx,
                        meta,
                        Action::EntryCreated,
                        &Target::new("entry", &new),
                    )
                    .await?;
                existing.insert(key, new.clone());
                summary.courses_new += 1;
                new
            }
        };
        entry_of.insert(doc_entry.id.clone(), here);
    }
    let mut leaves: HashSet<(String, String)> = current
        .leaves
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    for l in &doc.leave {
        // Once each, though the archive or the log may have it already.
        if !leaves.insert((l.from.clone(), l.to.clone())) {
            continue;
        }
        let (from, to, reason) =
            crate::backend::training::leaves::validate(&l.from, &l.to, &l.reason, Lang::En)
                .map_err(|_| anyhow::anyhow!("a leave period of the archive is not valid"))?;
        crate::backend::training::leaves::insert(
            &mut tx,
            &seal,
            &new_id(),
            &viewer.user.id,
            (from, to, &reason),
        )
        .await?;
        summary.leaves_new += 1;
    }
    for year in &doc.exemptions {
        let n = sqlx::query(
            "INSERT INTO exemptions (user_id, year, kind, created_at_us) VALUES ($1, $2, 'age-70', $3) \
             ON CONFLICT (user_id, year, kind) DO NOTHING",
        )
        .bind(&viewer.user.id)
        .bind(i64::from(*year))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        summary.exemptions_new += u32::try_from(n).unwrap_or(0);
    }
    // What the calculator needs of the profile, where this profile does not say it yet.
    let p = &doc.profile;
    let title = domain::Title::parse(&p.title).map(domain::Title::as_str);
    let rule_set = crate::backend::account::RULE_SETS
        .iter()
        .copied()
        .find(|r| *r == p.rule_set);
    sqlx::query(
        "UPDATE users SET \
           full_name = CASE WHEN full_name = '' THEN $2 ELSE full_name END, \
           admission_date = COALESCE(admission_date, $3), \
           birth_date = COALESCE(birth_date, $4), \
           title = CASE WHEN profile_completed = 0 AND $5 <> '' THEN $5 ELSE title END, \
           rule_set = CASE WHEN profile_completed = 0 AND $6 <> '' THEN $6 ELSE rule_set END \
         WHERE id = $1",
    )
    .bind(&viewer.user.id)
    .bind(seal.seal(Field::UserName, &viewer.user.id, p.full_name.trim()))
    .bind(
        seal.seal_opt(
            Field::UserAdmissionDate,
            &viewer.user.id,
            p.admission_date
                .as_deref()
                .filter(|d| domain::Date::parse(d).is_ok()),
        ),
    )
    .bind(
        seal.seal_opt(
            Field::UserBirthDate,
            &viewer.user.id,
            p.birth_date
                .as_deref()
                .filter(|d| domain::Date::parse(d).is_ok()),
        ),
    )
    .bind(title.unwrap_or(""))
    .bind(rule_set.unwrap_or(""))
    .execute(&mut *tx)
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EntriesImported,
            &Target::new("history_import", id),
        )
        .await?;
    tx.commit().await?;
    step(state, id, 1).await?;

    // Every certificate through the upload's own inspection, one at a time.
    for (i, c) in doc.certificates.iter().enumerate() {
        let Some(entry) = entry_of.get(&c.entry_id) else {
            continue;
        };
        // Still the person's live session, still an active account: signing out (or being
        // blocked, removed, or the firm closing) stops it between two files.
        let mut conn = state.db.pool.acquire().await?;
        let live = session::by_hash(
            &mut conn,
            &state.db.records,
            &viewer.session.id_hash,
            now_micros(),
        )
        .await?
        .is_some()
            && users::by_id(&mut conn, &state.db.records, &viewer.user.id)
                .await?
                .is_some_and(|u| u.status == domain::AccountStatus::Active);
        drop(conn);
        anyhow::ensure!(live, "the session that confirmed the import has ended");
        let bytes = {
            let (path, name) = (path.clone(), c.file.clone());
            tokio::task::spawn_blocking(move || archive::read_file(&path, &name, max_file))
                .await??
        };
        match bring_certificate(state, &viewer, meta, entry, &c.file_name, &bytes).await {
            Ok(Outcome::Stored { .. }) => summary.certificates += 1,
            Ok(Outcome::AlreadyAttached { .. }) => summary.certificates_known += 1,
            Err(UploadError::Refused(_)) => {
                summary.certificates_refused += 1;
                summary.refused_names.push(c.file_name.clone());
            }
            Err(UploadError::App(error)) => return Err(anyhow::anyhow!("{error:?}")),
        }
        step(state, id, i64::try_from(i + 2)?).await?;
    }
    drop(temp);
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE history_imports SET status = 'done', object_key = NULL, summary = $2, finished_at_us = $3, \
         steps_done = steps_total WHERE id = $1",
    )
    .bind(id)
    .bind(seal.seal(Field::HistorySummary, id, &serde_json::to_string(&summary)?))
    .bind(now_micros())
    .execute(&mut *tx)
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::HistoryImported,
            &Target::new("history_import", id),
        )
        .await?;
    tx.commit().await?;
    crate::backend::storage::remove_objects(&state.storage, &[key]).await;
    Ok(())
}

/// One certificate of the archive, as if uploaded to `entry` (inspected, scrubbed, sealed).
async fn bring_certificate(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    entry: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Outcome, UploadError> {
    // The upload slots are the firms' own: while they are all busy, wait (not fail).
    let mut waited = 0;
    let mut incoming = loop {
        match upload::begin_imported(state, viewer, entry, file_name).await {
            Err(UploadError::App(AppError::Busy { .. })) if waited < 60 => {
                waited += 1;
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
            other => break other?,
        }
    };
    for chunk in bytes.chunks(256 * 1024) {
        if let Err(error) = incoming.write(chunk).await {
            return Err(match error {
                UploadError::Refused(r) => upload::refuse(state, viewer, meta, entry, r).await,
                other => other,
            });
        }
    }
    upload::finish(state, viewer, meta, incoming).await
}

async fn step(state: &AppState, id: &str, done: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE history_imports SET steps_done = $2 WHERE id = $1")
        .bind(id)
        .bind(done)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Removes staged imports never confirmed, with their files, and fails imports stopped on
/// their way (a restart), removing their files; how many.
pub async fn remove_stale(state: &AppState, now: Micros) -> anyhow::Result<usize> {
    let stopped: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM history_imports WHERE status = 'running' AND created_at_us < $1 LIMIT 500",
    )
    .bind(now - STAGED_FOR)
    .fetch_all(&state.db.pool)
    .await?;
    for id in &stopped {
        fail(state, id).await?;
    }
    let stale: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, object_key FROM history_imports WHERE status = 'staged' AND created_at_us < $1 LIMIT 500",
    )
    .bind(now - STAGED_FOR)
    .fetch_all(&state.db.pool)
    .await?;
    let removed = crate::backend::storage::remove_rows_and_objects(
        &state.db,
        &state.storage,
        "DELETE FROM history_imports WHERE id = $1 AND status = 'staged'",
        stale,
    )
    .await?;
    Ok(stopped.len() + removed)
}
