//! Certificate storage: one small trait, two backends, chosen by `STORAGE_URL`.
//!
//! - [`local`] (`file://DIR`, the embedded default): every object sealed with AES-256-GCM
//!   under its firm's data key ([`sealed`], [`data_key`]); read back only through our own
//!   route with an HMAC-signed link that expires ([`signed_url`]).
//! - [`s3`] (`s3://BUCKET?endpoint=…`): a private bucket with server-side encryption;
//!   presigned GET links that expire, with content type and disposition fixed in the link.
//!
//! An upload is first spooled ([`spool`]): streamed to a temporary file, sealed, hashed
//! and counted as it arrives, so memory stays flat whatever the size. Only a spool the
//! inspection worker accepted is handed to [`ObjectStore::put`]. [`sniff`] tells a file by
//! its first bytes.

pub mod data_key;
pub mod firm_key;
pub mod jpeg_scrub;
pub mod local;
pub mod png_scrub;
pub mod s3;
pub mod sealed;
pub mod signed_url;
pub mod sniff;
pub mod spool;

use crate::backend::config::Config;
use data_key::DataKey;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use spool::Spool;
use std::sync::Arc;

/// An object's plaintext, chunk by chunk.
pub type PlainStream = BoxStream<'static, std::io::Result<bytes::Bytes>>;

/// What a link shows the browser: the file's type and name, and whether to show it in
/// the tab (`inline`) or save it (`attachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpec<'a> {
    pub firm_id: &'a str,
    pub key: &'a str,
    pub mime: &'a str,
    pub file_name: &'a str,
    pub disposition: Disposition,
    /// Seconds the link works (at most an hour).
    pub ttl_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Inline,
    Attachment,
}

impl Disposition {
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Inline => "inline",
            Disposition::Attachment => "attachment",
        }
    }

    pub fn parse(text: &str) -> Option<Disposition> {
        match text {
            "inline" => Some(Disposition::Inline),
            "attachment" => Some(Disposition::Attachment),
            _ => None,
        }
    }

    /// The `Content-Disposition` value, with the name both as plain ASCII (old clients)
    /// and exactly (RFC 6266 `filename*`).
    pub fn header(self, file_name: &str) -> String {
        let ascii: String = file_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut encoded = String::new();
        for byte in file_name.bytes() {
            if byte.is_ascii_alphanumeric() || b".-_".contains(&byte) {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        format!(
            "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
            self.as_str()
        )
    }
}

/// What every backend does. Objects are named `FIRM_ID/OBJECT_ID` ([`object_key`]).
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// Where spools are written: on the same file system as the objects when the
    /// backend can then take them by renaming.
    fn spool_dir(&self) -> &std::path::Path;

    /// Stores an accepted spool under `spool.key()`; on success the object exists.
    fn put<'a>(
        &'a self,
        spool: Spool,
        firm_key: &'a DataKey,
        mime: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The object's plaintext, streamed.
    fn get<'a>(
        &'a self,
        key: &'a str,
        firm_key: &'a DataKey,
    ) -> BoxFuture<'a, anyhow::Result<PlainStream>>;

    /// Removes the object; removing one that is not there is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Stores a small value whole under `key` (a keyring entry) unless one is there
    /// already; returns what is stored under `key` afterwards, so two writers at once
    /// agree on one value.
    fn create_small<'a>(
        &'a self,
        key: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, anyhow::Result<Vec<u8>>>;

    /// The small value under `key`, or `None` when there is none.
    fn read_small<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>>;

    /// Every object under [`ObjectStore::key_prefix`] with its last-modified time (Unix
    /// seconds), for the orphan sweep.
    fn list(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, i64)>>>;

    /// What every new object's key starts with (`STORAGE_PREFIX` on S3; nothing for the
    /// local directory, which is ours alone). Keys are stored whole in their rows, so
    /// objects written under an earlier prefix (or none) stay readable.
    fn key_prefix(&self) -> &str {
        ""
    }

    /// The origin links point to when it is not our own site (pages must allow it to
    /// show images).
    fn link_origin(&self) -> Option<String> {
        None
    }

    /// A link that opens the object until it expires.
    fn link<'a>(&'a self, spec: &'a LinkSpec<'a>) -> BoxFuture<'a, anyhow::Result<String>>;
}

pub type Storage = Arc<dyn ObjectStore>;

/// Deletes objects whose rows are gone; one that cannot be deleted now is left to the
/// sweep (which removes what no row points to), so a failure here is only logged.
pub async fn remove_objects(storage: &Storage, keys: &[String]) {
    for key in keys {
        if let Err(error) = storage.delete(key).await {
            tracing::warn!(error = format!("{error:#}"), %key, "object left for the sweep");
        }
    }
}

