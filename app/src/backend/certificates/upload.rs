//! One uploaded file, from the first byte to a stored certificate:
//!
//! 1. [`begin`]: the entry must be the viewer's; the firm's data key is fetched (made on
//!    the first upload); a spool is opened for the object's final name.
//! 2. [`Incoming::write`]: each piece as it arrives: counted against the limit, the kind
//!    told from the first bytes, photos stripped of their metadata (JPEG and PNG), hashed,
//!    sealed, written, and passed to the worker.
//!    Nothing is held in memory.
//! 3. [`finish`]: the inspection worker (fed as the file arrived) gives its verdict while
//!    the spool is flushed to disk; a file already attached to this
//!    entry is not stored twice; the object is stored, then its row and audit event are
//!    committed together, under the firm's storage lock and only if the file fits in its
//!    quota ([`super::quota`]). If it does not fit, or the commit fails, the object is
//!    removed again.
//!
//! Any refusal or failure leaves nothing behind: the spool removes itself when dropped.

pub use super::inspection::Refusal;
use super::inspection::{self, Verdict};
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::Field;
use crate::backend::state::AppState;
use crate::backend::storage::data_key::DataKey;
use crate::backend::storage::jpeg_scrub::Scrubber;
use crate::backend::storage::png_scrub::{self, PngScrubber};
use crate::backend::storage::spool::{SpoolError, SpoolWriter};
use crate::backend::storage::{firm_key, new_object_key};
use anyhow::Context as _;

/// Why an upload did not become a certificate.
#[derive(Debug)]
pub enum UploadError {
    /// The file itself was refused; the person is told why and what is accepted.
    Refused(Refusal),
    /// Anything else (not signed in, not their entry, a failure of ours).
    App(AppError),
}

impl From<AppError> for UploadError {
    fn from(e: AppError) -> Self {
        UploadError::App(e)
    }
}

impl From<sqlx::Error> for UploadError {
    fn from(e: sqlx::Error) -> Self {
        UploadError::App(e.into())
    }
}

impl From<anyhow::Error> for UploadError {
    fn from(e: anyhow::Error) -> Self {
        UploadError::App(e.into())
    }
}

/// What happened to an accepted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a new certificate. `also_on` names another of the person's entries
    /// that already has the same file.
    Stored { id: String, also_on: Option<String> },
    /// The same file is already attached to this entry: nothing new was stored.
    AlreadyAttached { file_name: String },
}

/// An upload under way.
pub struct Incoming {
    /// Held until the upload ends: one of the inspection workers that may run at once.
    _slot: tokio::sync::OwnedSemaphorePermit,
    writer: SpoolWriter,
    /// For photos (told by their first bytes): strips the metadata as the file streams.
    /// `None` until enough bytes are in to tell.
    scrubber: Option<Scrub>,
    /// The first bytes, until there are enough to tell a JPEG or a PNG.
    undecided: Vec<u8>,
    worker: inspection::Worker,
    entry_id: String,
    id: String,
    key: String,
    file_name: String,
    firm_key: DataKey,
}

/// What strips an upload's metadata as it streams.
enum Scrub {
    Jpeg(Scrubber),
    Png(PngScrubber),
    /// A PDF (or anything else, refused later): passed as it comes.
    Nothing,
}

impl Scrub {
    /// Told from the file's first bytes (at least the PNG signature's eight).
    fn for_head(head: &[u8]) -> Scrub {
        if head.starts_with(&[0xFF, 0xD8]) {
            Scrub::Jpeg(Scrubber::default())
        } else if head.starts_with(&png_scrub::SIGNATURE) {
            Scrub::Png(PngScrubber::default())
        } else {
            Scrub::Nothing
        }
    }
}

/// The name to show and offer on download: the last part of what the browser sent, with
/// control characters dropped, at most 200 characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "certificate".to_owned()
    } else {
        clean.to_owned()
    }
}

/// How long an upload waits for a free inspection worker before it is turned away.
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// What a turned-away upload is told to wait.
const RETRY_AFTER_SECS: u64 = 15;

