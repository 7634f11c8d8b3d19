//! Making a report, off the request path: gather the person's year (the same data and
//! calculator as the dashboard), hand it with the decrypted certificates to the report
//! worker (`cpd-registry report`, a process of its own, see `server/src/report`), spool
//! the PDF it writes (sealed and hashed as it arrives), store it, and mark the row ready.
//!
//! A certificate that brings the worker down is blamed (the worker names the file it is
//! on before it touches it), left out with the reason, and the worker runs again: one
//! hostile file costs a retry, never the report. At most [`SLOTS`] reports are made at
//! once; the rest wait their turn.

use super::content::{self, Input, Subject};
use super::spec::{Exclusion, Progress, ReportSpec};
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::users;
use crate::backend::certificates;
use crate::backend::state::AppState;
use crate::backend::storage::data_key::DataKey;
use crate::backend::storage::spool::{Spool, SpoolWriter};
use crate::backend::storage::{firm_key, new_object_key};
use crate::i18n::Lang;
use crate::model::CertificateView;
use anyhow::Context;
use futures_util::StreamExt;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

/// Reports made at the same time (each worker is a process with its own memory).
pub static SLOTS: Semaphore = Semaphore::const_new(2);
/// How long one run of the worker may take, whatever it is doing.
pub const DEADLINE: Duration = Duration::from_secs(600);
/// The largest report we keep (and the most the worker is given).
const MAX_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// How often progress is written to the database while the worker runs.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// How often an instance says a report it is making (or has queued) is still alive.
pub const HEARTBEAT: Duration = Duration::from_secs(30);

/// Starts making a queued report in the background, saying it is alive while it waits
/// for a slot and while it is made.
pub fn spawn(state: AppState, id: String) {
    tokio::spawn(async move {
        let work = run(&state, &id);
        tokio::pin!(work);
        let mut beat = tokio::time::interval(HEARTBEAT);
        let result = loop {
            tokio::select! {
                result = &mut work => break result,
                _ = beat.tick() => {
                    if let Err(error) = alive(&state, &id).await {
                        tracing::warn!(error = format!("{error:#}"), report = %id, "report heartbeat");
                    }
                }
            }
        };
        if let Err(error) = result {
            tracing::error!(error = format!("{error:#}"), report = %id, "a report could not be made");
            if let Err(error) = failed(&state, &id).await {
                tracing::error!(error = format!("{error:#}"), report = %id, "marking a report failed");
            }
        }
    });
}

async fn alive(state: &AppState, id: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE reports SET alive_at_us = $2 WHERE id = $1 AND status IN ('queued', 'running')",
    )
    .bind(id)
    .bind(crate::backend::db::now_micros())
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

type CertRow = (CertificateView, String);

