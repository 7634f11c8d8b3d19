//! Typed configuration, read once from environment variables at start-up.
//!
//! Every variable is listed in the README's configuration table; keep the two in step.
//! Secrets are wrapped in types whose `Debug` prints nothing, so a logged `Config` leaks
//! nothing.

use crate::backend::net::IpNet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone)]
pub struct Config {
    pub env: AppEnv,
    pub database_url: SecretString,
    pub site_addr: SocketAddr,
    pub site_root: PathBuf,
    pub public_url: String,
    pub storage_url: String,
    /// The S3 key prefix every object of this deployment is written under and the sweep
    /// lists (`STORAGE_PREFIX`): empty, or ending in `/`.
    pub storage_prefix: String,
    /// `None` selects the development mailbox.
    pub smtp_url: Option<SecretString>,
    /// The sender of every mail, e.g. `CPD Registry <no-reply@cpd.example.se>`.
    pub mail_from: String,
    pub app_secret: MasterKey,
    pub app_secret_source: SecretSource,
    pub trusted_proxies: Vec<IpNet>,
    /// Seconds between two sign-in codes to one address (`SIGN_IN_CODE_INTERVAL_SECS`).
    pub code_interval_secs: u64,
    pub log_format: LogFormat,
    pub data_dir: PathBuf,
    /// Audit rows older than this are removed through a recorded purge (`AUDIT_RETENTION_DAYS`).
    pub audit_retention_days: u32,
    /// Seconds between signed checkpoints of the audit chains.
    pub audit_checkpoint_interval_secs: u64,
    /// Where checkpoints are also written, outside the database (JSON lines).
    pub audit_checkpoint_file: PathBuf,
    /// Bearer token for `/metrics`; unset: no metrics route.
    pub metrics_token: Option<SecretString>,
    /// The `Contact:` of security.txt.
    pub security_contact: String,
    /// Keys for an `s3://` `STORAGE_URL` (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
    pub s3_access_key_id: Option<SecretString>,
    pub s3_secret_access_key: Option<SecretString>,
    /// The largest certificate file accepted (`UPLOAD_MAX_BYTES`).
    pub upload_max_bytes: u64,
    /// Inspection workers that may run at once (`UPLOAD_WORKERS`); uploads beyond wait a
    /// little, then get 503 with Retry-After.
    pub upload_workers: u64,
    /// What one firm may store in certificates and reports (`FIRM_STORAGE_QUOTA_MB`).
    pub firm_quota_bytes: u64,
    /// How long a link to a stored file works (`SIGNED_URL_TTL_SECS`, at most an hour).
    pub signed_url_ttl_secs: u64,
    /// The program that inspects untrusted files in a process of its own
    /// (`INSPECT_COMMAND`; this binary by default, run as `cpd-registry inspect`).
    pub inspect_command: PathBuf,
    /// Whether the workers must confine themselves (`WORKER_SANDBOX`): `required` (they
    /// stop when Landlock or seccomp cannot be set) or `best-effort`.
    pub worker_sandbox: &'static str,
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
        let env_given = lookup("APP_ENV").is_some();
        let env = match lookup("APP_ENV").as_deref().map(str::trim) {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(invalid(
                    "APP_ENV",
                    format!("{other:?}: use development or production"),
                ));
            }
        };
        let data_dir = PathBuf::from(lookup("DATA_DIR").unwrap_or_else(|| "data".into()));
        let site_addr: SocketAddr = lookup("SITE_ADDR")
            .or_else(|| lookup("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| {
                invalid(
                    "SITE_ADDR",
                    format!("{e}: use host:port, e.g. 0.0.0.0:3000"),
                )
            })?;
        let site_root = PathBuf::from(
            lookup("SITE_ROOT")
                .or_else(|| lookup("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
        );
        let public_url = lookup("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "PUBLIC_URL",
                "must start with http:// or https://".into(),
            ));
        }
        let database_url = lookup("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/cpd.db", data_dir.display()));
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(invalid(
                "DATABASE_URL",
                "use sqlite://PATH or postgres://…".into(),
            ));
        }
        let storage_url = lookup("STORAGE_URL")
            .unwrap_or_else(|| format!("file://{}/objects", data_dir.display()));
        if !(storage_url.starts_with("file://") || storage_url.starts_with("s3://")) {
            return Err(invalid(
                "STORAGE_URL",
                "use file://DIR or s3://BUCKET?endpoint=…".into(),
            ));
        }
        let storage_prefix =
            lookup("STORAGE_PREFIX").unwrap_or_else(|| DEFAULT_STORAGE_PREFIX.to_owned());
        if !valid_storage_prefix(&storage_prefix) {
            return Err(invalid(
                "STORAGE_PREFIX",
                "use letters, digits, '.', '_', '-' and '/', ending in '/' (e.g. cpd-registry/), or nothing".into(),
            ));
        }
        let smtp_url = lookup("SMTP_URL").map(SecretString);
        if let Some(url) = &smtp_url
            && !(url.0.starts_with("smtp://") || url.0.starts_with("smtps://"))
        {
            return Err(invalid("SMTP_URL", "use smtp://… or smtps://…".into()));
        }
        let mail_from = lookup("MAIL_FROM").unwrap_or_else(|| {
            let host = public_url
                .split("://")
                .nth(1)
                .unwrap_or("localhost")
                .split([':', '/'])
                .next()
                .unwrap_or("localhost");
            let host = if host.contains('.') && host.parse::<std::net::IpAddr>().is_err() {
                host
            } else {
                "cpd-registry.localhost"
            };
            format!("CPD Registry <no-reply@{host}>")
        });
        let trusted_proxies = lookup("TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(str::parse)
                    .collect::<Result<Vec<IpNet>, String>>()
            })
            .transpose()
            .map_err(|reason| invalid("TRUSTED_PROXIES", reason))?
            .unwrap_or_default();
        let code_interval_secs = match lookup("SIGN_IN_CODE_INTERVAL_SECS") {
            None => 60,
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or_else(|| {
                    invalid(
                        "SIGN_IN_CODE_INTERVAL_SECS",
                        "use a number of seconds from 1 to 3600".into(),
                    )
                })?,
        };
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if env == AppEnv::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("{other:?}: use pretty or json"),
                ));
            }
        };

        let worker_sandbox = match lookup("WORKER_SANDBOX").as_deref() {
            None | Some("required") => "required",
            Some("best-effort") => "best-effort",
            Some(other) => {
                return Err(invalid(
                    "WORKER_SANDBOX",
                    format!("{other:?}: use required or best-effort"),
                ));
            }
        };

        let (app_secret, app_secret_source) =
            match (lookup("APP_SECRET"), lookup("APP_SECRET_FILE")) {
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
        if env == AppEnv::Production && smtp_url.is_none() {
            return Err(ConfigError::DevMailboxInProduction);
        }
        // Development fails closed: a server on a network address must be asked for.
        if !env_given && !site_addr.ip().is_loopback() {
            return Err(ConfigError::DevelopmentOnNetwork(site_addr));
        }
        let flag =
            |name: &str| lookup(name).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        if env == AppEnv::Production {
            if !public_url.starts_with("https://") && !flag("ALLOW_INSECURE_HTTP") {
                return Err(ConfigError::InsecurePublicUrl);
            }
            if let Some(url) = &smtp_url
                && !(url.0.starts_with("smtps://") || url.0.contains("tls=required"))
                && !flag("SMTP_ALLOW_PLAINTEXT")
            {
                return Err(ConfigError::PlaintextSmtp);
            }
        }
        let number =
            |name: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| match lookup(
                name,
            ) {
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
            };
        // Seven years, the retention the data processing terms state.
        let audit_retention_days =
            u32::try_from(number("AUDIT_RETENTION_DAYS", 2557, 365..=36_500)?).unwrap_or(2557);
        let audit_checkpoint_interval_secs =
            number("AUDIT_CHECKPOINT_INTERVAL_SECS", 3600, 1..=86_400)?;
        let audit_checkpoint_file = lookup("AUDIT_CHECKPOINT_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("audit-checkpoints.jsonl"));
        let metrics_token = lookup("METRICS_TOKEN").map(SecretString);
        let security_contact = lookup("SECURITY_CONTACT").unwrap_or_else(|| {
            let from = mail_from.rsplit('@').next().unwrap_or("localhost");
            format!("mailto:security@{}", from.trim_end_matches('>'))
        });

        let upload_max_bytes = number(
            "UPLOAD_MAX_BYTES",
            10 * 1024 * 1024,
            1024..=100 * 1024 * 1024,
        )?;
        let upload_workers = number("UPLOAD_WORKERS", 4, 1..=64)?;
        let firm_quota_bytes =
            number("FIRM_STORAGE_QUOTA_MB", 5 * 1024, 1..=10_000_000)? * 1024 * 1024;
        let signed_url_ttl_secs = number("SIGNED_URL_TTL_SECS", 3600, 1..=3600)?;
        let inspect_command = lookup("INSPECT_COMMAND")
            .map(PathBuf::from)
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("cpd-registry"));
        let s3_access_key_id = lookup("AWS_ACCESS_KEY_ID").map(SecretString);
        let s3_secret_access_key = lookup("AWS_SECRET_ACCESS_KEY").map(SecretString);

        Ok(Config {
            env,
            database_url: SecretString(database_url),
            site_addr,
            site_root,
            public_url,
            storage_url,
            storage_prefix,
            smtp_url,
            mail_from,
            app_secret,
            app_secret_source,
            trusted_proxies,
            code_interval_secs,
            log_format,
            data_dir,
            audit_retention_days,
            audit_checkpoint_interval_secs,
            audit_checkpoint_file,
            metrics_token,
            security_contact,
            s3_access_key_id,
            s3_secret_access_key,
            upload_max_bytes,
            upload_workers,
            firm_quota_bytes,
            signed_url_ttl_secs,
            inspect_command,
            worker_sandbox,
        })
    }

    pub fn code_throttle(&self) -> crate::backend::auth::challenge::Throttle {
        crate::backend::auth::challenge::Throttle {
            interval: i64::try_from(self.code_interval_secs).unwrap_or(60) * 1_000_000,
            ..Default::default()
        }
    }

    pub fn is_production(&self) -> bool {
        self.env == AppEnv::Production
    }
}

/// Where a deployment's objects go in a bucket unless told otherwise.
pub const DEFAULT_STORAGE_PREFIX: &str = "cpd-registry/";

/// A key prefix S3 takes as it is and that cannot reach outside itself: empty, or path
/// segments of plain characters, each followed by `/`.
fn valid_storage_prefix(prefix: &str) -> bool {
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
            first.app_secret_source,
            SecretSource::Generated(dir.path().join("app_secret"))
        );
        let second = Config::from_lookup(lookup(&[("DATA_DIR", data)])).expect("config");
        assert_eq!(first.app_secret.expose(), second.app_secret.expose());
        assert_eq!(
            first.database_url.expose(),
            format!("sqlite://{data}/cpd.db")
        );
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
            Config::from_lookup(lookup(&vars)).map(|c| c.storage_prefix)
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
        assert_eq!(config.trusted_proxies.len(), 2);
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
        assert_eq!(ok.audit_retention_days, 365);
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
