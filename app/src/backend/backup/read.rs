//! `cpd-registry restore FILE`: first the whole archive is read and proven (every chunk
//! authenticated, every part against the manifest, the end present), writing nothing;
//! then, into an empty database of either backend, every row in one transaction and every
//! object into the store. A refused archive leaves the target as it was.

use super::format::{
    ArchiveError, FileHead, Frame, Header, Manifest, ObjectHead, Part, Reader, TableHead,
};
use super::keyring::{self, Keyring};
use super::progress::Progress;
use super::schema::{self, Kind};
use super::{CHECKPOINT_FILE, Summary, master_check};
use crate::backend::audit::{self, Action, Actor};
use crate::backend::config::Config;
use crate::backend::db::Db;
use crate::backend::storage::data_key::DataKey;
use crate::backend::storage::sealed::Opener;
use crate::backend::storage::spool::SpoolWriter;
use crate::backend::storage::{self, Storage};
use anyhow::Context;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// Why a restore stopped before it wrote anything.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "the target is not empty ({0}): restore into a new database and an empty store, never over live data"
    )]
    NotEmpty(String),
    #[error(
        "the archive was made at schema version {archive} and this program is at {here}: restore it with the version that made it"
    )]
    OtherVersion { archive: i64, here: i64 },
    #[error(
        "the archive was made under another APP_SECRET: set the master key it was made with (firm keys and audit signatures depend on it)"
    )]
    OtherSecret,
}

/// Where the rows and objects go in the second pass.
struct Target<'a> {
    tx: Option<sqlx::Transaction<'static, sqlx::Any>>,
    storage: &'a Storage,
    master: [u8; 32],
    columns: BTreeMap<String, BTreeMap<String, Kind>>,
    table: Option<(TableHead, Vec<Kind>)>,
    batch: Vec<Vec<serde_json::Value>>,
    firm_keys: BTreeMap<String, String>,
    /// The target store's keyring, and the one the archive's keys are read from when it is
    /// another (`restore --keys-from`).
    keyring: Keyring,
    keys_from: Option<Keyring>,
    /// Firms whose archive key is destroyed: their rows are left out, their objects too.
    shredded: BTreeSet<String>,
    records: std::sync::Arc<crate::backend::sealing::Records>,
    stored: Vec<String>,
    checkpoint_file: std::path::PathBuf,
    /// Object keys as the target store names them: its own prefix before `FIRM/OBJECT`
    /// (an archive from S3 restores into the local directory, and the other way round);
    /// every row value that names an old key names the new one.
    renamed: BTreeMap<String, String>,
}

/// One object or file being read.
enum Open {
    Object {
        head: ObjectHead,
        // Boxed: each holds a whole AES key schedule.
        opener: Option<Box<Opener>>,
        spool: Option<Box<SpoolWriter>>,
        firm_key: Option<DataKey>,
    },
    File {
        head: FileHead,
        out: Option<(tokio::fs::File, std::path::PathBuf)>,
    },
}

fn damaged(reader_at: u64) -> anyhow::Error {
    ArchiveError::Damaged(reader_at).into()
}

/// Ends the table being read: its part of what was seen. A table named twice is refused.
fn close_table(table: &mut Option<(String, Sha256, u64)>, seen: &mut Manifest) -> Result<(), ()> {
    if let Some((name, hash, count)) = table.take() {
        let part = Part {
            count,
            sha256: hex::encode(hash.finalize()),
        };
        if seen.tables.insert(name, part).is_some() {
            return Err(());
        }
    }
    Ok(())
}

/// Whether `key` is `PREFIX` `FIRM/OBJECT` with `FIRM` = `firm`, both UUIDs, and a prefix
/// `STORAGE_PREFIX` could be.
fn object_key_is_ours(key: &str, firm: &str) -> bool {
    let Some((before, object)) = key.rsplit_once('/') else {
        return false;
    };
    // The prefix keeps its `/`, as `STORAGE_PREFIX` is written.
    let (prefix, key_firm) = match before.rsplit_once('/') {
        Some((head, named)) => (&key[..=head.len()], named),
        None => ("", before),
    };
    key_firm == firm
        && uuid::Uuid::try_parse(key_firm).is_ok()
        && uuid::Uuid::try_parse(object).is_ok()
        && crate::backend::config::valid_storage_prefix(prefix)
}