/// Bytes a firm keeps in certificates and reports ([`super::quota::used`]).
pub async fn firm_storage_used(state: &AppState, firm_id: &str) -> anyhow::Result<u64> {
    let mut conn = state.db.pool.acquire().await?;
    super::quota::used(&mut conn, firm_id).await
}

/// Starts an upload to one of the viewer's entries.
pub async fn begin(
    state: &AppState,
    viewer: &Viewer,
    entry_id: &str,
    file_name: &str,
) -> Result<Incoming, UploadError> {
    owned_entry(state, viewer, entry_id).await?;
    // At most so many uploads a person sends in ten minutes, counted atomically.
    let mut tx = state.db.begin().await?;
    let allowed = crate::backend::auth::rate_limit::hit(
        &mut tx,
        crate::backend::auth::rate_limit::UPLOADS_PER_PERSON,
        &viewer.user.id,
        now_micros(),
    )
    .await?;
    tx.commit().await?;
    if let Err(wait) = allowed {
        return Err(UploadError::App(AppError::RateLimited {
            retry_after_secs: wait,
        }));
    }
    open(state, viewer, entry_id, file_name).await
}

/// [`begin`] without the per-person upload count, for the files of an import that was
/// counted as one action (a history brought along).
pub async fn begin_imported(
    state: &AppState,
    viewer: &Viewer,
    entry_id: &str,
    file_name: &str,
) -> Result<Incoming, UploadError> {
    owned_entry(state, viewer, entry_id).await?;
    open(state, viewer, entry_id, file_name).await
}

/// The entry must be the viewer's; anyone else's is "not found".
async fn owned_entry(state: &AppState, viewer: &Viewer, entry_id: &str) -> Result<(), UploadError> {
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )
    .map_err(UploadError::App)?;
    let owned: Option<String> =
        sqlx::query_scalar("SELECT id FROM entries WHERE id = $1 AND user_id = $2")
            .bind(entry_id)
            .bind(&viewer.user.id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(anyhow::Error::from)?;
    match owned {
        Some(_) => Ok(()),
        None => Err(UploadError::App(AppError::NotFound)),
    }
}

/// The quota, a slot, the spool and the inspection worker for one file.
async fn open(
    state: &AppState,
    viewer: &Viewer,
    entry_id: &str,
    file_name: &str,
) -> Result<Incoming, UploadError> {
    // A firm already full is turned away before the file is read; whether this file fits
    // is decided when it is committed ([`insert`]).
    if firm_storage_used(state, &viewer.user.firm_id).await?
        >= state.config.storage.firm_quota_bytes
    {
        return Err(UploadError::Refused(Refusal::QuotaFull));
    }
    // A worker slot: wait a little for one, then tell the browser to come back.
    let slot =
        match tokio::time::timeout(QUEUE_WAIT, state.upload_slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => {
                return Err(UploadError::App(AppError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                }));
            }
        };
    let mut conn = state.db.pool.acquire().await?;
    let firm_key =
        firm_key::get_or_create(&mut conn, state.master_key(), &viewer.user.firm_id).await?;
    drop(conn);
    let id = new_id();
    let key = new_object_key(state.storage.as_ref(), &viewer.user.firm_id, &id);
    let writer = SpoolWriter::create(
        state.storage.spool_dir(),
        &key,
        &firm_key,
        state.config.uploads.max_bytes,
    )
    .await
    .context("creating the upload spool")?;
    let worker = inspection::Worker::start(
        &state.config.uploads.inspect_command,
        state.config.uploads.max_bytes,
        state.config.uploads.worker_sandbox.as_str(),
    )?;
    Ok(Incoming {
        _slot: slot,
        scrubber: None,
        undecided: Vec::new(),
        writer,
        worker,
        entry_id: entry_id.to_owned(),
        id,
        key,
        file_name: clean_file_name(file_name),
        firm_key,
    })
}

fn spool_refusal(error: SpoolError) -> UploadError {
    match error {
        SpoolError::TooLarge => UploadError::Refused(Refusal::TooLarge),
        SpoolError::NotAccepted | SpoolError::Empty => UploadError::Refused(Refusal::NotAccepted),
        other => UploadError::App(AppError::internal(other)),
    }
}

