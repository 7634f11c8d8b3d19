//! Typed configuration, read once from environment variables at start-up.
//!
//! Every variable is listed in the README's configuration table; keep the two in step.
//! Secrets are wrapped in types whose `Debug` prints nothing, so a logged `Config` leaks
//! nothing.

use crate::backend::net::IpNet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The 32-byte master key from which every other server key is derived.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn from_hex(text: &str) -> Result<MasterKey, ConfigError> {
        let bytes = hex::decode(text.trim()).map_err(|_| ConfigError::BadSecret)?;
        let key: [u8; 32] = bytes
            .get(..32)
            .and_then(|b| b.try_into().ok())
            .ok_or(ConfigError::BadSecret)?;
        Ok(MasterKey(key))
    }

    pub fn generate() -> MasterKey {
        MasterKey(rand::random())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

/// A string that may hold credentials (a database or SMTP URL with a password).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Show a URL's scheme so logs still say which backend is in use; a bare secret
        // (an access key) shows nothing.
        match self.0.split_once("://") {
            Some((scheme, _)) => write!(f, "{scheme}://<redacted>"),
            None => f.write_str("<redacted>"),
        }
    }
}

/// Where the master key came from; logged at start-up so an operator can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    File(PathBuf),
    /// Development only: generated on first run and kept in the data directory.
    Generated(PathBuf),
}

/// The address people reach the app at (`PUBLIC_URL`), without a trailing `/`: every link
/// in mail and reports starts with it, and whether it is https decides cookie security.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    fn parse(text: &str) -> Result<PublicUrl, ConfigError> {
        let url = text.trim().trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| invalid("PUBLIC_URL", "must start with http:// or https://".into()))?;
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(invalid(
                "PUBLIC_URL",
                "must name a host, e.g. https://cpd.example.se".into(),
            ));
        }
        Ok(PublicUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether people reach us over TLS (cookies are then `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The host name, without scheme, port or path.
    pub fn host(&self) -> &str {
        self.0
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split([':', '/'])
            .next()
            .unwrap_or("localhost")
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the workers must confine themselves (`WORKER_SANDBOX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerSandbox {
    /// They stop when Landlock or seccomp cannot be set.
    Required,
    BestEffort,
}

impl WorkerSandbox {
    /// As the workers take it on their command line.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerSandbox::Required => "required",
            WorkerSandbox::BestEffort => "best-effort",
        }
    }
}

impl fmt::Display for WorkerSandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every setting, by the part of the system it configures.
#[derive(Debug, Clone)]
pub struct Config {
    pub env: AppEnv,
    pub log_format: LogFormat,
    /// Where the development database, objects and keys live by default (`DATA_DIR`).
    pub data_dir: PathBuf,
    pub http: HttpConfig,
    pub db: DbConfig,
    pub mail: MailConfig,
    pub storage: StorageConfig,
    pub audit: AuditConfig,
    pub uploads: UploadConfig,
    pub secrets: SecretsConfig,
    pub backup: BackupConfig,
}

/// How the server listens and is reached.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub site_addr: SocketAddr,
    pub site_root: PathBuf,
    pub public_url: PublicUrl,
    pub trusted_proxies: Vec<IpNet>,
    /// Bearer token for `/metrics`; unset: no metrics route.
    pub metrics_token: Option<SecretString>,
    /// The `Contact:` of security.txt.
    pub security_contact: String,
}

#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `sqlite://PATH` or `postgres://…` (`DATABASE_URL`).
    pub url: SecretString,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `None` selects the development mailbox.
    pub smtp_url: Option<SecretString>,
    /// The sender of every mail, e.g. `CPD Registry <no-reply@cpd.example.se>`.
    pub from: String,
    /// The least time between two sign-in codes to one address (`SIGN_IN_CODE_INTERVAL_SECS`).
    pub code_interval: Duration,
    /// Codes one network may ask for in an hour (`SIGN_IN_CODES_PER_IP_HOUR`): a whole
    /// office shares one address, a script guessing addresses does not get far.
    pub codes_per_ip_hour: i64,
}

