//! An upload on its way in: streamed to a temporary file as it arrives, sealed under the
//! firm's data key with the object's final name (so the local backend takes it by
//! renaming), hashed and counted. Only one chunk is ever held in memory. The temporary
//! file is removed when the [`Spool`] is dropped, unless a backend took it.

use super::data_key::DataKey;
use super::sealed::{Opener, Sealer};
use super::sniff::{Kind, sniff, sniff_archive};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Why a spool was refused while it streamed in.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the file is larger than the limit")]
    TooLarge,
    #[error("the file is not a PDF, JPEG or PNG")]
    NotAccepted,
    #[error("the file is empty")]
    Empty,
    #[error("the spool was already finished")]
    Finished,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Bytes needed to tell the kind (the PNG signature is the longest).
const HEAD: usize = 8;

pub struct SpoolWriter {
    file: tokio::io::BufWriter<tokio::fs::File>,
    path: PathBuf,
    /// `None` once finished.
    sealer: Option<Sealer>,
    hasher: Sha256,
    size: u64,
    max: u64,
    head: Vec<u8>,
    key: String,
    done: bool,
    /// What the first bytes must be: an upload's kinds, or (for our own archives) a ZIP.
    accept: fn(&[u8]) -> Option<Kind>,
}

impl SpoolWriter {
    /// A spool for one of our own ZIP archives (a data export): it accepts a ZIP and
    /// nothing else, as an upload's spool accepts only PDF, JPEG and PNG.
    pub async fn create_archive(
        dir: &Path,
        key: &str,
        firm_key: &DataKey,
        max: u64,
    ) -> std::io::Result<SpoolWriter> {
        let mut writer = SpoolWriter::create(dir, key, firm_key, max).await?;
        writer.accept = sniff_archive;
        Ok(writer)
    }

    /// A spool for an object coming back from a backup: it was checked when it was first
    /// stored, and the archive proved it unchanged, so any of our kinds is taken.
    pub async fn create_restored(
        dir: &Path,
        key: &str,
        firm_key: &DataKey,
    ) -> std::io::Result<SpoolWriter> {
        let mut writer = SpoolWriter::create(dir, key, firm_key, u64::MAX).await?;
        writer.accept = |head| sniff(head).or_else(|| sniff_archive(head));
        Ok(writer)
    }

    /// Starts a spool in `dir` for the object `key`.
    pub async fn create(
        dir: &Path,
        key: &str,
        firm_key: &DataKey,
        max: u64,
    ) -> std::io::Result<SpoolWriter> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(format!("{}.spool", uuid::Uuid::now_v7().simple()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        let (sealer, header) = Sealer::new(firm_key, key);
        let mut writer = SpoolWriter {
            file: tokio::io::BufWriter::with_capacity(super::sealed::CHUNK, file),
            path,
            sealer: Some(sealer),
            hasher: Sha256::new(),
            size: 0,
            max,
            head: Vec::with_capacity(HEAD),
            key: key.to_owned(),
            done: false,
            accept: sniff,
        };
        writer.file.write_all(&header).await?;
        Ok(writer)
    }

    /// Takes the next piece. Refuses as soon as the first bytes show the wrong kind or
    /// the size passes the limit, before anything more is read.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), SpoolError> {
        self.size += data.len() as u64;
        if self.size > self.max {
            return Err(SpoolError::TooLarge);
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
            if self.head.len() == HEAD && (self.accept)(&self.head).is_none() {
                return Err(SpoolError::NotAccepted);
            }
        }
        self.hasher.update(data);
        let sealer = self.sealer.as_mut().ok_or(SpoolError::Finished)?;
        let sealed = sealer.push(data);
        self.file.write_all(&sealed).await?;
        Ok(())
    }

    /// Ends the upload: the spool, with its kind, size and SHA-256.
    pub async fn finish(mut self) -> Result<Spool, SpoolError> {
        if self.size == 0 {
            return Err(SpoolError::Empty);
        }
        let kind = (self.accept)(&self.head).ok_or(SpoolError::NotAccepted)?;
        let sealer = self.sealer.take().ok_or(SpoolError::Finished)?;
        self.file.write_all(&sealer.finish()).await?;
        self.file.flush().await?;
        self.done = true;
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        Ok(Spool {
            path: std::mem::take(&mut self.path),
            key: std::mem::take(&mut self.key),
            kind,
            size: self.size,
            sha256,
        })
    }
}

