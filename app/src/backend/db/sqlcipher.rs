//! The embedded database file is a SQLCipher database: every page AES-256 encrypted and
//! authenticated, under a key derived from the master key. Without the key the file (and
//! its WAL) is noise; with the wrong key it does not open.

use crate::backend::crypto::{Key, Purpose};
use anyhow::Context;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The raw 256-bit SQLCipher key (no passphrase stretching: it is already a random key).
/// Not `Debug`: it never prints.
#[derive(Clone)]
pub struct FileKey(String);

impl FileKey {
    pub fn derive(master: &[u8; 32]) -> FileKey {
        FileKey(hex::encode(
            Key::derive(master, Purpose::DatabaseFile).secret_bytes(),
        ))
    }

    /// The statement that unlocks a connection: `PRAGMA key = "x'…'"`.
    pub fn pragma(&self) -> String {
        format!("PRAGMA key = \"x'{}'\";", self.0)
    }

    fn attach_clause(&self) -> String {
        format!("KEY \"x'{}'\"", self.0)
    }
}

/// The first bytes of every plain SQLite file; an encrypted one starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Unlocks a new connection and proves it: a wrong key, a library built without SQLCipher
/// or a file that is no database each stop here with a sentence an operator can act on.
pub async fn unlock(conn: &mut AnyConnection, key_pragma: &str) -> Result<(), sqlx::Error> {
    conn.execute(key_pragma).await?;
    let cipher: Option<String> = sqlx::query_scalar("PRAGMA cipher_version")
        .fetch_optional(&mut *conn)
        .await?;
    if cipher.is_none() {
        return Err(sqlx::Error::Configuration(
            "this build's SQLite is not SQLCipher: the database file would not be encrypted".into(),
        ));
    }
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&mut *conn)
        .await
        .map_err(|_| {
            sqlx::Error::Configuration(
                "the database file cannot be opened with this key: it was made under another \
                 APP_SECRET (restore the secret it was made with), or it is not a database"
                    .into(),
            )
        })?;
    Ok(())
}

/// Whether the file at `path` is a plain (unencrypted) SQLite database.
fn is_plain(path: &Path) -> anyhow::Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    };
    let read = file.read(&mut header)?;
    Ok(read == header.len() && &header == PLAIN_HEADER)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A plain SQLite file left by a version before encryption is rewritten encrypted: exported
/// page by page into a new file beside it (`sqlcipher_export`), which then replaces it in
/// one rename, so a crash on the way leaves the plain file whole and the next start tries
/// again. The plain file's WAL is read by the export and removed with it.
pub async fn encrypt_plain_file(url: &str, path: &Path, key: &FileKey) -> anyhow::Result<()> {
    if !is_plain(path)? {
        return Ok(());
    }
    // One process at a time: two of ours starting together (a server and a `backup`) wait
    // here for each other, and the second finds the file already encrypted.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(with_suffix(path, ".lock"))
        .context("opening the database's lock file")?;
    lock.lock().context("locking the database file")?;
    if !is_plain(path)? {
        return Ok(());
    }
    tracing::warn!(path = %path.display(), "the database file is not encrypted: encrypting it in place");
    let target = with_suffix(path, ".encrypting");
    for leftover in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(&target, leftover));
    }
    let quoted = target.to_string_lossy().replace('\'', "''");
    // Never logged, not even as a slow statement: the ATTACH carries the key.
    let options = AnyConnectOptions::from_str(url)
        .context("parsing DATABASE_URL")?
        .disable_statement_logging();
    let mut conn = options
        .connect()
        .await
        .context("opening the plain database file")?;
    // The exclusive lock is held until the connection closes: anything else still using the
    // plain file (a server of an earlier version) makes this fail instead of losing writes.
    conn.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .await
        .context("another process has the plain database file open: stop it, then start again")?;
    conn.execute(
        format!(
            "ATTACH DATABASE '{quoted}' AS encrypted {}; SELECT sqlcipher_export('encrypted'); \
             DETACH DATABASE encrypted;",
            key.attach_clause()
        )
        .as_str(),
    )
    .await
    .context("encrypting the database file")?;
    conn.close()
        .await
        .context("closing the plain database file")?;
    std::fs::File::open(&target)
        .and_then(|f| f.sync_all())
        .context("syncing the encrypted database file")?;
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, stale));
    }
    std::fs::rename(&target, path).context("putting the encrypted database file in place")?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .context("syncing the database directory")?;
    }
    tracing::info!(path = %path.display(), "the database file is encrypted");
    Ok(())
}