#[derive(Debug, Clone)]
pub struct StorageConfig {
    /// `file://DIR` or `s3://BUCKET?endpoint=…` (`STORAGE_URL`).
    pub url: String,
    /// The S3 key prefix every object of this deployment is written under and the sweep
    /// lists (`STORAGE_PREFIX`): empty, or ending in `/`.
    pub prefix: String,
    /// Keys for an `s3://` URL (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
    pub s3_access_key_id: Option<SecretString>,
    pub s3_secret_access_key: Option<SecretString>,
    /// What one firm may store in certificates and reports (`FIRM_STORAGE_QUOTA_MB`).
    pub firm_quota_bytes: u64,
    /// How long a link to a stored file works (`SIGNED_URL_TTL_SECS`, at most an hour).
    pub signed_url_ttl: Duration,
}

#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Rows older than this are removed through a recorded purge (`AUDIT_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Time between signed checkpoints of the audit chains.
    pub checkpoint_interval: Duration,
    /// Where checkpoints are also written, outside the database (JSON lines).
    pub checkpoint_file: PathBuf,
}

/// Backups (`cpd-registry backup`, and the daily ones of the embedded default).
#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// Where the daily backups are written (`BACKUP_DIR`; `DATA_DIR/backups`).
    pub dir: PathBuf,
    /// Whether this instance makes one every day (`BACKUP_DAILY`): on by default with the
    /// embedded SQLite database, off with PostgreSQL (whose operator runs base backups and
    /// WAL archiving, see the README).
    pub daily: bool,
    /// How many daily backups are kept (`BACKUP_KEEP`, 1 to 90, 30 by default); none is
    /// ever kept past 90 days, so deleted data leaves the backups in time.
    pub keep: u32,
    /// The key archives are encrypted under (`BACKUP_KEY`, 64 hex digits); derived from the
    /// master key when unset.
    pub key: Option<MasterKey>,
}

#[derive(Debug, Clone)]
pub struct UploadConfig {
    /// The largest certificate file accepted (`UPLOAD_MAX_BYTES`).
    pub max_bytes: u64,
    /// Inspection workers that may run at once (`UPLOAD_WORKERS`); uploads beyond wait a
    /// little, then get 503 with Retry-After.
    pub workers: usize,
    /// The program that inspects untrusted files in a process of its own
    /// (`INSPECT_COMMAND`; this binary by default, run as `cpd-registry inspect`).
    pub inspect_command: PathBuf,
    pub worker_sandbox: WorkerSandbox,
}

#[derive(Debug, Clone)]
pub struct SecretsConfig {
    /// The master key every other server key is derived from.
    pub app_secret: MasterKey,
    pub source: SecretSource,
}

