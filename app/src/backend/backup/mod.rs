//! Backups that restore: `cpd-registry backup --to FILE` writes one sealed archive of the
//! database (either backend, one portable format), the stored objects and the audit
//! checkpoint file; `cpd-registry restore FILE` proves the whole archive first, then
//! brings it into an empty database of either backend. The embedded default also makes a
//! daily backup into `data/backups` and keeps 30 (`daily.rs`).
//!
//! The archive key is derived from the master key, or is `BACKUP_KEY`. Objects travel
//! sealed under their firm's data key, as they are stored; the wrapped firm keys travel in
//! the `firms` rows, so an archive restores on its own (and, for now, an archive made
//! before a firm's closing still holds that firm: archives age out within 90 days).

pub mod daily;
pub mod format;
pub mod keyring;
pub mod progress;
pub mod read;
pub mod schema;
pub mod write;

use crate::backend::config::Config;
use crate::backend::crypto::{Key, Purpose};
use crate::backend::storage::data_key::DataKey;
use std::path::{Path, PathBuf};

/// The name the audit checkpoint file travels under.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

/// What a backup or restore did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub rows: u64,
    pub objects: u64,
    /// Bytes of the objects, in clear.
    pub object_bytes: u64,
    /// Objects listed but left out (no firm key, or gone meanwhile).
    pub skipped_objects: u64,
    /// Firms a restore left out: their archive keys are destroyed.
    pub firms_left_out: u64,
    /// Bytes of the archive.
    pub bytes: u64,
    pub seconds: f64,
}

/// The key archives are sealed under: `BACKUP_KEY`, or one derived from the master key.
pub fn archive_key(config: &Config) -> DataKey {
    DataKey::from_bytes(match &config.backup.key {
        Some(key) => *key.expose(),
        None => Key::derive(config.secrets.app_secret.expose(), Purpose::Backup).secret_bytes(),
    })
}

/// A check value of the master key (not the key): a restore under another master key
/// stops before it writes anything.
pub fn master_check(master: &[u8; 32]) -> String {
    Key::derive(master, Purpose::Backup).mac(&[b"master-check"])
}

/// A new file (or an old one emptied) for this user alone, whatever the umask.
async fn create_private(path: &Path) -> std::io::Result<tokio::fs::File> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .await
}

/// Where an archive is written until it is whole.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}
