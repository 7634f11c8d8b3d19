//! The archive on disk: `MAGIC`, the stream header (salt), a key check, then the payload in
//! sealed chunks (the same STREAM construction as stored files: AES-256-GCM, chunk number
//! and last-chunk flag in the nonce), so a flipped, dropped, reordered or cut-off byte fails
//! to open. Inside, the payload is a sequence of frames: a kind byte, a 4-byte length, the
//! bytes. The last frame is the manifest (the SHA-256 and count of every part).

use crate::backend::storage::data_key::DataKey;
use crate::backend::storage::sealed::{CHUNK, Opener, Sealer, TAG};
use hmac::Mac;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What every archive starts with (and its format version).
pub const MAGIC: &[u8; 12] = b"CPDBACKUP\0v1";
/// The name the chunks are sealed for (associated data).
const STREAM_NAME: &str = "cpd-registry-backup-v1";
/// The stream header [`Sealer::new`] writes (its salt).
const SALT: usize = 32;
/// The key check after the salt: HMAC-SHA256.
const CHECK: usize = 32;
/// The largest frame we write or accept (a row, a manifest).
const MAX_FRAME: usize = 64 * 1024 * 1024;

/// The kinds of frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Frame {
    /// The archive's header (JSON [`Header`]).
    Header = 1,
    /// A table starts (JSON [`TableHead`]); its rows follow.
    Table = 2,
    /// One row: a JSON array of the values, in the table's column order.
    Row = 3,
    /// A stored object starts (JSON [`ObjectHead`]); its sealed bytes follow as `Data`.
    Object = 4,
    /// A piece of an object or a file.
    Data = 5,
    /// The end of an object or a file.
    End = 6,
    /// A file beside the database starts (JSON [`FileHead`]).
    File = 7,
    /// The last frame (JSON [`Manifest`]).
    Manifest = 8,
}

impl Frame {
    fn from_byte(byte: u8) -> Option<Frame> {
        Some(match byte {
            1 => Frame::Header,
            2 => Frame::Table,
            3 => Frame::Row,
            4 => Frame::Object,
            5 => Frame::Data,
            6 => Frame::End,
            7 => Frame::File,
            8 => Frame::Manifest,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub created_at_us: i64,
    /// `sqlite` or `postgres`: where it was taken (it restores into either).
    pub source: String,
    /// The newest migration the source had applied; a restore needs the same.
    pub schema_version: i64,
    /// A MAC of a fixed text under the master key: tells "made under another APP_SECRET"
    /// before anything is written.
    pub master_check: String,
    /// What the archive holds, for progress while restoring.
    pub rows: u64,
    pub objects: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableHead {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectHead {
    /// The object's key, whole (as the rows name it).
    pub key: String,
    /// The firm whose data key seals it: in the archive as in the store, an object is
    /// sealed under its firm's key (the wrapped key itself travels in the `firms` rows).
    pub firm_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileHead {
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Part {
    /// Rows of a table, or bytes of an object or file.
    pub count: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub tables: BTreeMap<String, Part>,
    pub objects: BTreeMap<String, Part>,
    pub files: BTreeMap<String, Part>,
}

/// Why an archive was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("this is not a CPD Registry backup (it does not start like one)")]
    NotABackup,
    #[error(
        "the backup key does not open this archive: it was made under another APP_SECRET or \
         BACKUP_KEY (set the one it was made with), or its first bytes were altered"
    )]
    WrongKey,
    #[error(
        "the archive is damaged, altered or cut short (at about byte {0}): nothing was restored from it"
    )]
    Damaged(u64),
    #[error(
        "the archive was cut short (it ends at byte {0} without its last part): nothing was restored from it"
    )]
    Truncated(u64),
    #[error("reading the archive: {0}")]
    Io(#[from] std::io::Error),
}

const CHECK_LABEL: &[u8] = b"cpd-backup-key-check\0";

fn key_check(key: &DataKey, salt: &[u8]) -> Vec<u8> {
    key.mac(CHECK_LABEL, salt).finalize().into_bytes().to_vec()
}

/// Writes frames into a sealed archive.
pub struct Writer<W> {
    out: W,
    sealer: Option<Sealer>,
    written: u64,
}

impl<W: tokio::io::AsyncWrite + Unpin> Writer<W> {
    pub async fn start(mut out: W, key: &DataKey) -> std::io::Result<Writer<W>> {
        let (sealer, salt) = Sealer::new(key, STREAM_NAME);
        out.write_all(MAGIC).await?;
        out.write_all(&salt).await?;
        out.write_all(&key_check(key, &salt)).await?;
        Ok(Writer {
            out,
            sealer: Some(sealer),
            written: (MAGIC.len() + SALT + CHECK) as u64,
        })
    }