/// The variables, read through a lookup, with the small parsers every section uses.
struct Vars<F: Fn(&str) -> Option<String>>(F);

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }

    /// `1`, `true` or `yes`.
    fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
    }

    fn number(
        &self,
        name: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    invalid(
                        name,
                        format!("use a number from {} to {}", range.start(), range.end()),
                    )
                }),
        }
    }

    fn seconds(
        &self,
        name: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Duration, ConfigError> {
        self.number(name, default, range).map(Duration::from_secs)
    }

    /// One of `choices` (the first is the default), by its name.
    fn choice<T: Copy>(&self, name: &'static str, choices: &[(&str, T)]) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(choices[0].1),
            Some(text) => choices
                .iter()
                .find(|(n, _)| *n == text.trim())
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                    invalid(name, format!("{text:?}: use {}", names.join(" or ")))
                }),
        }
    }

    /// A URL whose scheme is one of `schemes`.
    fn url(
        &self,
        name: &'static str,
        default: String,
        schemes: &[&str],
        hint: &str,
    ) -> Result<String, ConfigError> {
        let url = self.get(name).unwrap_or(default);
        if schemes.iter().any(|s| url.starts_with(s)) {
            Ok(url)
        } else {
            Err(invalid(name, hint.to_owned()))
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error(
        "APP_SECRET must be at least 64 hexadecimal characters (32 bytes); \
         generate one with `openssl rand -hex 32`"
    )]
    BadSecret,
    #[error(
        "APP_ENV=production needs a master key: set APP_SECRET or APP_SECRET_FILE \
         (generate one with `openssl rand -hex 32`)"
    )]
    MissingSecretInProduction,
    #[error("APP_ENV=production needs SMTP_URL: the development mailbox is not for production")]
    DevMailboxInProduction,
    #[error(
        "SITE_ADDR {0} is reachable from the network but APP_ENV is not set: set APP_ENV=production \
         (or APP_ENV=development to run a development server there on purpose)"
    )]
    DevelopmentOnNetwork(SocketAddr),
    #[error(
        "APP_ENV=production needs an https:// PUBLIC_URL (sessions, links and HSTS depend on it); \
         set ALLOW_INSECURE_HTTP=true only for a closed test network"
    )]
    InsecurePublicUrl,
    #[error(
        "APP_ENV=production needs encrypted mail: use smtps://… or smtp://…?tls=required; \
         set SMTP_ALLOW_PLAINTEXT=true only for a relay on this machine"
    )]
    PlaintextSmtp,
    #[error("could not read or write {path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `lookup`, so tests can pass variables without touching
    /// the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let vars = Vars(lookup);
        let env_given = vars.get("APP_ENV").is_some();
        let env = vars.choice(
            "APP_ENV",
            &[
                ("development", AppEnv::Development),
                ("dev", AppEnv::Development),
                ("production", AppEnv::Production),
                ("prod", AppEnv::Production),
            ],
        )?;
        let data_dir = PathBuf::from(vars.get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let log_format = match env {
            AppEnv::Production => vars.choice(
                "LOG_FORMAT",
                &[("json", LogFormat::Json), ("pretty", LogFormat::Pretty)],
            )?,
            AppEnv::Development => vars.choice(
                "LOG_FORMAT",
                &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)],
            )?,
        };
        let http = HttpConfig::read(&vars)?;
        let mail = MailConfig::read(&vars, &http.public_url)?;
        let http = HttpConfig {
            security_contact: vars.get("SECURITY_CONTACT").unwrap_or_else(|| {
                let from = mail.from.rsplit('@').next().unwrap_or("localhost");
                format!("mailto:security@{}", from.trim_end_matches('>'))
            }),
            ..http
        };
        let config = Config {
            env,
            log_format,
            db: DbConfig {
                url: SecretString(vars.url(
                    "DATABASE_URL",
                    format!("sqlite://{}/cpd.db", data_dir.display()),
                    &["sqlite:", "postgres"],
                    "use sqlite://PATH or postgres://…",
                )?),
            },
            storage: StorageConfig::read(&vars, &data_dir)?,
            audit: AuditConfig::read(&vars, &data_dir)?,
            uploads: UploadConfig::read(&vars)?,
            secrets: SecretsConfig::read(&vars, env, &data_dir)?,
            backup: BackupConfig::read(&vars, &data_dir)?,
            http,
            mail,
            data_dir,
        };
        config.refuse_unsafe(env_given, |name| vars.flag(name))?;
        Ok(config)
    }

    /// What a deployment must not run as: production on development parts or in clear
    /// text, and a development server on a network address nobody asked for.
    fn refuse_unsafe(
        &self,
        env_given: bool,
        flag: impl Fn(&str) -> bool,
    ) -> Result<(), ConfigError> {
        if self.is_production() && self.mail.smtp_url.is_none() {
            return Err(ConfigError::DevMailboxInProduction);
        }
        // Development fails closed: a server on a network address must be asked for.
        if !env_given && !self.http.site_addr.ip().is_loopback() {
            return Err(ConfigError::DevelopmentOnNetwork(self.http.site_addr));
        }
        if self.is_production() {
            if !self.http.public_url.is_https() && !flag("ALLOW_INSECURE_HTTP") {
                return Err(ConfigError::InsecurePublicUrl);
            }
            if let Some(url) = &self.mail.smtp_url
                && !(url.0.starts_with("smtps://") || url.0.contains("tls=required"))
                && !flag("SMTP_ALLOW_PLAINTEXT")
            {
                return Err(ConfigError::PlaintextSmtp);
            }
        }
        Ok(())
    }

    pub fn code_throttle(&self) -> crate::backend::auth::challenge::Throttle {
        crate::backend::auth::challenge::Throttle {
            interval: i64::try_from(self.mail.code_interval.as_micros()).unwrap_or(60_000_000),
            ..Default::default()
        }
    }

    pub fn is_production(&self) -> bool {
        self.env == AppEnv::Production
    }
}