/// Reads the archive through; with a target, writes it. Returns its header and what it held.
async fn walk(
    path: &Path,
    key: &DataKey,
    mut target: Option<&mut Target<'_>>,
    progress: &mut Progress,
) -> anyhow::Result<(Header, Summary, Manifest)> {
    let file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let mut reader =
        Reader::start(tokio::io::BufReader::with_capacity(256 * 1024, file), key).await?;
    let Some((Frame::Header, bytes)) = reader.next().await? else {
        return Err(damaged(reader.read_bytes()));
    };
    let header: Header =
        serde_json::from_slice(&bytes).map_err(|_| damaged(reader.read_bytes()))?;
    progress.totals(header.rows, header.objects);
    let mut seen = Manifest::default();
    let mut summary = Summary::default();
    let mut table: Option<(String, Sha256, u64)> = None;
    let mut open: Option<(Open, Sha256)> = None;
    let mut manifest: Option<Manifest> = None;
    let mut files_began = false;
    while let Some((kind, bytes)) = reader.next().await? {
        let at = reader.read_bytes();
        if manifest.is_some() {
            return Err(damaged(at));
        }
        match kind {
            Frame::Table => {
                // Tables come first, each once; then objects and files.
                if open.is_some() || files_began {
                    return Err(damaged(at));
                }
                close_table(&mut table, &mut seen).map_err(|()| damaged(at))?;
                let head: TableHead = serde_json::from_slice(&bytes).map_err(|_| damaged(at))?;
                if seen.tables.contains_key(&head.name) {
                    return Err(damaged(at));
                }
                if let Some(target) = target.as_deref_mut() {
                    target.start_table(head.clone()).await?;
                }
                table = Some((head.name, Sha256::new(), 0));
            }
            Frame::Row => {
                if open.is_some() {
                    return Err(damaged(at));
                }
                let (_, hash, count) = table.as_mut().ok_or_else(|| damaged(at))?;
                hash.update((bytes.len() as u64).to_be_bytes());
                hash.update(&bytes);
                *count += 1;
                summary.rows += 1;
                if let Some(target) = target.as_deref_mut() {
                    let values: Vec<serde_json::Value> =
                        serde_json::from_slice(&bytes).map_err(|_| damaged(at))?;
                    target.row(values).await?;
                }
                progress.rows_done(1, at);
            }
            Frame::Object | Frame::File => {
                close_table(&mut table, &mut seen).map_err(|()| damaged(at))?;
                if open.is_some() {
                    return Err(damaged(at));
                }
                files_began = true;
                let item = if kind == Frame::Object {
                    let head: ObjectHead =
                        serde_json::from_slice(&bytes).map_err(|_| damaged(at))?;
                    // Only a key of our shape, of the firm it names, once: nothing else in a
                    // bucket can be written by an archive.
                    if !object_key_is_ours(&head.key, &head.firm_id)
                        || seen.objects.contains_key(&head.key)
                    {
                        return Err(damaged(at));
                    }
                    match target.as_deref_mut() {
                        Some(target) => target.start_object(head).await?,
                        None => Open::Object {
                            head,
                            opener: None,
                            spool: None,
                            firm_key: None,
                        },
                    }
                } else {
                    let head: FileHead = serde_json::from_slice(&bytes).map_err(|_| damaged(at))?;
                    match target.as_deref_mut() {
                        Some(target) => target.start_file(head).await?,
                        None => Open::File { head, out: None },
                    }
                };
                open = Some((item, Sha256::new()));
            }
            Frame::Data => {
                let (item, hash) = open.as_mut().ok_or_else(|| damaged(at))?;
                hash.update(&bytes);
                match item {
                    Open::Object {
                        opener: Some(opener),
                        spool: Some(spool),
                        ..
                    } => {
                        let plain = opener.push(&bytes).map_err(|_| damaged(at))?;
                        if !plain.is_empty() {
                            spool
                                .write(&plain)
                                .await
                                .map_err(|e| anyhow::anyhow!("{e}"))?;
                        }
                    }
                    Open::File {
                        out: Some((file, _)),
                        ..
                    } => file.write_all(&bytes).await?,
                    _ => {}
                }
            }
            Frame::End => {
                let (item, hash) = open.take().ok_or_else(|| damaged(at))?;
                let size =
                    u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| damaged(at))?);
                let part = Part {
                    count: size,
                    sha256: hex::encode(hash.finalize()),
                };
                match item {
                    Open::Object {
                        head,
                        opener,
                        spool,
                        firm_key,
                    } => {
                        let left_out = target.is_some() && opener.is_none();
                        if let (Some(opener), Some(mut spool), Some(firm_key), Some(target)) =
                            (opener, spool, firm_key, target.as_deref_mut())
                        {
                            let last = opener.finish().map_err(|_| damaged(at))?;
                            if !last.is_empty() {
                                spool
                                    .write(&last)
                                    .await
                                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                            }
                            let key = target.key_here(&head.key);
                            target.put_object(&key, *spool, &firm_key).await?;
                        }
                        if left_out {
                            summary.skipped_objects += 1;
                        } else {
                            summary.objects += 1;
                            summary.object_bytes += size;
                        }
                        if seen.objects.insert(head.key, part).is_some() {
                            return Err(damaged(at));
                        }
                        progress.objects_done(1, at);
                    }
                    Open::File { head, out } => {
                        if let Some((mut file, _)) = out {
                            file.flush().await?;
                            file.sync_all().await?;
                        }
                        if seen.files.insert(head.name, part).is_some() {
                            return Err(damaged(at));
                        }
                    }
                }
            }
            Frame::Manifest => {
                close_table(&mut table, &mut seen).map_err(|()| damaged(at))?;
                if open.is_some() {
                    return Err(damaged(at));
                }
                manifest = Some(serde_json::from_slice(&bytes).map_err(|_| damaged(at))?);
            }
            Frame::Header => return Err(damaged(at)),
        }
    }
    // The sealed stream ended where its writer ended it; the manifest must be its last part
    // and agree with everything read.
    match manifest {
        Some(manifest) if manifest == seen => {}
        _ => return Err(ArchiveError::Truncated(reader.read_bytes()).into()),
    }
    summary.bytes = reader.read_bytes();
    Ok((header, summary, seen))
}