/// The year's certificates in the order of their entries (as the log lists them, sorted
/// by the opened titles), then of upload. One query, through the entries' index.
async fn year_certificates(
    conn: &mut sqlx::AnyConnection,
    records: &crate::backend::sealing::Records,
    firm_id: &str,
    log: &crate::model::LogData,
    user_id: &str,
    year: i32,
) -> anyhow::Result<Vec<CertRow>> {
    let columns: Vec<String> = certificates::COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect();
    let rows: Vec<certificates::Row> = sqlx::query_as(&format!(
        "SELECT {} FROM certificates c JOIN entries e ON e.id = c.entry_id \
         WHERE c.user_id = $1 AND e.user_id = $1 AND e.entry_date >= $2 AND e.entry_date <= $3 \
         ORDER BY c.created_at_us, c.id",
        columns.join(", ")
    ))
    .bind(user_id)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&mut *conn)
    .await?;
    let place: std::collections::HashMap<&str, usize> = log
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let seal = records.firm(conn, firm_id).await?;
    let mut certs: Vec<CertRow> = rows
        .into_iter()
        .map(|row| certificates::view(&seal, row))
        .collect::<anyhow::Result<_>>()?;
    // Stable: upload order is kept within an entry.
    certs.sort_by_key(|(c, _)| {
        place
            .get(c.entry_id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    Ok(certs)
}

async fn run(state: &AppState, id: &str) -> anyhow::Result<()> {
    let _slot = SLOTS.acquire().await?;
    let mut conn = state.db.pool.acquire().await?;
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT user_id, year, language FROM reports WHERE id = $1 AND status = 'queued'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user_id, year, language)) = row else {
        // Deleted or failed while it waited.
        return Ok(());
    };
    let year = i32::try_from(year)?;
    let user = users::by_id(&mut conn, &state.db.records, &user_id)
        .await?
        .context("the report's person is gone")?;
    let (firm_name, org_number): (String, String) =
        sqlx::query_as("SELECT name, org_number FROM firms WHERE id = $1")
            .bind(&user.firm_id)
            .fetch_one(&mut *conn)
            .await?;
    let log = crate::backend::training::load(&mut conn, &state.db.records, &user).await?;
    let certs = year_certificates(
        &mut conn,
        &state.db.records,
        &user.firm_id,
        &log,
        &user.id,
        year,
    )
    .await?;
    let firm_key = firm_key::get_or_create(&mut conn, state.master_key(), &user.firm_id).await?;
    drop(conn);

    let views: Vec<CertificateView> = certs.iter().map(|(c, _)| c.clone()).collect();
    let (mut spec, sources) = content::spec(&Input {
        report_id: id,
        year,
        lang: Lang::from_code(&language).unwrap_or_default(),
        subject: Subject {
            user: &user,
            firm_name: &firm_name,
            org_number: &org_number,
        },
        log: &log,
        certificates: &views,
        public_url: state.config.http.public_url.as_str(),
        today: crate::backend::account::today(),
    });
    // In the spec's order: only certificates of the courses the year counts.
    let certs: Vec<CertRow> = sources.into_iter().map(|i| certs[i].clone()).collect();
    sqlx::query(
        "UPDATE reports SET status = 'running', steps_done = 0, steps_total = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(i64::try_from(2 * certs.len() + 1)?)
    .execute(&state.db.pool)
    .await?;

    let key = new_object_key(state.storage.as_ref(), &user.firm_id, id);
    let done = loop {
        match attempt(state, id, &spec, &certs, &firm_key, &key).await? {
            Attempt::Done(done) => break done,
            Attempt::Blame(i, why)
                if spec
                    .certificates
                    .get(i)
                    .is_some_and(|c| c.excluded.is_none()) =>
            {
                tracing::warn!(report = %id, certificate = %certs[i].0.id, ?why, "a certificate is left out of a report");
                spec.certificates[i].excluded = Some(why);
            }
            Attempt::Blame(..) | Attempt::Failed => anyhow::bail!("the report worker failed"),
        }
    };
    let (size, sha256) = (done.spool.size, done.spool.sha256.clone());
    state
        .storage
        .put(done.spool, &firm_key, "application/pdf")
        .await?;
    let mut tx = state.db.begin().await?;
    // The report counts against the firm's quota like a certificate, decided under the
    // firm's lock as it is committed.
    if !certificates::quota::fits(
        &mut tx,
        &user.firm_id,
        size,
        state.config.storage.firm_quota_bytes,
    )
    .await?
    {
        drop(tx);
        crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key)).await;
        tracing::info!(report = %id, size, "a report did not fit in its firm's storage quota");
        return failed_with(state, id, "quota").await;
    }
    let stored = sqlx::query(
        "UPDATE reports SET status = 'ready', object_key = $2, size_bytes = $3, sha256 = $4, \
         pages = $5, left_out = $6, steps_done = steps_total, finished_at_us = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(&key)
    .bind(i64::try_from(size)?)
    .bind(&sha256)
    .bind(i64::try_from(done.pages)?)
    .bind(i64::try_from(done.left_out)?)
    .bind(crate::backend::db::now_micros())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The row went while the report was made (deleted, or its person purged): the file
    // goes too, and nothing is recorded of a report nobody has.
    if stored == 0 {
        drop(tx);
        crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key)).await;
        return Ok(());
    }
    audit::record(
        &mut tx,
        &Actor::User {
            user_id: user.id.clone(),
            firm_id: user.firm_id.clone(),
        },
        Action::ReportGenerated,
        &Target::new("report", id),
        &audit::Context::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a report failed and says so in its person's audit chain.
async fn failed(state: &AppState, id: &str) -> anyhow::Result<()> {
    failed_with(state, id, "failed").await
}

/// Marks a report failed for `problem` (`failed`, or `quota`: it did not fit in the
/// firm's storage), audited in its person's chain.
async fn failed_with(state: &AppState, id: &str, problem: &str) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    let owner: Option<(String, String)> = sqlx::query_as(
        "UPDATE reports SET status = 'failed', problem = $3, finished_at_us = $2 \
         WHERE id = $1 RETURNING user_id, firm_id",
    )
    .bind(id)
    .bind(crate::backend::db::now_micros())
    .bind(problem)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((user_id, firm_id)) = owner {
        audit::record(
            &mut tx,
            &Actor::User { user_id, firm_id },
            Action::ReportFailed,
            &Target::new("report", id),
            &audit::Context::default(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

struct Done {
    spool: Spool,
    pages: usize,
    left_out: usize,
}

enum Attempt {
    Done(Done),
    /// The worker stopped on certificate `i` (or its file could not be fetched).
    Blame(usize, Exclusion),
    Failed,
}

/// A length (u64, little-endian) and the bytes.
async fn write_frame(stdin: &mut tokio::process::ChildStdin, bytes: &[u8]) -> std::io::Result<()> {
    stdin.write_all(&(bytes.len() as u64).to_le_bytes()).await?;
    stdin.write_all(bytes).await
}

/// One run of the worker: feed it, collect the PDF, follow its progress.
async fn attempt(
    state: &AppState,
    id: &str,
    spec: &ReportSpec,
    certs: &[CertRow],
    firm_key: &DataKey,
    key: &str,
) -> anyhow::Result<Attempt> {
    let mut child = tokio::process::Command::new(&state.config.uploads.inspect_command)
        .arg("report")
        .arg("--max-bytes")
        .arg(MAX_BYTES.to_string())
        .arg("--sandbox")
        .arg(state.config.uploads.worker_sandbox.as_str())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| {
            format!(
                "starting the report worker {}",
                state.config.uploads.inspect_command.display()
            )
        })?;
    let (Some(mut stdin), Some(mut stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        anyhow::bail!("the report worker has no pipes");
    };

    // The spec, then each certificate's plaintext, streamed from storage.
    let feed = async move {
        let json = serde_json::to_vec(spec).map_err(|_| None)?;
        write_frame(&mut stdin, &json).await.map_err(|_| None)?;
        for (i, (cert, object)) in certs.iter().enumerate() {
            let stream = if spec.certificates[i].excluded.is_some() {
                None
            } else {
                state.storage.get(object, firm_key).await.ok()
            };
            let Some(mut stream) = stream else {
                write_frame(&mut stdin, &[]).await.map_err(|_| None)?;
                continue;
            };
            stdin
                .write_all(&cert.size_bytes.to_le_bytes())
                .await
                .map_err(|_| None)?;
            let mut sent = 0u64;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|_| Some(i))?;
                sent += chunk.len() as u64;
                stdin.write_all(&chunk).await.map_err(|_| None)?;
            }
            if sent != cert.size_bytes {
                return Err(Some(i));
            }
        }
        stdin.shutdown().await.map_err(|_| None)?;
        Ok::<(), Option<usize>>(())
    };

    // The PDF, sealed and hashed as it arrives.
    let collect = async move {
        let mut spool =
            SpoolWriter::create(state.storage.spool_dir(), key, firm_key, MAX_BYTES).await?;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = stdout.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            spool.write(&buffer[..n]).await?;
        }
        anyhow::Ok(spool.finish().await?)
    };

    // Progress: which certificate it is on (to blame a crash), and the share done.
    let watch = async move {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        let mut on: Option<usize> = None;
        let mut finished = None;
        let mut written = Instant::now() - PROGRESS_EVERY;
        while let Ok(Some(line)) = lines.next_line().await {
            match serde_json::from_str::<Progress>(&line) {
                Ok(Progress::Begin { certificate }) => on = Some(certificate),
                Ok(Progress::Step { done, total }) => {
                    on = None;
                    if written.elapsed() >= PROGRESS_EVERY || done == total {
                        written = Instant::now();
                        let _ = sqlx::query(
                            "UPDATE reports SET steps_done = $2, steps_total = $3 WHERE id = $1",
                        )
                        .bind(id)
                        .bind(i64::try_from(done).unwrap_or(0))
                        .bind(i64::try_from(total).unwrap_or(0))
                        .execute(&state.db.pool)
                        .await;
                    }
                }
                Ok(Progress::Finished { pages, left_out }) => finished = Some((pages, left_out)),
                // The worker's own words about a failure: for the operator's log only.
                Err(_) => {
                    tracing::warn!(report = %id, line = %line.chars().take(300).collect::<String>(), "report worker")
                }
            }
        }
        (on, finished)
    };

    let run = async {
        let (fed, spooled, (on, finished)) = tokio::join!(feed, collect, watch);
        let status = child.wait().await;
        (fed, spooled, on, finished, status)
    };
    let Ok((fed, spooled, on, finished, status)) = tokio::time::timeout(DEADLINE, run).await else {
        tracing::warn!(report = %id, "the report worker ran out of time");
        return Ok(Attempt::Failed);
    };
    if let Err(Some(i)) = fed {
        return Ok(Attempt::Blame(i, Exclusion::Missing));
    }
    match (status, spooled, finished) {
        (Ok(status), Ok(spool), Some((pages, left_out))) if status.success() => {
            Ok(Attempt::Done(Done {
                spool,
                pages,
                left_out,
            }))
        }
        (status, _, _) => {
            tracing::warn!(report = %id, ?status, certificate = ?on, "the report worker failed");
            Ok(match on {
                Some(i) => Attempt::Blame(i, Exclusion::Unreadable),
                None => Attempt::Failed,
            })
        }
    }
}