impl HttpConfig {
    fn read<F: Fn(&str) -> Option<String>>(vars: &Vars<F>) -> Result<HttpConfig, ConfigError> {
        let site_addr: SocketAddr = vars
            .get("SITE_ADDR")
            .or_else(|| vars.get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| {
                invalid(
                    "SITE_ADDR",
                    format!("{e}: use host:port, e.g. 0.0.0.0:3000"),
                )
            })?;
        let site_root = PathBuf::from(
            vars.get("SITE_ROOT")
                .or_else(|| vars.get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
        );
        let public_url = PublicUrl::parse(
            &vars
                .get("PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{site_addr}")),
        )?;
        let trusted_proxies = vars
            .get("TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(str::parse)
                    .collect::<Result<Vec<IpNet>, String>>()
            })
            .transpose()
            .map_err(|reason| invalid("TRUSTED_PROXIES", reason))?
            .unwrap_or_default();
        Ok(HttpConfig {
            site_addr,
            site_root,
            public_url,
            trusted_proxies,
            metrics_token: vars.get("METRICS_TOKEN").map(SecretString),
            security_contact: String::new(),
        })
    }
}

impl MailConfig {
    fn read<F: Fn(&str) -> Option<String>>(
        vars: &Vars<F>,
        public_url: &PublicUrl,
    ) -> Result<MailConfig, ConfigError> {
        let smtp_url = match vars.get("SMTP_URL") {
            None => None,
            Some(_) => Some(SecretString(vars.url(
                "SMTP_URL",
                String::new(),
                &["smtp://", "smtps://"],
                "use smtp://… or smtps://…",
            )?)),
        };
        let from = vars.get("MAIL_FROM").unwrap_or_else(|| {
            let host = public_url.host();
            let host = if host.contains('.') && host.parse::<std::net::IpAddr>().is_err() {
                host
            } else {
                "cpd-registry.localhost"
            };
            format!("CPD Registry <no-reply@{host}>")
        });
        let code_interval = vars
            .seconds("SIGN_IN_CODE_INTERVAL_SECS", 60, 1..=3600)
            .map_err(|_| {
                invalid(
                    "SIGN_IN_CODE_INTERVAL_SECS",
                    "use a number of seconds from 1 to 3600".into(),
                )
            })?;
        let codes_per_ip_hour =
            i64::try_from(vars.number("SIGN_IN_CODES_PER_IP_HOUR", 100, 1..=100_000)?)
                .unwrap_or(100);
        Ok(MailConfig {
            smtp_url,
            from,
            code_interval,
            codes_per_ip_hour,
        })
    }
}

