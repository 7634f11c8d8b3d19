//! One database pool for SQLite (embedded default) and PostgreSQL (production).
//!
//! The same SQL runs on both (`$1` placeholders, `RETURNING`, `ON CONFLICT`); ids are UUID
//! text and times integer microseconds, which both store alike. The few real differences
//! live here. Each backend has its own migration folder; a test compares the schemas.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

mod sqlcipher;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("unsupported database URL scheme (use sqlite:// or postgres://)")
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The application's database: a pool, which backend it talks to, and the keys its
/// personal fields are sealed with.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    pub records: std::sync::Arc<crate::backend::sealing::Records>,
}

impl Db {
    /// Opens the pool. A SQLite file (and its directory) is created if missing, and is
    /// encrypted with SQLCipher under a key derived from `master`; a plain SQLite file left
    /// by an earlier version is encrypted in place first.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(url: &str, master: &[u8; 32]) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        tracing::Span::current().record("backend", backend.name());
        let file_key = sqlcipher::FileKey::derive(master);
        let url = match backend {
            Backend::Sqlite => {
                let (url, path) = prepare_sqlite_url(url)?;
                sqlcipher::encrypt_plain_file(&url, &path, &file_key).await?;
                url
            }
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing DATABASE_URL")?;
        // SQLite's statements are not logged: the first one on each connection holds its key.
        let options = match backend {
            Backend::Sqlite => options.disable_statement_logging(),
            Backend::Postgres => options,
        };
        let key_pragma = file_key.pragma();
        if backend == Backend::Sqlite {
            // A wrong key fails here, at once and in words; in the pool it would be retried
            // until the acquire timeout and end as a bare time-out.
            let mut probe = sqlx::ConnectOptions::connect(&options)
                .await
                .context("opening the database file")?;
            sqlcipher::unlock(&mut probe, &key_pragma).await?;
            sqlx::Connection::close(probe).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer; a few readers share WAL snapshots.
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                let key_pragma = key_pragma.clone();
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // The key comes before anything reads the file (sqlx has only set
                        // `foreign_keys`, a connection flag); the count proves it is right.
                        sqlcipher::unlock(conn, &key_pragma).await?;
                        // WAL lets readers run beside the writer; the busy timeout makes a
                        // second writer wait instead of failing with SQLITE_BUSY.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        Ok(Db {
            pool,
            backend,
            records: std::sync::Arc::new(crate::backend::sealing::Records::new(master)),
        })
    }

    /// Applies pending migrations; returns how many were applied.
    #[tracing::instrument(skip_all, fields(backend = self.backend.name()))]
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        let migrator = self.backend.migrator();
        let before = self.applied_migrations().await.unwrap_or(0);
        migrator
            .run(&self.pool)
            .await
            .context("applying migrations")?;
        let after = self.applied_migrations().await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> anyhow::Result<usize> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails
    /// with "database is locked" when another connection committed in between, and no
    /// busy timeout can save it. PostgreSQL needs nothing special.
    pub async fn begin(&self) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.context("starting a transaction")
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .context("pinging the database")?;
        Ok(())
    }
}

/// Creates the directory of a file-backed SQLite URL and asks SQLite to create the file;
/// returns the URL and the file's path.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<(String, std::path::PathBuf)> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        anyhow::bail!("use a file for SQLite (an in-memory database is lost with each connection)");
    }
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mode = if query.contains("mode=") {
        String::new()
    } else {
        "mode=rwc".to_owned()
    };
    let query = [query, mode.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("&");
    Ok((format!("sqlite://{path}?{query}"), path.into()))
}

/// Microseconds since the Unix epoch: how every timestamp is stored.
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A stored enum value read back (a role, a status): one the code does not know is an
/// error naming the row, never a silent default.
pub fn known<T>(
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &'static str,
    row: &str,
) -> anyhow::Result<T> {
    parse(value).ok_or_else(|| anyhow::anyhow!("{what} {value:?} of {row} is not one we know"))
}

/// A new time-ordered id (UUID v7), as stored: lowercase hyphenated text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/sub/cpd.db", dir.path().display());
        let (prepared, _) = prepare_sqlite_url(&url).expect("prepared");
        assert!(prepared.ends_with("/sub/cpd.db?mode=rwc"), "{prepared}");
        assert!(dir.path().join("sub").is_dir());
        assert!(prepare_sqlite_url("sqlite::memory:").is_err());
    }
}
