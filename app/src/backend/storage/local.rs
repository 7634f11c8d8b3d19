//! The embedded backend: objects as sealed files under one directory
//! (`DIR/FIRM_ID/OBJECT_ID`), opened only by our `/files/…` route with a signed link.

use super::data_key::DataKey;
use super::sealed::{CHUNK, Opener, TAG};
use super::signed_url::{self, Grant};
use super::spool::Spool;
use super::{LinkSpec, ObjectStore, PlainStream};
use crate::backend::config::Config;
use anyhow::Context;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use std::path::{Path, PathBuf};
use tokio::io::AsyncReadExt;

pub struct LocalStore {
    dir: PathBuf,
    spool_dir: PathBuf,
    master: [u8; 32],
}

impl std::fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalStore")
            .field("dir", &self.dir)
            .finish()
    }
}

/// Whether a name can be one of ours: ids of letters, digits and dashes, so nothing taken
/// from a URL can climb out of the directory.
fn is_id(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 64
        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub fn valid_key(key: &str) -> bool {
    key.split_once('/')
        .is_some_and(|(firm, object)| is_id(firm) && is_id(object))
}

impl LocalStore {
    pub async fn open(dir: PathBuf, config: &Config) -> anyhow::Result<LocalStore> {
        let spool_dir = dir.join(".incoming");
        tokio::fs::create_dir_all(&spool_dir)
            .await
            .with_context(|| format!("creating the storage directory {}", dir.display()))?;
        restrict(&dir)?;
        Ok(LocalStore {
            dir,
            spool_dir,
            master: *config.secrets.app_secret.expose(),
        })
    }

    fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        anyhow::ensure!(valid_key(key), "not an object key");
        Ok(self.dir.join(key))
    }
}

/// Only this user may read the storage directory (the files are sealed anyway).
fn restrict(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

impl ObjectStore for LocalStore {
    fn spool_dir(&self) -> &Path {
        &self.spool_dir
    }

    fn put<'a>(
        &'a self,
        spool: Spool,
        _firm_key: &'a DataKey,
        _mime: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            // The spool is already sealed for this name: storing it is a rename.
            let dest = self.path(spool.key())?;
            spool
                .persist(&dest)
                .await
                .context("moving the spool into place")
        }
        .boxed()
    }

    fn get<'a>(
        &'a self,
        key: &'a str,
        firm_key: &'a DataKey,
    ) -> BoxFuture<'a, anyhow::Result<PlainStream>> {
        async move {
            let file = tokio::fs::File::open(self.path(key)?)
                .await
                .with_context(|| format!("opening object {key}"))?;
            let opener = Opener::new(firm_key, key);
            Ok(plain_stream(file, opener))
        }
        .boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e).with_context(|| format!("removing object {key}")),
            }
        }
        .boxed()
    }

    fn create_small<'a>(
        &'a self,
        key: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        async move {
            let dest = self.path(key)?;
            if let Some(dir) = dest.parent() {
                tokio::fs::create_dir_all(dir).await?;
            }
            // Written whole beside, then linked in: a link never replaces a file, so of
            // two writers at once only the first lands, and both read it back.
            let partial = self
                .spool_dir
                .join(format!("small-{}", crate::backend::db::new_id()));
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&partial)
                .await
                .with_context(|| format!("writing {key}"))?;
            tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
            file.sync_all().await?;
            drop(file);
            let linked = tokio::fs::hard_link(&partial, &dest).await;
            let _ = tokio::fs::remove_file(&partial).await;
            match linked {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e).with_context(|| format!("putting {key} in place")),
            }
            tokio::fs::read(&dest)
                .await
                .with_context(|| format!("reading {key}"))
        }
        .boxed()
    }

    fn read_small<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        async move {
            match tokio::fs::read(self.path(key)?).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("reading {key}")),
            }
        }
        .boxed()
    }

    fn list(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, i64)>>> {
        async move {
            let mut out = Vec::new();
            let mut firms = tokio::fs::read_dir(&self.dir).await?;
            while let Some(firm) = firms.next_entry().await? {
                let name = firm.file_name().to_string_lossy().into_owned();
                if !is_id(&name) || !firm.file_type().await?.is_dir() {
                    continue;
                }
                let mut objects = tokio::fs::read_dir(firm.path()).await?;
                while let Some(object) = objects.next_entry().await? {
                    let modified = object
                        .metadata()
                        .await?
                        .modified()?
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
                    out.push((
                        format!("{name}/{}", object.file_name().to_string_lossy()),
                        modified,
                    ));
                }
            }
            Ok(out)
        }
        .boxed()
    }

    fn link<'a>(&'a self, spec: &'a LinkSpec<'a>) -> BoxFuture<'a, anyhow::Result<String>> {
        async move {
            let (firm, object) = spec.key.split_once('/').context("not an object key")?;
            let grant = Grant {
                firm_id: firm.to_owned(),
                object_id: object.to_owned(),
                disposition: spec.disposition.as_str().to_owned(),
                expires: crate::backend::db::now_micros() / 1_000_000
                    + i64::try_from(spec.ttl_secs.min(signed_url::TTL_SECS as u64))?,
            };
            // Relative: the link is opened on our own site, whatever address it is reached at.
            Ok(format!(
                "/files/{firm}/{object}?{}",
                signed_url::sign(&self.master, &grant)
            ))
        }
        .boxed()
    }
}

/// Streams a sealed file's plaintext: reads a chunk, opens it, passes it on.
fn plain_stream(file: tokio::fs::File, opener: Opener) -> PlainStream {
    let state = Some((file, opener, vec![0u8; CHUNK + TAG]));
    futures_util::stream::unfold(state, |state| async move {
        let (mut file, mut opener, mut buffer) = state?;
        loop {
            let n = match file.read(&mut buffer).await {
                Ok(n) => n,
                Err(e) => return Some((Err(e), None)),
            };
            if n == 0 {
                let last = opener.finish().map_err(std::io::Error::other);
                return Some((last.map(bytes::Bytes::from), None));
            }
            match opener.push(&buffer[..n]) {
                Ok(plain) if plain.is_empty() => continue,
                Ok(plain) => {
                    return Some((Ok(bytes::Bytes::from(plain)), Some((file, opener, buffer))));
                }
                Err(e) => return Some((Err(std::io::Error::other(e)), None)),
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_urls_cannot_leave_the_directory() {
        assert!(valid_key("019a-firm/019b-object"));
        for bad in [
            "../x/y",
            "a/../b",
            "a/b/c",
            "/etc/passwd",
            "a/",
            "/b",
            "a/b.c",
            "a",
        ] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