impl Incoming {
    /// Takes the next piece of the file; refuses as soon as it can tell.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), UploadError> {
        if data.is_empty() {
            return Ok(());
        }
        // Decided once the first bytes are in, however the body was cut into pieces.
        let held;
        let data = if self.scrubber.is_none() {
            self.undecided.extend_from_slice(data);
            if self.undecided.len() < png_scrub::SIGNATURE.len() {
                return Ok(());
            }
            held = std::mem::take(&mut self.undecided);
            self.scrubber = Some(Scrub::for_head(&held));
            held.as_slice()
        } else {
            data
        };
        match self.scrubber.as_mut() {
            Some(Scrub::Jpeg(s)) => {
                let clean = s.push(data);
                self.pass_on(&clean).await
            }
            Some(Scrub::Png(s)) => {
                let clean = s.push(data);
                self.pass_on(&clean).await
            }
            _ => self.pass_on(data).await,
        }
    }

    async fn pass_on(&mut self, data: &[u8]) -> Result<(), UploadError> {
        if data.is_empty() {
            return Ok(());
        }
        self.writer.write(data).await.map_err(spool_refusal)?;
        self.worker.feed(data).await;
        Ok(())
    }
}

/// Records a refused upload (a security event) and returns the refusal.
pub async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    entry_id: &str,
    refusal: Refusal,
) -> UploadError {
    tracing::info!(target: "security", reason = refusal.code(), "upload refused");
    if let Err(error) = viewer
        .audit_alone(
            state,
            meta,
            Action::CertificateRefused,
            &Target::new("entry", entry_id),
        )
        .await
    {
        return UploadError::App(AppError::from(error));
    }
    UploadError::Refused(refusal)
}

/// Inspects and stores a complete upload.
pub async fn finish(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    incoming: Incoming,
) -> Result<Outcome, UploadError> {
    let mut incoming = incoming;
    let rest = match incoming.scrubber.take() {
        Some(Scrub::Jpeg(scrubber)) => scrubber.finish(),
        Some(Scrub::Png(scrubber)) => scrubber.finish(),
        _ => Vec::new(),
    };
    incoming.pass_on(&rest).await?;
    // A file of a few bytes never reached the decision: pass it on as it is.
    let undecided = std::mem::take(&mut incoming.undecided);
    incoming.pass_on(&undecided).await?;
    let Incoming {
        _slot,
        scrubber: _,
        undecided: _,
        writer,
        worker,
        entry_id,
        id,
        key,
        file_name,
        firm_key,
    } = incoming;
    let spool = match writer.finish().await {
        Ok(s) => s,
        Err(e) => {
            return Err(match spool_refusal(e) {
                UploadError::Refused(r) => refuse(state, viewer, meta, &entry_id, r).await,
                other => other,
            });
        }
    };
    // The disk flushes the spool while the worker finishes its parse.
    let (verdict, synced) = tokio::join!(worker.verdict(), spool.sync());
    synced.context("flushing the upload spool")?;
    let facts = match verdict {
        Verdict::Accepted(facts) => facts,
        Verdict::Refused(r) => return Err(refuse(state, viewer, meta, &entry_id, r).await),
    };
    // The worker and the first bytes must agree on what the file is.
    if facts.kind != spool_kind_name(spool.kind) {
        return Err(refuse(state, viewer, meta, &entry_id, Refusal::Damaged).await);
    }
    let same: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.entry_id, e.title FROM certificates c JOIN entries e ON e.id = c.entry_id \
         WHERE c.user_id = $1 AND c.sha256 = $2 ORDER BY c.created_at_us",
    )
    .bind(&viewer.user.id)
    .bind(&spool.sha256)
    .fetch_all(&state.db.pool)
    .await?;
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    let same = same
        .into_iter()
        .map(|(entry, title)| {
            let title = seal.open(crate::backend::sealing::Field::EntryTitle, &entry, &title)?;
            anyhow::Ok((entry, title))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if same.iter().any(|(entry, _)| *entry == entry_id) {
        return Ok(Outcome::AlreadyAttached { file_name });
    }
    let also_on = same.into_iter().next().map(|(_, title)| title);
    // Plainly too big for what is left: refused before it is stored. (This reads without
    // the lock, so it only ever refuses early; [`insert`] decides.)
    if firm_storage_used(state, &viewer.user.firm_id).await? + spool.size
        > state.config.storage.firm_quota_bytes
    {
        return Err(refuse(state, viewer, meta, &entry_id, Refusal::QuotaFull).await);
    }
    let mime = spool.kind.mime();
    let (size, sha256) = (spool.size, spool.sha256.clone());
    state.storage.put(spool, &firm_key, mime).await?;
    match insert(
        state,
        viewer,
        meta,
        &Row {
            id: &id,
            entry_id: &entry_id,
            key: &key,
            file_name: &file_name,
            mime,
            size,
            sha256: &sha256,
            facts: &facts,
        },
    )
    .await
    {
        Ok(Committed::Stored) => Ok(Outcome::Stored { id, also_on }),
        Ok(Committed::OverQuota) => {
            crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key))
                .await;
            Err(refuse(state, viewer, meta, &entry_id, Refusal::QuotaFull).await)
        }
        Err(error) => {
            // No object without a row: take it back out (the sweep would, a day later).
            crate::backend::storage::remove_objects(&state.storage, std::slice::from_ref(&key))
                .await;
            Err(UploadError::App(AppError::from(error)))
        }
    }
}