/// Proves the whole archive without writing anything: its header, what it holds, and the
/// manifest of its parts.
pub async fn check(
    path: &Path,
    config: &Config,
    progress: &mut Progress,
) -> anyhow::Result<(Header, Summary, Manifest)> {
    progress.phase("checking");
    let result = walk(path, &super::archive_key(config), None, progress).await?;
    progress.finish(result.1.bytes);
    Ok(result)
}

/// Restores `path` into `db` (migrated, empty) and `storage` (empty).
pub async fn restore(
    db: &Db,
    storage: &Storage,
    keys_from: Option<&Storage>,
    config: &Config,
    path: &Path,
    progress: &mut Progress,
) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let master = *config.secrets.app_secret.expose();
    let (header, _, manifest) = check(path, config, progress).await?;
    if header.master_check != master_check(&master) {
        return Err(RestoreError::OtherSecret.into());
    }
    let mut conn = db.pool.acquire().await?;
    let here = schema::version(&mut conn).await?;
    if header.schema_version != here {
        return Err(RestoreError::OtherVersion {
            archive: header.schema_version,
            here,
        }
        .into());
    }
    let tables = schema::tables(db, &mut conn).await?;
    drop(conn);
    if storage
        .list()
        .await?
        .iter()
        .any(|(key, _)| storage::our_key_firm(storage.key_prefix(), key).is_some())
    {
        return Err(RestoreError::NotEmpty("the object store holds files".into()).into());
    }
    let checkpoint_file = config.audit.checkpoint_file.clone();
    if std::fs::metadata(&checkpoint_file).is_ok_and(|m| m.len() > 0) {
        return Err(RestoreError::NotEmpty(format!("{} exists", checkpoint_file.display())).into());
    }

    let mut tx = db.begin().await?;
    if db.backend == crate::backend::db::Backend::Sqlite {
        // Rows of one table may name each other; SQLite checks them all at commit.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
    }
    // Empty, as seen by the transaction that will write (on SQLite it holds the write lock
    // already): no table has a row but what the migrations themselves put in.
    for table in &tables {
        if SEEDED_BY_MIGRATIONS.contains(&table.name.as_str()) {
            continue;
        }
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", table.name))
            .fetch_one(&mut *tx)
            .await?;
        if n > 0 {
            return Err(
                RestoreError::NotEmpty(format!("the database has rows in {}", table.name)).into(),
            );
        }
    }
    let mut target = Target {
        tx: Some(tx),
        storage,
        master,
        columns: tables
            .into_iter()
            .map(|t| (t.name, t.columns.into_iter().collect()))
            .collect(),
        table: None,
        batch: Vec::new(),
        firm_keys: BTreeMap::new(),
        keyring: Keyring::new(storage, &master),
        keys_from: keys_from.map(|from| Keyring::new(from, &master)),
        shredded: BTreeSet::new(),
        records: db.records.clone(),
        stored: Vec::new(),
        checkpoint_file,
        renamed: manifest
            .objects
            .keys()
            .filter_map(|key| {
                let mut parts = key.rsplitn(3, '/');
                let (object, firm) = (parts.next()?, parts.next()?);
                let new = format!("{}{firm}/{object}", storage.key_prefix());
                (new != *key).then(|| (key.clone(), new))
            })
            .collect(),
    };
    progress.phase("restore");
    let walked = walk(
        path,
        &super::archive_key(config),
        Some(&mut target),
        progress,
    )
    .await;
    let committed = match walked {
        Ok((_, summary, _)) => target.commit().await.map(|()| Summary {
            firms_left_out: target.shredded.len() as u64,
            ..summary
        }),
        Err(error) => Err(error),
    };
    let summary = match committed {
        Ok(summary) => summary,
        Err(error) => {
            // Nothing was committed: the transaction rolled back, and the objects stored so
            // far go too.
            storage::remove_objects(storage, &target.stored).await;
            let _ = tokio::fs::remove_file(super::partial_path(&target.checkpoint_file)).await;
            return Err(error);
        }
    };
    // The rows are in: from here on nothing is undone, a failure is only reported.
    target.place_checkpoint_file().await?;
    record_restore(db, &summary).await?;
    progress.finish(summary.bytes);
    Ok(Summary {
        seconds: started.elapsed().as_secs_f64(),
        ..summary
    })
}

