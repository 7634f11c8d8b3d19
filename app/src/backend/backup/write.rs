//! `cpd-registry backup`: the database as one consistent snapshot (one read transaction),
//! every stored object (sealed under its firm's key, as in the store) and the audit
//! checkpoint file, streamed into one sealed archive. Memory stays flat: one row, or one
//! 64 KiB piece of an object, at a time.

use super::format::{FileHead, Frame, Header, Manifest, ObjectHead, Part, TableHead, Writer};
use super::keyring::{self, Keyring};
use super::progress::Progress;
use super::schema::{self, Kind, Table};
use super::{CHECKPOINT_FILE, Summary, master_check};
use crate::backend::config::Config;
use crate::backend::db::{Backend, Db, now_micros};
use crate::backend::storage::data_key::DataKey;
use crate::backend::storage::sealed::Sealer;
use crate::backend::storage::{self, Storage};
use anyhow::Context;
use base64::Engine as _;
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;
use tokio::io::AsyncReadExt;

/// One value of a row, as the archive carries it (JSON; blobs as base64).
fn value(
    row: &sqlx::any::AnyRow,
    index: usize,
    kind: Kind,
    backend: Backend,
) -> anyhow::Result<serde_json::Value> {
    use serde_json::Value;
    Ok(match kind {
        Kind::Text => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::from),
        Kind::Int => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Value::Null, Value::from),
        // SQLite keeps booleans as integers.
        Kind::Bool if backend == Backend::Sqlite => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Value::Null, |v| Value::from(v != 0)),
        Kind::Bool => row
            .try_get::<Option<bool>, _>(index)?
            .map_or(Value::Null, Value::from),
        Kind::Real => row
            .try_get::<Option<f64>, _>(index)?
            .map_or(Value::Null, Value::from),
        Kind::Blob => row
            .try_get::<Option<Vec<u8>>, _>(index)?
            .map_or(Value::Null, |b| {
                Value::from(base64::engine::general_purpose::STANDARD.encode(b))
            }),
    })
}

/// Writes the archive to `path` (through a file beside it, renamed into place once whole).
pub async fn write(
    db: &Db,
    storage: &Storage,
    config: &Config,
    path: &Path,
    progress: &mut Progress,
) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let master = config.secrets.app_secret.expose();
    let key = super::archive_key(config);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let partial = super::partial_path(path);
    let file = super::create_private(&partial)
        .await
        .with_context(|| format!("creating {}", partial.display()))?;
    let result = write_into(db, storage, config, master, &key, file, progress).await;
    match result {
        Ok((summary, file)) => {
            file.sync_all().await.context("syncing the archive")?;
            tokio::fs::rename(&partial, path)
                .await
                .with_context(|| format!("putting {} in place", path.display()))?;
            Ok(Summary {
                seconds: started.elapsed().as_secs_f64(),
                ..summary
            })
        }
        Err(error) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(error)
        }
    }
}