/// Deletes each `(id, object key)` row with `delete_sql` (which takes the id as `$1` and
/// may add its own condition), then its object; how many rows went. A row another instance
/// removed first is skipped, its object too (that instance removes it).
pub async fn remove_rows_and_objects(
    db: &crate::backend::db::Db,
    storage: &Storage,
    delete_sql: &str,
    rows: Vec<(String, Option<String>)>,
) -> anyhow::Result<usize> {
    let mut removed = 0;
    for (id, key) in rows {
        let gone = sqlx::query(delete_sql)
            .bind(&id)
            .execute(&db.pool)
            .await?
            .rows_affected();
        if gone > 0 {
            removed += 1;
            if let Some(key) = key {
                remove_objects(storage, &[key]).await;
            }
        }
    }
    Ok(removed)
}

/// The name of an object in storage.
pub fn object_key(firm_id: &str, object_id: &str) -> String {
    format!("{firm_id}/{object_id}")
}

/// The key a new object of `firm_id` is stored under in `store`: its prefix, then
/// [`object_key`].
pub fn new_object_key(store: &dyn ObjectStore, firm_id: &str, object_id: &str) -> String {
    format!("{}{}", store.key_prefix(), object_key(firm_id, object_id))
}

/// The firm of a key of ours under `prefix` (`PREFIX` `FIRM_ID/OBJECT_ID`), if it is one.
pub fn our_key_firm<'a>(prefix: &str, key: &'a str) -> Option<&'a str> {
    let rest = key.strip_prefix(prefix)?;
    is_our_key(rest).then(|| rest.split('/').next().unwrap_or_default())
}

/// Whether a key has the shape of ours (`FIRM_ID/OBJECT_ID`, both UUIDs). A bucket may be
/// shared with other data; the sweep never touches a key of another shape.
pub fn is_our_key(key: &str) -> bool {
    key.split_once('/').is_some_and(|(firm, object)| {
        uuid::Uuid::try_parse(firm).is_ok() && uuid::Uuid::try_parse(object).is_ok()
    })
}

/// The backend `STORAGE_URL` names.
pub async fn from_config(config: &Config) -> anyhow::Result<Storage> {
    from_url(config.storage.url.as_str(), config).await
}

/// The backend a `STORAGE_URL`-style `url` names (another store than the configured one:
/// where a restore reads the keyring from).
pub async fn from_url(url: &str, config: &Config) -> anyhow::Result<Storage> {
    if let Some(dir) = url.strip_prefix("file://") {
        Ok(Arc::new(local::LocalStore::open(dir.into(), config).await?))
    } else {
        Ok(Arc::new(s3::S3Store::from_url(url, config)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_our_shape_are_ours() {
        let firm = crate::backend::db::new_id();
        assert!(is_our_key(&object_key(
            &firm,
            &crate::backend::db::new_id()
        )));
        for foreign in [
            "backups/2026-12-01.tar",
            "other-app/x",
            &format!("{firm}/notes.txt"),
            &firm,
            "",
        ] {
            assert!(!is_our_key(foreign), "{foreign}");
        }
    }

    #[test]
    fn keys_under_a_prefix_name_their_firm() {
        let firm = crate::backend::db::new_id();
        let key = format!(
            "cpd-registry/{}",
            object_key(&firm, &crate::backend::db::new_id())
        );
        assert_eq!(our_key_firm("cpd-registry/", &key), Some(firm.as_str()));
        assert_eq!(
            our_key_firm("other/", &key),
            None,
            "another deployment's prefix"
        );
        assert_eq!(our_key_firm("", &key), None, "three segments are not ours");
        let bare = object_key(&firm, &crate::backend::db::new_id());
        assert_eq!(our_key_firm("", &bare), Some(firm.as_str()));
        assert_eq!(
            our_key_firm("cpd-registry/", &bare),
            None,
            "outside the prefix"
        );
    }

    #[test]
    fn content_disposition_names_the_file_safely() {
        assert_eq!(
            Disposition::Inline.header("intyg.pdf"),
            "inline; filename=\"intyg.pdf\"; filename*=UTF-8''intyg.pdf"
        );
        let header = Disposition::Attachment.header("Kurs \"å\"\r\n.pdf");
        assert!(header.starts_with("attachment; filename=\"Kurs ____"));
        assert!(header.contains("filename*=UTF-8''Kurs%20%22%C3%A5%22%0D%0A.pdf"));
        assert!(!header.contains('\r') && !header.contains('\n'));
    }
}