impl StorageConfig {
    fn read<F: Fn(&str) -> Option<String>>(
        vars: &Vars<F>,
        data_dir: &Path,
    ) -> Result<StorageConfig, ConfigError> {
        let url = vars.url(
            "STORAGE_URL",
            format!("file://{}/objects", data_dir.display()),
            &["file://", "s3://"],
            "use file://DIR or s3://BUCKET?endpoint=…",
        )?;
        let prefix = vars
            .get("STORAGE_PREFIX")
            .unwrap_or_else(|| DEFAULT_STORAGE_PREFIX.to_owned());
        if !valid_storage_prefix(&prefix) {
            return Err(invalid(
                "STORAGE_PREFIX",
                "use letters, digits, '.', '_', '-' and '/', ending in '/' (e.g. cpd-registry/), or nothing".into(),
            ));
        }
        Ok(StorageConfig {
            url,
            prefix,
            s3_access_key_id: vars.get("AWS_ACCESS_KEY_ID").map(SecretString),
            s3_secret_access_key: vars.get("AWS_SECRET_ACCESS_KEY").map(SecretString),
            firm_quota_bytes: vars.number("FIRM_STORAGE_QUOTA_MB", 5 * 1024, 1..=10_000_000)?
                * 1024
                * 1024,
            signed_url_ttl: vars.seconds("SIGNED_URL_TTL_SECS", 3600, 1..=3600)?,
        })
    }
}