async fn write_into(
    db: &Db,
    storage: &Storage,
    config: &Config,
    master: &[u8; 32],
    key: &DataKey,
    file: tokio::fs::File,
    progress: &mut Progress,
) -> anyhow::Result<(Summary, tokio::fs::File)> {
    let mut out = Writer::start(tokio::io::BufWriter::with_capacity(256 * 1024, file), key).await?;
    let mut manifest = Manifest::default();
    let mut summary = Summary::default();

    // One read transaction: every table as of one moment.
    let mut tx = match db.backend {
        Backend::Postgres => {
            db.pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
        Backend::Sqlite => db.pool.begin().await?,
    };
    let tables = schema::tables(db, &mut tx).await?;
    let version = schema::version(&mut tx).await?;
    let mut counts = BTreeMap::new();
    let mut total_rows = 0u64;
    for table in &tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", table.name))
            .fetch_one(&mut *tx)
            .await?;
        let n = u64::try_from(n).unwrap_or(0);
        total_rows += n;
        counts.insert(table.name.clone(), n);
    }
    let objects: Vec<String> = storage
        .list()
        .await
        .context("listing the stored objects")?
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| storage::our_key_firm(storage.key_prefix(), key).is_some())
        .collect();
    progress.totals(total_rows, objects.len() as u64);
    out.json(
        Frame::Header,
        &Header {
            created_at_us: now_micros(),
            source: db.backend.name().to_owned(),
            schema_version: version,
            master_check: master_check(master),
            rows: total_rows,
            objects: objects.len() as u64,
        },
    )
    .await?;

    let (archived, firm_keys) = archive_firm_keys(db, storage, master, &mut tx).await?;
    for table in &tables {
        let rows = dump_table(db.backend, &mut tx, table, &mut out, progress, &archived).await?;
        summary.rows += rows.count;
        manifest.tables.insert(table.name.clone(), rows);
    }
    tx.commit().await?;

    for object in &objects {
        let Some(firm) = storage::our_key_firm(storage.key_prefix(), object) else {
            continue;
        };
        let Some(firm_key) = firm_keys.get(firm) else {
            // An object of a firm that has no key (or no row, or whose archive key is
            // destroyed) is unreadable to anyone: the sweep removes it; a backup has
            // nothing to keep of it.
            summary.skipped_objects += 1;
            continue;
        };
        match dump_object(storage, object, firm, firm_key, &mut out).await? {
            None if still_stored(storage, object).await? => {
                anyhow::bail!(
                    "the stored file {object} could not be read: the backup is not complete"
                )
            }
            Some(part) => {
                summary.objects += 1;
                summary.object_bytes += part.count;
                manifest.objects.insert(object.clone(), part);
            }
            None => summary.skipped_objects += 1,
        }
        progress.objects_done(1, out.written());
    }

    if let Some(part) = dump_file(&config.audit.checkpoint_file, &mut out).await? {
        manifest.files.insert(CHECKPOINT_FILE.to_owned(), part);
    }
    out.json(Frame::Manifest, &manifest).await?;
    summary.bytes = out.written();
    let file = out.finish().await?.into_inner();
    progress.finish(summary.bytes);
    Ok((summary, file))
}

/// Each firm's data key as the archive carries it (wrapped under the firm's archive key
/// from the keyring, never under the master key), by firm; and the data keys themselves,
/// for the firm's objects. A firm whose key is gone by now (purged since the snapshot
/// began) travels without one: the restore leaves it out.
async fn archive_firm_keys(
    db: &Db,
    storage: &Storage,
    master: &[u8; 32],
    snapshot: &mut sqlx::AnyConnection,
) -> anyhow::Result<(ArchivedKeys, BTreeMap<String, DataKey>)> {
    let keyring = Keyring::new(storage, master);
    let firms: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, data_key FROM firms WHERE data_key IS NOT NULL")
            .fetch_all(&mut *snapshot)
            .await?;
    let mut archived = BTreeMap::new();
    let mut keys = BTreeMap::new();
    for (firm, wrapped) in firms {
        let Some(data_key) = wrapped.and_then(|w| DataKey::unwrap(&w, master, &firm)) else {
            tracing::warn!(firm = %firm, "a firm's data key does not unwrap: its data cannot be archived");
            archived.insert(firm, None);
            continue;
        };
        let archive_key = match keyring.get(&firm).await? {
            Some(key) => Some(key),
            // A firm's first archive makes its entry, unless its key went meanwhile (an
            // entry made for a purged firm would outlive the purge until the sweep).
            None if still_keyed(db, &firm).await? => {
                Some(keyring.get_or_put(&firm, DataKey::generate()).await?)
            }
            None => None,
        };
        let Some(archive_key) = archive_key else {
            archived.insert(firm, None);
            continue;
        };
        archived.insert(
            firm.clone(),
            Some(keyring::archived_form(&data_key, &archive_key, &firm)),
        );
        keys.insert(firm, data_key);
    }
    Ok((archived, keys))
}

/// `firms.data_key` as each archived row carries it, by firm id.
type ArchivedKeys = BTreeMap<String, Option<String>>;

/// Whether the firm has its data key now (outside the snapshot).
async fn still_keyed(db: &Db, firm: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM firms WHERE id = $1 AND data_key IS NOT NULL",
    )
    .bind(firm)
    .fetch_one(&db.pool)
    .await?
        > 0)
}

