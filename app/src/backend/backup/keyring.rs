//! The firms' archive keys: what lets a backup forget a firm.
//!
//! In the database a firm's data key is wrapped under the master key. In an archive it is
//! wrapped under the firm's *archive key* instead: a random key kept in a keyring outside
//! the database and outside every archive, as small entries `PREFIX keyring/FIRM_ID` in the
//! object store (the local directory, or the bucket every instance shares), each sealed
//! under a key derived from the master key and bound to its firm.
//!
//! When a firm's key is destroyed (its purge after termination, or its last person's
//! purge), its keyring entry goes too, after the commit; the sweep removes any entry left
//! of a firm whose key is gone. From then on no archive made earlier can open anything of
//! that firm, with or without the master key: a restore leaves the firm out.
//!
//! The keyring is therefore needed to restore, and must itself never be archived: keep it
//! where the instance keeps it (or copy it as a mirror that deletions reach, never as a
//! history of copies).

use crate::backend::crypto::{Key, Purpose};
use crate::backend::db::Db;
use crate::backend::storage::Storage;
use crate::backend::storage::data_key::DataKey;
use anyhow::Context;

/// Where the entries are, under the store's prefix.
const DIR: &str = "keyring/";

/// How a data key wrapped under an archive key starts (a database's own form has no prefix).
const ARCHIVED: &str = "a1.";

/// The keyring of one object store.
pub struct Keyring {
    storage: Storage,
    wrap: Key,
}

impl Keyring {
    pub fn new(storage: &Storage, master: &[u8; 32]) -> Keyring {
        Keyring {
            storage: storage.clone(),
            wrap: Key::derive(master, Purpose::Keyring),
        }
    }

    fn entry(&self, firm_id: &str) -> anyhow::Result<String> {
        anyhow::ensure!(
            uuid::Uuid::try_parse(firm_id).is_ok(),
            "a keyring entry is named by a firm id"
        );
        Ok(format!("{}{DIR}{firm_id}", self.storage.key_prefix()))
    }

    /// The firm's archive key, if the keyring has one. An entry that does not open (another
    /// master key, or copied from another firm) is an error, never a silent new key.
    pub async fn get(&self, firm_id: &str) -> anyhow::Result<Option<DataKey>> {
        let Some(bytes) = self.storage.read_small(&self.entry(firm_id)?).await? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes).context("a keyring entry is not text")?;
        DataKey::unwrap_under(text.trim(), &self.wrap, firm_id)
            .map(Some)
            .with_context(|| {
                format!("the keyring entry of firm {firm_id} does not open with this master key")
            })
    }

    /// The firm's archive key: the one stored, or `key` if none was.
    pub async fn get_or_put(&self, firm_id: &str, key: DataKey) -> anyhow::Result<DataKey> {
        let wrapped = key.wrap_under(&self.wrap, firm_id);
        let stored = self
            .storage
            .create_small(&self.entry(firm_id)?, wrapped.as_bytes())
            .await?;
        let text = String::from_utf8(stored).context("a keyring entry is not text")?;
        DataKey::unwrap_under(text.trim(), &self.wrap, firm_id).with_context(|| {
            format!("the keyring entry of firm {firm_id} does not open with this master key")
        })
    }

    /// Destroys the firm's archive key: every archive's copy of the firm is unreadable.
    pub async fn forget(&self, firm_id: &str) -> anyhow::Result<()> {
        self.storage.delete(&self.entry(firm_id)?).await
    }

    /// The firms that have an entry.
    pub async fn firms(&self) -> anyhow::Result<Vec<String>> {
        let dir = format!("{}{DIR}", self.storage.key_prefix());
        Ok(self
            .storage
            .list()
            .await?
            .into_iter()
            .filter_map(|(key, _)| {
                let firm = key.strip_prefix(&dir)?;
                uuid::Uuid::try_parse(firm).is_ok().then(|| firm.to_owned())
            })
            .collect())
    }
}

/// A firm's data key as an archive carries it: wrapped under the firm's archive key.
pub fn archived_form(data_key: &DataKey, archive_key: &DataKey, firm_id: &str) -> String {
    format!(
        "{ARCHIVED}{}",
        data_key.wrap_under(&archive_key.as_wrapping_key(), firm_id)
    )
}

/// The part after the archive form's prefix, when `value` is one.
pub fn as_archived(value: &str) -> Option<&str> {
    value.strip_prefix(ARCHIVED)
}

/// Opens a data key in the archive form.
pub fn open_archived(wrapped: &str, archive_key: &DataKey, firm_id: &str) -> Option<DataKey> {
    DataKey::unwrap_under(wrapped, &archive_key.as_wrapping_key(), firm_id)
}

/// Forgets the archive key of a firm whose data key is gone, logging a failure (the sweep
/// tries again).
pub async fn forget_after_purge(storage: &Storage, master: &[u8; 32], firm_id: &str) {
    if let Err(error) = Keyring::new(storage, master).forget(firm_id).await {
        tracing::warn!(error = format!("{error:#}"), firm = %firm_id, "keyring entry left for the sweep");
    }
}

/// Removes the entries of firms this database has purged or holds without a key; returns
/// how many went. Entries of firms this database never had are left alone: a bucket may be
/// shared with another deployment under the same prefix.
pub async fn sweep(db: &Db, storage: &Storage, master: &[u8; 32]) -> anyhow::Result<usize> {
    let keyring = Keyring::new(storage, master);
    let firms = keyring.firms().await?;
    let mut removed = 0;
    for batch in firms.chunks(500) {
        let list = (1..=batch.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT id FROM firms WHERE id IN ({list}) AND data_key IS NULL \
             UNION SELECT firm_id FROM firm_purges WHERE firm_id IN ({list}) \
               AND NOT EXISTS (SELECT 1 FROM firms WHERE firms.id = firm_purges.firm_id)"
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for firm in batch {
            query = query.bind(firm);
        }
        for firm in query.fetch_all(&db.pool).await? {
            keyring.forget(&firm).await?;
            removed += 1;
        }
    }
    Ok(removed)
}