    /// Bytes written to the file so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub async fn frame(&mut self, kind: Frame, payload: &[u8]) -> std::io::Result<()> {
        if payload.len() > MAX_FRAME {
            return Err(std::io::Error::other(
                "a frame is larger than an archive allows",
            ));
        }
        let sealer = self
            .sealer
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the archive is already finished"))?;
        let mut head = [0u8; 5];
        head[0] = kind as u8;
        head[1..].copy_from_slice(
            &u32::try_from(payload.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        let mut sealed = sealer.push(&head);
        sealed.extend(sealer.push(payload));
        self.written += sealed.len() as u64;
        self.out.write_all(&sealed).await
    }

    pub async fn json<T: Serialize>(&mut self, kind: Frame, value: &T) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        self.frame(kind, &bytes).await
    }

    /// Seals the last chunk and flushes; returns the writer's output.
    pub async fn finish(mut self) -> std::io::Result<W> {
        let sealer = self
            .sealer
            .take()
            .ok_or_else(|| std::io::Error::other("the archive is already finished"))?;
        let last = sealer.finish();
        self.written += last.len() as u64;
        self.out.write_all(&last).await?;
        self.out.flush().await?;
        Ok(self.out)
    }
}

/// Reads frames back, each proven before it is returned.
pub struct Reader<R> {
    input: R,
    opener: Option<Opener>,
    plain: Vec<u8>,
    at: usize,
    read: u64,
    ended: bool,
}

impl<R: tokio::io::AsyncRead + Unpin> Reader<R> {
    pub async fn start(mut input: R, key: &DataKey) -> Result<Reader<R>, ArchiveError> {
        let mut head = [0u8; MAGIC.len() + SALT + CHECK];
        let mut got = 0;
        while got < head.len() {
            let n = input.read(&mut head[got..]).await?;
            if n == 0 {
                break;
            }
            got += n;
        }
        if got < MAGIC.len() || &head[..MAGIC.len()] != MAGIC {
            return Err(ArchiveError::NotABackup);
        }
        if got < head.len() {
            return Err(ArchiveError::Truncated(got as u64));
        }
        let salt = &head[MAGIC.len()..MAGIC.len() + SALT];
        let check = &head[MAGIC.len() + SALT..];
        if key.mac(CHECK_LABEL, salt).verify_slice(check).is_err() {
            return Err(ArchiveError::WrongKey);
        }
        let mut opener = Opener::new(key, STREAM_NAME);
        opener
            .push(salt)
            .map_err(|_| ArchiveError::Damaged(MAGIC.len() as u64))?;
        Ok(Reader {
            input,
            opener: Some(opener),
            plain: Vec::new(),
            at: 0,
            read: head.len() as u64,
            ended: false,
        })
    }

    /// Bytes of the file read so far.
    pub fn read_bytes(&self) -> u64 {
        self.read
    }

    /// Makes at least `need` plaintext bytes available; false at the proven end.
    async fn fill(&mut self, need: usize) -> Result<bool, ArchiveError> {
        let mut buffer = vec![0u8; CHUNK + TAG];
        while self.plain.len() - self.at < need {
            if self.ended {
                return Ok(false);
            }
            if self.at > 0 {
                self.plain.drain(..self.at);
                self.at = 0;
            }
            let n = self.input.read(&mut buffer).await?;
            let opener = self
                .opener
                .as_mut()
                .ok_or(ArchiveError::Damaged(self.read))?;
            if n == 0 {
                let opener = self.opener.take().ok_or(ArchiveError::Damaged(self.read))?;
                // A cut at a chunk boundary and a damaged last chunk look alike here.
                let last = opener
                    .finish()
                    .map_err(|_| ArchiveError::Damaged(self.read))?;
                self.plain.extend(last);
                self.ended = true;
                continue;
            }
            let plain = opener
                .push(&buffer[..n])
                .map_err(|_| ArchiveError::Damaged(self.read))?;
            self.read += n as u64;
            self.plain.extend(plain);
        }
        Ok(true)
    }

    /// The next frame, or `None` at the proven end of the archive.
    pub async fn next(&mut self) -> Result<Option<(Frame, Vec<u8>)>, ArchiveError> {
        if !self.fill(5).await? {
            return if self.plain.len() == self.at {
                Ok(None)
            } else {
                Err(ArchiveError::Damaged(self.read))
            };
        }
        let kind = Frame::from_byte(self.plain[self.at]).ok_or(ArchiveError::Damaged(self.read))?;
        let len = u32::from_be_bytes(
            self.plain[self.at + 1..self.at + 5]
                .try_into()
                .map_err(|_| ArchiveError::Damaged(self.read))?,
        ) as usize;
        if len > MAX_FRAME {
            return Err(ArchiveError::Damaged(self.read));
        }
        if !self.fill(5 + len).await? {
            return Err(ArchiveError::Damaged(self.read));
        }
        let start = self.at + 5;
        let payload = self.plain[start..start + len].to_vec();
        self.at = start + len;
        Ok(Some((kind, payload)))
    }
}