async fn dump_table<W: tokio::io::AsyncWrite + Unpin>(
    backend: Backend,
    conn: &mut sqlx::AnyConnection,
    table: &Table,
    out: &mut Writer<W>,
    progress: &mut Progress,
    archived: &ArchivedKeys,
) -> anyhow::Result<Part> {
    out.json(
        Frame::Table,
        &TableHead {
            name: table.name.clone(),
            columns: table.columns.iter().map(|(name, _)| name.clone()).collect(),
        },
    )
    .await?;
    let keys_at = (table.name == "firms")
        .then(|| {
            let at = |name: &str| table.columns.iter().position(|(c, _)| c == name);
            at("id").zip(at("data_key"))
        })
        .flatten();
    let sql = format!("SELECT {} FROM \"{}\"", table.column_list(), table.name);
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    let mut hash = Sha256::new();
    let mut count = 0u64;
    while let Some(row) = rows
        .try_next()
        .await
        .with_context(|| format!("reading {}", table.name))?
    {
        let mut values = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| value(&row, i, *kind, backend))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if let Some((id, key)) = keys_at {
            // The master-key form never leaves the database.
            let firm = values[id].as_str().unwrap_or_default();
            values[key] = archived
                .get(firm)
                .cloned()
                .flatten()
                .map_or(serde_json::Value::Null, serde_json::Value::from);
        }
        let bytes = serde_json::to_vec(&values)?;
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(&bytes);
        out.frame(Frame::Row, &bytes).await?;
        count += 1;
        progress.rows_done(1, out.written());
    }
    Ok(Part {
        count,
        sha256: hex::encode(hash.finalize()),
    })
}

/// Whether `key` is still in the store (an object that failed to open may only have been
/// deleted since it was listed, as deletions remove the row first and the file after).
async fn still_stored(storage: &Storage, key: &str) -> anyhow::Result<bool> {
    Ok(storage.list().await?.iter().any(|(k, _)| k == key))
}

/// An object, sealed again under its firm's key on its way into the archive; `None` when
/// it could not be opened (gone since it was listed, or unreadable: the caller decides).
async fn dump_object<W: tokio::io::AsyncWrite + Unpin>(
    storage: &Storage,
    key: &str,
    firm: &str,
    firm_key: &DataKey,
    out: &mut Writer<W>,
) -> anyhow::Result<Option<Part>> {
    let mut plain = match storage.get(key, firm_key).await {
        Ok(stream) => stream,
        Err(error) => {
            tracing::warn!(key, error = %format!("{error:#}"), "an object listed for the backup could not be opened");
            return Ok(None);
        }
    };
    out.json(
        Frame::Object,
        &ObjectHead {
            key: key.to_owned(),
            firm_id: firm.to_owned(),
        },
    )
    .await?;
    let (mut sealer, head) = Sealer::new(firm_key, key);
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let emit =
        async |out: &mut Writer<W>, bytes: Vec<u8>, hash: &mut Sha256| -> anyhow::Result<()> {
            if !bytes.is_empty() {
                hash.update(&bytes);
                out.frame(Frame::Data, &bytes).await?;
            }
            Ok(())
        };
    emit(out, head, &mut hash).await?;
    while let Some(chunk) = plain
        .try_next()
        .await
        .with_context(|| format!("reading object {key}"))?
    {
        size += chunk.len() as u64;
        emit(out, sealer.push(&chunk), &mut hash).await?;
    }
    emit(out, sealer.finish(), &mut hash).await?;
    out.frame(Frame::End, &size.to_be_bytes()).await?;
    Ok(Some(Part {
        count: size,
        sha256: hex::encode(hash.finalize()),
    }))
}

/// A file beside the database (the audit checkpoints), if it is there.
async fn dump_file<W: tokio::io::AsyncWrite + Unpin>(
    path: &Path,
    out: &mut Writer<W>,
) -> anyhow::Result<Option<Part>> {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    out.json(
        Frame::File,
        &FileHead {
            name: CHECKPOINT_FILE.to_owned(),
        },
    )
    .await?;
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hash.update(&buffer[..n]);
        out.frame(Frame::Data, &buffer[..n]).await?;
    }
    out.frame(Frame::End, &size.to_be_bytes()).await?;
    Ok(Some(Part {
        count: size,
        sha256: hex::encode(hash.finalize()),
    }))
}
