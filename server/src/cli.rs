//! The command line: `cpd-registry [serve]`, `migrate`, `compliance`, `help`.

use crate::startup::{Server, open_database};
use crate::telemetry;
use anyhow::Context;
use app::backend::audit::{checkpoint, verify};
use app::backend::backup;
use app::backend::config::{Config, SecretSource};

const USAGE: &str = "\
Usage: cpd-registry [COMMAND]

Commands:
  serve     Apply migrations and serve the web application (the default)
  migrate   Apply database migrations and exit
  compliance
            Evaluate the CPD rules: JSON on stdin, JSON on stdout (see the README)
  audit verify [--checkpoints FILE]
            Check every audit chain (gaps, hashes, signed checkpoints); names the first
            bad row. Exit 0: intact; 1: a problem was found
  audit checkpoint
            Sign the head of every audit chain now
  backup --to FILE
            Write one encrypted archive of the database (one consistent snapshot), the
            stored files and the audit checkpoints; progress on stderr
  seal      Seal the personal fields of a database written by an earlier version under
            each firm's key, in place; it can be stopped and run again, and the server
            starts only once it has finished
  restore FILE [--keys-from STORAGE_URL]
            Check the whole archive, then restore it into an empty database (either
            backend) and an empty store. The firms' archive keys are read from this
            store's keyring, or from the store named (then copied into this one); a firm
            whose key was destroyed (purged after the archive was made) is left out.
            Exit 1: a wrong key, a damaged or cut-short archive, or a target that is not
            empty; nothing is written then
  inspect [--max-bytes N]
            Check one uploaded file on stdin (PDF, JPEG or PNG) and print the verdict as
            JSON; the server runs this as a worker process for every upload
  help      Show this message

Configuration is read from environment variables; see the README's table.";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Compliance,
    AuditVerify {
        checkpoints: Option<std::path::PathBuf>,
    },
    AuditCheckpoint,
    Backup {
        to: std::path::PathBuf,
    },
    Restore {
        from: std::path::PathBuf,
        /// The store whose keyring holds the archive's firm keys, when not this one.
        keys_from: Option<String>,
    },
    Seal,
    Help,
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        None | Some("serve") => Ok(Command::Serve),
        Some("migrate") => Ok(Command::Migrate),
        Some("compliance") => Ok(Command::Compliance),
        Some("audit") => match (
            args.get(1).map(String::as_str),
            args.get(2).map(String::as_str),
            args.get(3),
        ) {
            (Some("verify"), None, None) => Ok(Command::AuditVerify { checkpoints: None }),
            (Some("verify"), Some("--checkpoints"), Some(file)) => Ok(Command::AuditVerify {
                checkpoints: Some(file.into()),
            }),
            (Some("checkpoint"), None, None) => Ok(Command::AuditCheckpoint),
            _ => Err(format!(
                "use `audit verify [--checkpoints FILE]` or `audit checkpoint`\n\n{USAGE}"
            )),
        },
        Some("backup") => match (args.get(1).map(String::as_str), args.get(2), args.get(3)) {
            (Some("--to"), Some(file), None) => Ok(Command::Backup { to: file.into() }),
            _ => Err(format!("use `backup --to FILE`\n\n{USAGE}")),
        },
        Some("restore") => match (
            args.get(1),
            args.get(2).map(String::as_str),
            args.get(3),
            args.get(4),
        ) {
            (Some(file), None, None, None) if !file.starts_with('-') => Ok(Command::Restore {
                from: file.into(),
                keys_from: None,
            }),
            (Some(file), Some("--keys-from"), Some(url), None) if !file.starts_with('-') => {
                Ok(Command::Restore {
                    from: file.into(),
                    keys_from: Some(url.clone()),
                })
            }
            _ => Err(format!(
                "use `restore FILE [--keys-from STORAGE_URL]`\n\n{USAGE}"
            )),
        },
        Some("seal") if args.len() == 1 => Ok(Command::Seal),
        Some("help" | "--help" | "-h") => Ok(Command::Help),
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