/// What [`insert`] did.
enum Committed {
    Stored,
    /// The file would take the firm past its quota: nothing was written.
    OverQuota,
}

fn spool_kind_name(kind: crate::backend::storage::sniff::Kind) -> &'static str {
    use crate::backend::storage::sniff::Kind;
    match kind {
        Kind::Pdf => "pdf",
        Kind::Jpeg => "jpeg",
        Kind::Png => "png",
        // Upload spools never accept an archive (only exports write them).
        Kind::Zip => "zip",
    }
}

struct Row<'a> {
    id: &'a str,
    entry_id: &'a str,
    key: &'a str,
    file_name: &'a str,
    mime: &'a str,
    size: u64,
    sha256: &'a str,
    facts: &'a inspection::Facts,
}

/// Commits the row and its audit event, if the file fits in the firm's quota (decided
/// under the firm's lock, in the same transaction).
async fn insert(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    row: &Row<'_>,
) -> anyhow::Result<Committed> {
    let mut tx = state.db.begin().await?;
    if !super::quota::fits(
        &mut tx,
        &viewer.user.firm_id,
        row.size,
        state.config.storage.firm_quota_bytes,
    )
    .await?
    {
        return Ok(Committed::OverQuota);
    }
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let inserted = sqlx::query(
        "INSERT INTO certificates (id, entry_id, user_id, firm_id, object_key, file_name, mime, size_bytes, sha256, pages, width, height, created_at_us) \
         SELECT $1, id, user_id, firm_id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM entries WHERE id = $11 AND user_id = $12",
    )
    .bind(row.id)
    .bind(row.key)
    .bind(seal.seal(Field::CertificateName, row.id, row.file_name))
    .bind(row.mime)
    .bind(i64::try_from(row.size)?)
    .bind(row.sha256)
    .bind(row.facts.pages.map(i64::from))
    .bind(row.facts.width.map(i64::from))
    .bind(row.facts.height.map(i64::from))
    .bind(now_micros())
    .bind(row.entry_id)
    .bind(&viewer.user.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The entry was deleted while the file came in.
    anyhow::ensure!(inserted == 1, "the entry is gone");
    viewer
        .audit(
            &mut tx,
            meta,
            Action::CertificateUploaded,
            &Target::new("certificate", row.id),
        )
        .await?;
    tx.commit().await?;
    Ok(Committed::Stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\fakepath\\Intyg 2026.pdf"),
            "Intyg 2026.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\r\nb.png"), "ab.png");
        assert_eq!(clean_file_name(""), "certificate");
        assert_eq!(clean_file_name(".."), "certificate");
        assert_eq!(clean_file_name(&"å".repeat(300)).chars().count(), 200);
    }
}