impl AuditConfig {
    fn read<F: Fn(&str) -> Option<String>>(
        vars: &Vars<F>,
        data_dir: &Path,
    ) -> Result<AuditConfig, ConfigError> {
        // Seven years, the retention the data processing terms state; never under a year.
        let retention_days =
            u32::try_from(vars.number("AUDIT_RETENTION_DAYS", 2557, 365..=36_500)?).unwrap_or(2557);
        Ok(AuditConfig {
            retention_days,
            checkpoint_interval: vars.seconds(
                "AUDIT_CHECKPOINT_INTERVAL_SECS",
                3600,
                1..=86_400,
            )?,
            checkpoint_file: vars
                .get("AUDIT_CHECKPOINT_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("audit-checkpoints.jsonl")),
        })
    }
}

impl BackupConfig {
    fn read<F: Fn(&str) -> Option<String>>(
        vars: &Vars<F>,
        data_dir: &Path,
    ) -> Result<BackupConfig, ConfigError> {
        let embedded = vars
            .get("DATABASE_URL")
            .is_none_or(|url| url.starts_with("sqlite:"));
        let daily = match vars.get("BACKUP_DAILY") {
            None => embedded,
            Some(_) => vars.flag("BACKUP_DAILY"),
        };
        Ok(BackupConfig {
            dir: vars
                .get("BACKUP_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("backups")),
            daily,
            keep: u32::try_from(vars.number("BACKUP_KEEP", 30, 1..=90)?).unwrap_or(30),
            key: vars
                .get("BACKUP_KEY")
                .map(|hex| {
                    MasterKey::from_hex(&hex).map_err(|_| {
                        invalid("BACKUP_KEY", "use 64 hex digits (32 random bytes)".into())
                    })
                })
                .transpose()?,
        })
    }
}

impl UploadConfig {
    fn read<F: Fn(&str) -> Option<String>>(vars: &Vars<F>) -> Result<UploadConfig, ConfigError> {
        Ok(UploadConfig {
            max_bytes: vars.number(
                "UPLOAD_MAX_BYTES",
                10 * 1024 * 1024,
                1024..=100 * 1024 * 1024,
            )?,
            workers: usize::try_from(vars.number("UPLOAD_WORKERS", 4, 1..=64)?).unwrap_or(4),
            inspect_command: vars
                .get("INSPECT_COMMAND")
                .map(PathBuf::from)
                .or_else(|| std::env::current_exe().ok())
                .unwrap_or_else(|| PathBuf::from("cpd-registry")),
            worker_sandbox: vars.choice(
                "WORKER_SANDBOX",
                &[
                    ("required", WorkerSandbox::Required),
                    ("best-effort", WorkerSandbox::BestEffort),
                ],
            )?,
        })
    }
}

impl SecretsConfig {
    fn read<F: Fn(&str) -> Option<String>>(
        vars: &Vars<F>,
        env: AppEnv,
        data_dir: &Path,
    ) -> Result<SecretsConfig, ConfigError> {
        let (app_secret, source) = match (vars.get("APP_SECRET"), vars.get("APP_SECRET_FILE")) {
            (Some(hex), _) => (MasterKey::from_hex(&hex)?, SecretSource::Environment),
            (None, Some(path)) => {
                let path = PathBuf::from(path);
                let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
                (MasterKey::from_hex(&text)?, SecretSource::File(path))
            }
            (None, None) if env == AppEnv::Production => {
                return Err(ConfigError::MissingSecretInProduction);
            }
            (None, None) => {
                let path = data_dir.join("app_secret");
                (
                    load_or_generate_dev_secret(&path)?,
                    SecretSource::Generated(path),
                )
            }
        };
        Ok(SecretsConfig { app_secret, source })
    }
}

/// Where a deployment's objects go in a bucket unless told otherwise.
pub const DEFAULT_STORAGE_PREFIX: &str = "cpd-registry/";

/// A key prefix S3 takes as it is and that cannot reach outside itself: empty, or path
/// segments of plain characters, each followed by `/`.
pub fn valid_storage_prefix(prefix: &str) -> bool {
    prefix.is_empty()
        || (prefix.len() <= 200
            && prefix.ends_with('/')
            && prefix[..prefix.len() - 1].split('/').all(|segment| {
                !segment.is_empty()
                    && segment != "."
                    && segment != ".."
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            }))
}

fn invalid(name: &'static str, reason: String) -> ConfigError {
    ConfigError::Invalid { name, reason }
}

fn io_error(path: &Path, e: std::io::Error) -> ConfigError {
    ConfigError::Io {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Development convenience: a key generated once and kept beside the database, readable
/// by its owner only.
fn load_or_generate_dev_secret(path: &Path) -> Result<MasterKey, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => MasterKey::from_hex(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            }
            let key = MasterKey::generate();
            write_private(path, &key.to_hex()).map_err(|e| io_error(path, e))?;
            Ok(key)
        }
        Err(e) => Err(io_error(path, e)),
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn development_generates_and_then_reuses_a_secret() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_str().expect("utf-8 path");
        let first = Config::from_lookup(lookup(&[("DATA_DIR", data)])).expect("config");
        assert_eq!(
            first.secrets.source,
            SecretSource::Generated(dir.path().join("app_secret"))
        );
        let second = Config::from_lookup(lookup(&[("DATA_DIR", data)])).expect("config");
        assert_eq!(
            first.secrets.app_secret.expose(),
            second.secrets.app_secret.expose()
        );
        assert_eq!(first.db.url.expose(), format!("sqlite://{data}/cpd.db"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("app_secret"))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn storage_prefixes_are_plain_and_end_in_a_slash() {
        let prefix = |value: Option<&str>| {
            let dir = tempfile::tempdir().expect("temp dir");
            let data = dir.path().to_str().expect("utf-8 path").to_owned();
            let mut vars = vec![("DATA_DIR", data.as_str())];
            if let Some(v) = value {
                vars.push(("STORAGE_PREFIX", v));
            }
            Config::from_lookup(lookup(&vars)).map(|c| c.storage.prefix)
        };
        assert_eq!(prefix(None).expect("default"), "cpd-registry/");
        for good in ["", "cpd-registry/", "acme/prod/", "a.b_c-1/"] {
            assert_eq!(prefix(Some(good)).expect(good), good);
        }
        for bad in [
            "cpd-registry",
            "/cpd/",
            "a//b/",
            "../x/",
            "./",
            "a b/",
            "å/",
            "a/?/",
        ] {
            assert!(prefix(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let err = Config::from_lookup(lookup(&[
            ("APP_ENV", "production"),
            ("SMTP_URL", "smtp://mail"),
        ]))
        .expect_err("must refuse");
        assert_eq!(err, ConfigError::MissingSecretInProduction);
    }

    #[test]
    fn production_refuses_the_development_mailbox() {
        let err = Config::from_lookup(lookup(&[("APP_ENV", "production"), ("APP_SECRET", KEY)]))
            .expect_err("must refuse");
        assert_eq!(err, ConfigError::DevMailboxInProduction);
    }

    #[test]
    fn production_starts_with_what_it_needs() {
        let config = Config::from_lookup(lookup(&[
            ("APP_ENV", "production"),
            ("APP_SECRET", KEY),
            ("PUBLIC_URL", "https://cpd.example.se"),
            ("SMTP_URL", "smtp://user:pw@mail.example:587?tls=required"),
            ("DATABASE_URL", "postgres://cpd:hunter2@db/cpd"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ]))
        .expect("config");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.http.trusted_proxies.len(), 2);
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains(":pw@"), "{printed}");
        assert!(!printed.contains("00112233"), "{printed}");
    }

    #[test]
    fn development_fails_closed_on_a_network_address() {
        let err = Config::from_lookup(lookup(&[
            ("APP_SECRET", KEY),
            ("SITE_ADDR", "0.0.0.0:3000"),
        ]))
        .expect_err("must refuse");
        assert_eq!(
            err,
            ConfigError::DevelopmentOnNetwork("0.0.0.0:3000".parse().expect("addr"))
        );
        // Asked for on purpose, it starts (and its mailbox still answers loopback only).
        Config::from_lookup(lookup(&[
            ("APP_SECRET", KEY),
            ("SITE_ADDR", "0.0.0.0:3000"),
            ("APP_ENV", "development"),
        ]))
        .expect("explicit development");
        Config::from_lookup(lookup(&[("APP_SECRET", KEY), ("SITE_ADDR", "[::1]:3000")]))
            .expect("loopback");
    }

    #[test]
    fn production_refuses_plain_http_and_plaintext_mail_unless_allowed() {
        let base = [
            ("APP_ENV", "production"),
            ("APP_SECRET", KEY),
            ("SMTP_URL", "smtps://mail.example"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut vars = base.to_vec();
            vars.extend_from_slice(extra);
            Config::from_lookup(lookup(&vars))
        };
        assert_eq!(
            with(&[("PUBLIC_URL", "http://cpd.example.se")]).err(),
            Some(ConfigError::InsecurePublicUrl)
        );
        with(&[
            ("PUBLIC_URL", "http://cpd.test"),
            ("ALLOW_INSECURE_HTTP", "true"),
        ])
        .expect("allowed");
        assert_eq!(
            with(&[
                ("PUBLIC_URL", "https://cpd.example.se"),
                ("SMTP_URL", "smtp://mail:25")
            ])
            .err(),
            Some(ConfigError::PlaintextSmtp)
        );
        with(&[
            ("PUBLIC_URL", "https://cpd.example.se"),
            ("SMTP_URL", "smtp://127.0.0.1:25"),
            ("SMTP_ALLOW_PLAINTEXT", "1"),
        ])
        .expect("a local relay, on purpose");
    }

    #[test]
    fn retention_never_goes_below_twelve_months() {
        let err = Config::from_lookup(lookup(&[
            ("APP_SECRET", KEY),
            ("AUDIT_RETENTION_DAYS", "30"),
        ]))
        .expect_err("too short");
        assert!(err.to_string().starts_with("AUDIT_RETENTION_DAYS"), "{err}");
        let ok = Config::from_lookup(lookup(&[
            ("APP_SECRET", KEY),
            ("AUDIT_RETENTION_DAYS", "365"),
        ]))
        .expect("a year");
        assert_eq!(ok.audit.retention_days, 365);
    }

    #[test]
    fn short_or_malformed_secrets_are_refused() {
        assert_eq!(
            MasterKey::from_hex("abcd").err(),
            Some(ConfigError::BadSecret)
        );
        assert_eq!(
            MasterKey::from_hex("zz").err(),
            Some(ConfigError::BadSecret)
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = Config::from_lookup(lookup(&[("APP_SECRET", KEY), ("LOG_FORMAT", "xml")]))
            .expect_err("bad");
        assert!(err.to_string().starts_with("LOG_FORMAT"), "{err}");
        let err = Config::from_lookup(lookup(&[
            ("APP_SECRET", KEY),
            ("DATABASE_URL", "mysql://x"),
        ]))
        .expect_err("bad");
        assert!(err.to_string().starts_with("DATABASE_URL"), "{err}");
    }
}