/// Tables a fresh database already has rows in, put there by its migrations (the start of
/// audit checkpointing, whether the records are sealed); the archive's rows replace them.
const SEEDED_BY_MIGRATIONS: &[&str] = &["audit_checkpointing", "record_sealing"];

async fn record_restore(db: &Db, summary: &Summary) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        &Actor::System,
        Action::BackupRestored,
        &audit::Target::new("backup", "restore")
            .with_detail(format!("{} rows, {} files", summary.rows, summary.objects)),
        &audit::Context::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The largest number of rows in one INSERT (both backends' parameter limits allow it).
fn batch_rows(columns: usize) -> usize {
    (16_000 / columns.max(1)).clamp(1, 500)
}

impl Target<'_> {
    fn conn(&mut self) -> anyhow::Result<&mut sqlx::AnyConnection> {
        Ok(&mut *self
            .tx
            .as_mut()
            .context("the restore is already committed")?)
    }

    async fn start_table(&mut self, head: TableHead) -> anyhow::Result<()> {
        self.flush().await?;
        let columns = self.columns.get(&head.name).with_context(|| {
            format!(
                "the archive has a table {} this version does not",
                head.name
            )
        })?;
        let kinds = head
            .columns
            .iter()
            .map(|c| {
                columns.get(c).copied().with_context(|| {
                    format!(
                        "the archive has a column {}.{c} this version does not",
                        head.name
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        // Rows the migrations themselves put in (a job list, the checkpointing start) give
        // way to the archive's.
        sqlx::query(&format!("DELETE FROM \"{}\"", head.name))
            .execute(self.conn()?)
            .await?;
        self.table = Some((head, kinds));
        Ok(())
    }

    async fn row(&mut self, values: Vec<serde_json::Value>) -> anyhow::Result<()> {
        let (head, kinds) = self.table.as_ref().context("a row outside a table")?;
        anyhow::ensure!(
            values.len() == kinds.len(),
            "a row of {} has the wrong number of values",
            head.name
        );
        let width = kinds.len();
        let key_at = (head.name == "firms")
            .then(|| {
                let at = |name: &str| head.columns.iter().position(|c| c == name);
                at("id").zip(at("data_key"))
            })
            .flatten();
        let mut values = values;
        if let Some((id, key)) = key_at
            && let Some(firm) = values[id].as_str().map(str::to_owned)
        {
            let stored = self.firm_key_here(&firm, values[key].as_str()).await?;
            values[key] = stored
                .clone()
                .map_or(serde_json::Value::Null, serde_json::Value::from);
            if let Some(stored) = stored {
                self.firm_keys.insert(firm, stored);
            }
        }
        let values = values
            .into_iter()
            .map(|value| match value {
                serde_json::Value::String(text) => match self.renamed.get(&text) {
                    Some(new) => serde_json::Value::String(new.clone()),
                    None => serde_json::Value::String(text),
                },
                other => other,
            })
            .collect();
        self.batch.push(values);
        if self.batch.len() >= batch_rows(width) {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        let Some((head, kinds)) = self.table.as_ref() else {
            return Ok(());
        };
        if self.batch.is_empty() {
            return Ok(());
        }
        let width = kinds.len();
        let columns = head
            .columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let tuples = (0..self.batch.len())
            .map(|r| {
                let params = (1..=width)
                    .map(|c| format!("${}", r * width + c))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({params})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO \"{}\" ({columns}) VALUES {tuples}", head.name);
        let mut query = sqlx::query(&sql);
        for row in &self.batch {
            for (value, kind) in row.iter().zip(kinds) {
                query = bind(query, *kind, value)
                    .with_context(|| format!("a value of {}", head.name))?;
            }
        }
        let tx = self
            .tx
            .as_mut()
            .context("the restore is already committed")?;
        query
            .execute(&mut **tx)
            .await
            .with_context(|| format!("restoring {}", head.name))?;
        self.batch.clear();
        Ok(())
    }

    /// The key an archived object is stored under here.
    fn key_here(&self, key: &str) -> String {
        self.renamed
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// `firms.data_key` as this database stores it (under the master key), from the form
    /// the archive carries: under the firm's archive key, opened with the keyring; an
    /// archive of an earlier version carries the database's own form. A firm whose archive
    /// key is gone has none: it is left out.
    async fn firm_key_here(
        &mut self,
        firm: &str,
        archived: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        let Some(value) = archived else {
            return Ok(None);
        };
        let Some(wrapped) = keyring::as_archived(value) else {
            return Ok(Some(value.to_owned()));
        };
        let archive_key = match &self.keys_from {
            Some(from) => match from.get(firm).await? {
                // Into this store's keyring, so the restored instance's own purges reach
                // the archives made before too.
                Some(key) => Some(self.keyring.get_or_put(firm, key).await?),
                None => None,
            },
            None => self.keyring.get(firm).await?,
        };
        let Some(archive_key) = archive_key else {
            self.shredded.insert(firm.to_owned());
            return Ok(None);
        };
        let data_key = keyring::open_archived(wrapped, &archive_key, firm).with_context(|| {
            format!("the archive's key of firm {firm} does not open with the keyring's")
        })?;
        Ok(Some(data_key.wrap(&self.master, firm)))
    }

    /// Leaves out, before the commit, every firm whose archive key is destroyed: its rows go
    /// as its purge removed them (audited as a purge), and nothing of it was stored.
    async fn leave_out_shredded(&mut self) -> anyhow::Result<()> {
        self.flush().await?;
        let now = crate::backend::db::now_micros();
        let shredded: Vec<String> = self.shredded.iter().cloned().collect();
        let records = self.records.clone();
        for firm in shredded {
            crate::backend::firm::termination::remove_firm(self.conn()?, &records, &firm, now)
                .await
                .with_context(|| format!("leaving out firm {firm}"))?;
        }
        Ok(())
    }

    async fn start_object(&mut self, head: ObjectHead) -> anyhow::Result<Open> {
        self.flush().await?;
        if self.shredded.contains(&head.firm_id) {
            // Unreadable without the firm's key: read past, never stored.
            return Ok(Open::Object {
                head,
                opener: None,
                spool: None,
                firm_key: None,
            });
        }
        let firm_key = self
            .firm_keys
            .get(&head.firm_id)
            .and_then(|wrapped| DataKey::unwrap(wrapped, &self.master, &head.firm_id))
            .with_context(|| format!("the archive's object {} has no firm key", head.key))?;
        let key = self.key_here(&head.key);
        let spool = SpoolWriter::create_restored(self.storage.spool_dir(), &key, &firm_key).await?;
        Ok(Open::Object {
            opener: Some(Box::new(Opener::new(&firm_key, &head.key))),
            spool: Some(Box::new(spool)),
            firm_key: Some(firm_key),
            head,
        })
    }

    async fn put_object(
        &mut self,
        key: &str,
        spool: SpoolWriter,
        firm_key: &DataKey,
    ) -> anyhow::Result<()> {
        let spool = spool
            .finish()
            .await
            .map_err(|e| anyhow::anyhow!("storing {key}: {e}"))?;
        let mime = spool.kind.mime();
        self.storage.put(spool, firm_key, mime).await?;
        self.stored.push(key.to_owned());
        Ok(())
    }

    async fn start_file(&mut self, head: FileHead) -> anyhow::Result<Open> {
        self.flush().await?;
        anyhow::ensure!(
            head.name == CHECKPOINT_FILE,
            "the archive holds an unknown file {}",
            head.name
        );
        let partial = super::partial_path(&self.checkpoint_file);
        if let Some(dir) = partial.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir).await?;
        }
        let file = super::create_private(&partial).await?;
        Ok(Open::File {
            head,
            out: Some((file, partial)),
        })
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        self.leave_out_shredded().await?;
        let tx = self.tx.take().context("the restore is already committed")?;
        tx.commit().await.context("committing the restored rows")
    }

    async fn place_checkpoint_file(&self) -> anyhow::Result<()> {
        let partial = super::partial_path(&self.checkpoint_file);
        if tokio::fs::try_exists(&partial).await? {
            tokio::fs::rename(&partial, &self.checkpoint_file)
                .await
                .context("putting the audit checkpoint file in place")?;
        }
        Ok(())
    }
}

/// Binds one archived value as the target column's kind.
fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    kind: Kind,
    value: &serde_json::Value,
) -> anyhow::Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    use serde_json::Value;
    Ok(match kind {
        Kind::Text => query.bind(match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }),
        Kind::Int => query.bind(match value {
            Value::Null => None,
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Number(n) => Some(n.as_i64().context("not a whole number")?),
            Value::String(s) => Some(s.parse::<i64>().context("not a whole number")?),
            _ => anyhow::bail!("not a whole number"),
        }),
        Kind::Bool => query.bind(match value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(n.as_i64() != Some(0)),
            _ => anyhow::bail!("not a boolean"),
        }),
        Kind::Real => query.bind(match value {
            Value::Null => None,
            Value::Number(n) => Some(n.as_f64().context("not a number")?),
            _ => anyhow::bail!("not a number"),
        }),
        Kind::Blob => query.bind(match value {
            Value::Null => None,
            Value::String(s) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .context("not base64")?,
            ),
            _ => anyhow::bail!("not bytes"),
        }),
    })
}
