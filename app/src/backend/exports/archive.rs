//! Making an archive: its items are listed first (small files in memory, stored files and
//! the audit log as streams), then written by a blocking thread into a ZIP in a temporary
//! file from a small bounded channel, so memory stays flat however large the files; the ZIP
//! is then streamed, sealed, into storage.

use super::{KEEP_DAYS, MAX_BYTES, SLOTS, Scope};
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::users;
use crate::backend::db::now_micros;
use crate::backend::state::AppState;
use crate::backend::storage::spool::SpoolWriter;
use crate::backend::storage::{firm_key, new_object_key};
use crate::i18n::Lang;
use anyhow::Context;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use std::io::Write;
use tokio::io::AsyncReadExt;

/// One file of an archive: its name inside and where its bytes come from.
pub(super) struct Item {
    pub name: String,
    pub source: Source,
}

pub(super) enum Source {
    /// Made in memory (a README, `data.json`, a CSV).
    Bytes(Vec<u8>),
    /// A stored object of the archive's firm (a certificate, a report).
    Object(String),
    /// Made as it is written (the audit log).
    Stream(BoxStream<'static, anyhow::Result<bytes::Bytes>>),
}

impl Item {
    pub fn bytes(name: String, bytes: Vec<u8>) -> Item {
        Item {
            name,
            source: Source::Bytes(bytes),
        }
    }
}

/// One file of the archive, as the writer thread receives it.
enum Part {
    /// A new file: its name, and whether to compress it.
    Start(String, bool),
    Bytes(bytes::Bytes),
}

/// Whether a file is worth compressing: the text we write is; certificates and reports
/// (PDF, JPEG, PNG) are compressed already, and deflating them again would cost the time
/// and save nothing.
fn compressible(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(lower.ends_with(".pdf")
        || lower.ends_with(".jpg")
        || lower.ends_with(".jpeg")
        || lower.ends_with(".png"))
}

#[derive(sqlx::FromRow)]
struct Job {
    user_id: String,
    firm_id: String,
    #[sqlx(try_from = "String")]
    scope: Scope,
    subject_id: Option<String>,
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

async fn run(state: &AppState, id: &str) -> anyhow::Result<()> {
    let _slot = SLOTS.acquire().await?;
    let mut conn = state.db.pool.acquire().await?;
    let job: Option<Job> = sqlx::query_as(
        "SELECT user_id, firm_id, scope, subject_id FROM exports WHERE id = $1 AND status = 'queued'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(job) = job else {
        return Ok(());
    };
    let asker = users::by_id(&mut conn, &state.db.records, &job.user_id)
        .await?
        .context("the export's person is gone")?;
    // The README is in the language of whoever reads it: the one who asked.
    let lang = Lang::from_code(&asker.language).unwrap_or_default();
    let items = match job.scope {
        Scope::Person => {
            super::person::items(&mut conn, &state.db.records, &asker, "", lang).await?
        }
        Scope::Member => {
            let subject = users::by_id(
                &mut conn,
                &state.db.records,
                job.subject_id.as_deref().unwrap_or(""),
            )
            .await?
            .filter(|s| s.firm_id == job.firm_id)
            .context("the exported member is gone")?;
            super::person::items(&mut conn, &state.db.records, &subject, "", lang).await?
        }
        Scope::Firm => super::firm::items(&mut conn, state, &job.firm_id, lang).await?,
    };
    let firm_key = firm_key::get_or_create(&mut conn, state.master_key(), &job.firm_id).await?;
    drop(conn);

    let total = i64::try_from(items.len())?;
    sqlx::query(
        "UPDATE exports SET status = 'running', steps_done = 0, steps_total = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(total)
    .execute(&state.db.pool)
    .await?;

    // The archive is written by a blocking thread to a temporary file beside the spools;
    // named as a spool, so one left behind by a crash is removed by the sweep.
    let dir = state.storage.spool_dir().to_path_buf();
    let temp = tempfile::Builder::new()
        .suffix(".spool")
        .tempfile_in(&dir)
        .context("a temporary file for the export")?;
    let (path, file) = (temp.path().to_path_buf(), temp.reopen()?);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Part>(8);
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default().large_file(true);
        let deflated = options.compression_method(zip::CompressionMethod::Deflated);
        let stored = options.compression_method(zip::CompressionMethod::Stored);
        while let Some(part) = rx.blocking_recv() {
            match part {
                Part::Start(name, compress) => {
                    zip.start_file(name, if compress { deflated } else { stored })?
                }
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
        let mut done = 0;
        for item in items {
            let compress = compressible(&item.name);
            send(Part::Start(item.name, compress)).await?;
            match item.source {
                Source::Bytes(bytes) => send(Part::Bytes(bytes.into())).await?,
                Source::Object(key) => {
                    let mut stream = state.storage.get(&key, &firm_key).await?;
                    while let Some(chunk) = stream.next().await {
                        send(Part::Bytes(chunk?)).await?;
                    }
                }
                Source::Stream(mut stream) => {
                    while let Some(chunk) = stream.next().await {
                        send(Part::Bytes(chunk?)).await?;
                    }
                }
            }
            done += 1;
            // Progress for the page, not for every small file.
            if done % 8 == 0 || done == total {
                step(state, id, done).await?;
            }
        }
        anyhow::Ok(())
    };
    let fed = feed.await;
    drop(tx);
    // The writer's own error (a full disk, say) says more than "it stopped".
    writer.await??;
    fed?;

    // Sealed into storage as it is read back.
    let key = new_object_key(state.storage.as_ref(), &job.firm_id, id);
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
            user_id: job.user_id.clone(),
            firm_id: job.firm_id.clone(),
        },
        Action::ExportMade,
        &Target::new("export", id),
        &audit::Context {
            firm_id: Some(job.firm_id.clone()),
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