pub async fn run(args: Vec<String>) -> anyhow::Result<()> {
    let command = match parse(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if command == Command::Help {
        println!("{USAGE}");
        return Ok(());
    }
    if command == Command::Compliance {
        // Needs no configuration, database or key: only the rules.
        let mut input = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
            .context("reading stdin")?;
        match crate::compliance::run(&input, app::backend::account::today()) {
            Ok(output) => println!("{output}"),
            Err(message) => {
                eprintln!("cpd-registry compliance: {message}");
                std::process::exit(1);
            }
        }
        return Ok(());
    }
    let config = Config::from_env().context("reading configuration")?;
    telemetry::init(config.log_format);
    log_configuration(&config);
    match command {
        Command::Migrate => {
            let db = open_database(&config).await?;
            tracing::info!(backend = db.backend.name(), "database is up to date");
            db.pool.close().await;
        }
        Command::Serve => {
            let server = Server::start(config).await?;
            tracing::info!(address = %server.addr, public_url = %server.state.config.http.public_url, "listening");
            let config = &server.state.config;
            if !config.is_production() {
                let url = &config.http.public_url;
                let mail = if config.mail.smtp_url.is_some() {
                    "Sign-in codes are sent through SMTP_URL.".to_owned()
                } else {
                    format!(
                        "No SMTP_URL is set: sign-in codes land in the development mailbox at {url}/dev/mailbox"
                    )
                };
                println!(
                    "\n  CPD Registry is running at {url}\n  To sign in, open {url}/sign-in and enter any email address.\n  {mail}\n"
                );
            }
            server.run_until_stopped().await?;
        }
        Command::AuditVerify { checkpoints } => {
            let db = open_database(&config).await?;
            let ok = audit_verify(&db, &config, checkpoints.as_deref()).await?;
            db.pool.close().await;
            if !ok {
                crate::quiesce::wait_for_database_threads();
                std::process::exit(1);
            }
        }
        Command::AuditCheckpoint => {
            let db = open_database(&config).await?;
            let key = checkpoint::signing_key(config.secrets.app_secret.expose());
            let written = checkpoint::write(&db, &key, Some(&config.audit.checkpoint_file)).await?;
            println!(
                "signed {} chain head(s); public key {}",
                written.len(),
                checkpoint::public_key_hex(&key.verifying_key())
            );
            db.pool.close().await;
        }
        Command::Backup { to } => backup(&config, &to).await?,
        Command::Restore { from, keys_from } => {
            restore(&config, &from, keys_from.as_deref()).await?
        }
        Command::Seal => {
            let db = open_database(&config).await?;
            let mut progress = backup::progress::Progress::on_stderr("seal");
            let summary = app::backend::sealing::state::seal_all(&db, &mut progress).await;
            db.pool.close().await;
            let summary = summary?;
            println!(
                "the personal fields are sealed: {} rows read, {} values sealed now{}",
                summary.rows,
                summary.sealed_values,
                if summary.orphans > 0 {
                    format!(
                        ", {} rows of no one (left by earlier purges) removed",
                        summary.orphans
                    )
                } else {
                    String::new()
                }
            );
        }
        Command::Help | Command::Compliance => {}
    }
    Ok(())
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// `backup --to FILE`: the archive, its audit row, and what it holds on stdout.
async fn backup(config: &Config, to: &std::path::Path) -> anyhow::Result<()> {
    use app::backend::audit::{self, Action, Actor, Target};
    let db = open_database(config).await?;
    let storage = app::backend::storage::from_config(config).await?;
    let mut progress = backup::progress::Progress::on_stderr("backup");
    let summary = backup::write::write(&db, &storage, config, to, &mut progress).await?;
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        &Actor::System,
        Action::BackupMade,
        &Target::new(
            "backup",
            to.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        )
        .with_detail(format!(
            "{} rows, {} files, {} bytes",
            summary.rows, summary.objects, summary.bytes
        )),
        &audit::Context::default(),
    )
    .await?;
    tx.commit().await?;
    db.pool.close().await;
    println!(
        "backup written to {}: {} rows, {} files ({:.1} MB), archive {:.1} MB, in {:.1} s ({:.1} MB/s){}",
        to.display(),
        summary.rows,
        summary.objects,
        megabytes(summary.object_bytes),
        megabytes(summary.bytes),
        summary.seconds,
        megabytes(summary.bytes) / summary.seconds.max(0.001),
        if summary.skipped_objects > 0 {
            format!(
                "; {} file(s) left out (of no firm in the database, or deleted while it ran)",
                summary.skipped_objects
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `restore FILE`: into the configured database (migrated here, without an audit row: the
/// archive brings the audit log) and store, both of which must be empty.
async fn restore(
    config: &Config,
    from: &std::path::Path,
    keys_from: Option<&str>,
) -> anyhow::Result<()> {
    let db =
        app::backend::db::Db::connect(config.db.url.expose(), config.secrets.app_secret.expose())
            .await?;
    db.migrate().await?;
    let storage = app::backend::storage::from_config(config).await?;
    let keys_from = match keys_from {
        Some(url) => Some(
            app::backend::storage::from_url(url, config)
                .await
                .with_context(|| format!("opening the store {url} named by --keys-from"))?,
        ),
        None => None,
    };
    let mut progress = backup::progress::Progress::on_stderr("restore");
    let summary = backup::read::restore(
        &db,
        &storage,
        keys_from.as_ref(),
        config,
        from,
        &mut progress,
    )
    .await;
    db.pool.close().await;
    let summary = summary?;
    println!(
        "restored {} into {}: {} rows, {} files ({:.1} MB), in {:.1} s",
        from.display(),
        db.backend.name(),
        summary.rows,
        summary.objects,
        megabytes(summary.object_bytes),
        summary.seconds
    );
    if summary.firms_left_out > 0 {
        println!(
            "{} firm(s) left out: their keys were destroyed after the archive was made (closed and purged), so nothing of them can be opened ({} file(s) not restored)",
            summary.firms_left_out, summary.skipped_objects
        );
    }
    Ok(())
}

/// Prints the verification of every chain; returns whether all are intact.
async fn audit_verify(
    db: &app::backend::db::Db,
    config: &Config,
    file: Option<&std::path::Path>,
) -> anyhow::Result<bool> {
    let key = checkpoint::signing_key(config.secrets.app_secret.expose()).verifying_key();
    let explicit = file.is_some();
    let file = file.unwrap_or(&config.audit.checkpoint_file);
    let mut conn = db.pool.acquire().await?;
    let signed_in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_checkpoints")
        .fetch_one(&mut *conn)
        .await?;
    // The file outside the database is the evidence against a rewritten database: when it
    // was named, or the database shows there must be one, it must be there. Only a fresh
    // instance, with nothing yet to sign, may have none.
    let from_file = match checkpoint::read_file(file) {
        Ok(contents) => contents,
        Err(error) => {
            let missing = error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound);
            let expected = if explicit {
                Some("it was named with --checkpoints".to_owned())
            } else {
                file_expected(&mut conn, config, signed_in_db).await?
            };
            match expected {
                None if missing => checkpoint::FileContents::default(),
                expected => {
                    println!(
                        "audit verify: public key {}",
                        checkpoint::public_key_hex(&key)
                    );
                    let why = expected.unwrap_or_else(|| "it exists".to_owned());
                    println!(
                        "  FAILED  the checkpoint file {} cannot be read ({error}), but {why}; without it a rewritten database cannot be told apart (name the file with --checkpoints FILE)",
                        file.display()
                    );
                    println!("result: NOT intact");
                    return Ok(false);
                }
            }
        }
    };
    // Every checkpoint the database holds was appended to the file in the same step: one
    // the file lacks means the file was emptied or replaced by an older copy.
    let in_db: Vec<(String, i64)> =
        sqlx::query_as("SELECT chain, seq FROM audit_checkpoints ORDER BY chain, seq")
            .fetch_all(&mut *conn)
            .await?;
    if explicit || signed_in_db > 0 {
        let in_file: std::collections::HashSet<(&str, i64)> = from_file
            .checkpoints
            .iter()
            .map(|c| (c.chain.as_str(), c.seq))
            .collect();
        if let Some((chain, seq)) = in_db
            .iter()
            .find(|(chain, seq)| !in_file.contains(&(chain.as_str(), *seq)))
        {
            println!(
                "audit verify: public key {}",
                checkpoint::public_key_hex(&key)
            );
            println!(
                "  FAILED  chain {chain}: the checkpoint at row {seq} is in the database but not in {} (the file was emptied or replaced)",
                file.display()
            );
            println!("result: NOT intact");
            return Ok(false);
        }
    }
    let report = verify::verify(&mut conn, &key, None, &from_file).await?;
    println!(
        "audit verify: public key {}; {} checkpoint(s) and {} purge(s) from {}",
        checkpoint::public_key_hex(&key),
        from_file.checkpoints.len(),
        from_file.purges.len(),
        file.display()
    );
    for chain in &report.chains {
        println!(
            "  ok      {}: {} row(s) up to {}, {} checkpoint(s)",
            chain.chain, chain.rows, chain.last_seq, chain.checkpoints
        );
    }
    match &report.problem {
        None => {
            println!("result: intact ({} chain(s))", report.chains.len());
            Ok(true)
        }
        Some(problem) => {
            println!("  FAILED  {problem}");
            println!("result: NOT intact");
            Ok(false)
        }
    }
}

/// Why the database says a checkpoint file must exist, if it does: it holds checkpoints,
/// it notes that checkpoints were once signed (even if they were deleted since), it records
/// a purge (each is also written to the file), or it has audit rows older than the
/// checkpoint interval (a running server signs every chain at start-up and each interval).
async fn file_expected(
    conn: &mut sqlx::AnyConnection,
    config: &Config,
    signed_in_db: i64,
) -> anyhow::Result<Option<String>> {
    if signed_in_db > 0 {
        return Ok(Some(format!(
            "the database holds {signed_in_db} signed checkpoint(s)"
        )));
    }
    let since: Option<i64> =
        sqlx::query_scalar("SELECT since_us FROM audit_checkpointing WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(since) = since {
        return Ok(Some(format!(
            "the database shows checkpoints were signed from {} on (and holds none now)",
            app::backend::firm_audit::timestamp(since)
        )));
    }
    let purges: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_purges")
        .fetch_one(&mut *conn)
        .await?;
    if purges > 0 {
        return Ok(Some(format!(
            "the database records {purges} signed purge(s), each also written to the file"
        )));
    }
    let oldest: Option<i64> = sqlx::query_scalar("SELECT MIN(at_us) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    let interval = i64::try_from(config.audit.checkpoint_interval.as_micros()).unwrap_or(i64::MAX);
    match oldest {
        Some(oldest) if app::backend::db::now_micros() - oldest > interval => Ok(Some(format!(
            "the audit log has rows from {} on, older than the checkpoint interval ({} s), which a running server would have signed",
            app::backend::firm_audit::timestamp(oldest),
            config.audit.checkpoint_interval.as_secs()
        ))),
        _ => Ok(None),
    }
}

fn log_configuration(config: &Config) {
    match &config.secrets.source {
        SecretSource::Generated(path) => tracing::warn!(
            path = %path.display(),
            "no APP_SECRET set: using a development key generated into the data directory (production refuses to start without one)"
        ),
        SecretSource::File(path) => {
            tracing::info!(path = %path.display(), "master key read from APP_SECRET_FILE")
        }
        SecretSource::Environment => tracing::info!("master key read from APP_SECRET"),
    }
    tracing::info!(
        env = ?config.env,
        database = ?config.db.url,
        storage = %config.storage.url.split("://").next().unwrap_or("?"),
        mail = if config.mail.smtp_url.is_some() { "smtp" } else { "development mailbox" },
        "configuration loaded"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn commands_parse() {
        assert_eq!(parse(&args(&[])), Ok(Command::Serve));
        assert_eq!(parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["seal"])), Ok(Command::Seal));
        assert!(parse(&args(&["seal", "now"])).is_err());
        assert!(parse(&args(&["frobnicate"])).is_err());
    }
}