impl Drop for SpoolWriter {
    fn drop(&mut self) {
        // An upload refused or cut off half-way leaves nothing behind.
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A whole upload, sealed on disk, waiting to be inspected and stored.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    key: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
}

impl Spool {
    /// The object name it was sealed for.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the spool durable on disk (before a row may point at it). Separate from
    /// writing, so it can run while the file is inspected.
    pub async fn sync(&self) -> std::io::Result<()> {
        tokio::fs::File::open(&self.path).await?.sync_data().await
    }

    /// Moves the file to `dest` (same file system); the spool no longer owns it.
    pub async fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(&self.path, dest).await?;
        self.path = PathBuf::new();
        Ok(())
    }

    /// Reads the plaintext back, chunk by chunk.
    pub async fn reader(&self, firm_key: &DataKey) -> std::io::Result<SpoolReader> {
        Ok(SpoolReader {
            file: tokio::fs::File::open(&self.path).await?,
            opener: Some(Opener::new(firm_key, &self.key)),
            buffer: vec![0u8; super::sealed::CHUNK + super::sealed::TAG],
        })
    }
}

/// A spool's plaintext, one chunk at a time; each chunk is authenticated before it is
/// returned, and a spool cut short fails at the end.
pub struct SpoolReader {
    file: tokio::fs::File,
    opener: Option<Opener>,
    buffer: Vec<u8>,
}

impl SpoolReader {
    /// The next plaintext chunk; `None` at the end.
    pub async fn next(&mut self) -> anyhow::Result<Option<Vec<u8>>> {
        loop {
            let Some(opener) = self.opener.as_mut() else {
                return Ok(None);
            };
            let n = self.file.read(&mut self.buffer).await?;
            if n == 0 {
                let last = self.opener.take().map(Opener::finish).transpose()?;
                return Ok(last);
            }
            let plain = opener.push(&self.buffer[..n])?;
            if !plain.is_empty() {
                return Ok(Some(plain));
            }
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn spool(data: &[u8], max: u64) -> (tempfile::TempDir, Result<Spool, SpoolError>) {
        let dir = tempfile::tempdir().expect("dir");
        let key = DataKey::generate();
        let mut writer = SpoolWriter::create(dir.path(), "f/o", &key, max)
            .await
            .expect("create");
        for part in data.chunks(1000) {
            if let Err(e) = writer.write(part).await {
                return (dir, Err(e));
            }
        }
        (dir, writer.finish().await)
    }

    fn files(dir: &Path) -> usize {
        std::fs::read_dir(dir).expect("dir").count()
    }

    #[tokio::test]
    async fn refusals_leave_no_file_behind() {
        let (dir, r) = spool(b"<html>%PDF-1.7", 100).await;
        assert!(matches!(r, Err(SpoolError::NotAccepted)));
        assert_eq!(files(dir.path()), 0);
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(5000, b' ');
        let (dir, r) = spool(&big, 4096).await;
        assert!(matches!(r, Err(SpoolError::TooLarge)));
        assert_eq!(files(dir.path()), 0);
        let (dir, r) = spool(b"", 100).await;
        assert!(matches!(r, Err(SpoolError::Empty)));
        assert_eq!(files(dir.path()), 0);
        let (dir, r) = spool(b"%PDF", 100).await;
        assert!(
            matches!(r, Err(SpoolError::NotAccepted)),
            "too short to be a PDF"
        );
        assert_eq!(files(dir.path()), 0);
    }

    #[tokio::test]
    async fn a_spool_is_sealed_hashed_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let key = DataKey::generate();
        let mut data = b"%PDF-1.7\n".to_vec();
        data.extend((0..200_000u32).map(|i| (i % 253) as u8));
        let mut writer = SpoolWriter::create(dir.path(), "f/o", &key, 1 << 20)
            .await
            .expect("create");
        for part in data.chunks(7777) {
            writer.write(part).await.expect("write");
        }
        let spool = writer.finish().await.expect("finish");
        assert_eq!(spool.kind, Kind::Pdf);
        assert_eq!(spool.size, data.len() as u64);
        assert_eq!(spool.sha256, hex::encode(Sha256::digest(&data)));
        let on_disk = std::fs::read(spool.path()).expect("read");
        assert!(
            !on_disk.windows(9).any(|w| w == b"%PDF-1.7\n"),
            "sealed at rest"
        );
        let mut back = Vec::new();
        let mut reader = spool.reader(&key).await.expect("open");
        while let Some(chunk) = reader.next().await.expect("read back") {
            back.extend(chunk);
        }
        assert_eq!(back, data);
        drop(spool);
        assert_eq!(files(dir.path()), 0, "dropped spools are removed");
    }
}
