//! Backup and restore at volume: 10,000 people × 50 courses (20 firms of 500) and 1 GB of
//! stored files (100 × 10 MB), backed up by `cpd-registry backup` and restored by
//! `cpd-registry restore` into a new SQLite database and (with `TEST_POSTGRES_URL`, as
//! `make bench` sets) a new PostgreSQL one. Prints time, MB/s and each command's peak
//! memory (read from /proc while it runs): the goal is streaming, so flat memory whatever
//! the size. Run: `make bench` or `cargo bench -p server --bench backup`.

mod seed;

use app::backend::config::Config;
use server::startup::Server;
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

const FIRMS: usize = 20;
const PEOPLE_EACH: usize = 500;
const ENTRIES_EACH: usize = 50;
const FILES: usize = 100;
const FILE_BYTES: usize = 10 * 1024 * 1024;

fn vars(database_url: &str, dir: &Path) -> HashMap<&'static str, String> {
    HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("SITE_ADDR", "127.0.0.1:0".to_owned()),
        ("DATA_DIR", dir.display().to_string()),
        ("SITE_ROOT", dir.join("site").display().to_string()),
        ("APP_SECRET", "33".repeat(32)),
        ("LOG_FORMAT", "json".to_owned()),
        ("BACKUP_DAILY", "0".to_owned()),
        // The server's workers are this package's binary, never the benchmark itself.
        (
            "INSPECT_COMMAND",
            env!("CARGO_BIN_EXE_cpd-registry").to_owned(),
        ),
    ])
}

fn config(database_url: &str, dir: &Path) -> Config {
    let vars = vars(database_url, dir);
    Config::from_lookup(|name| vars.get(name).cloned()).expect("configuration")
}

/// One stored file of `FILE_BYTES` for `firm`, through the store's own spool.
async fn store_file(server: &Server, firm: &str, n: usize) {
    use app::backend::storage::{firm_key, new_object_key, spool::SpoolWriter};
    let state = &server.state;
    let mut conn = state.db.pool.acquire().await.expect("conn");
    let key = firm_key::get_or_create(&mut conn, state.master_key(), firm)
        .await
        .expect("firm key");
    drop(conn);
    let object = new_object_key(&*state.storage, firm, &uuid::Uuid::now_v7().to_string());
    let mut spool = SpoolWriter::create(state.storage.spool_dir(), &object, &key, u64::MAX)
        .await
        .expect("spool");
    let mut piece = vec![0u8; 64 * 1024];
    piece[..9].copy_from_slice(b"%PDF-1.7\n");
    piece[9] = (n % 251) as u8;
    let mut written = 0;
    while written < FILE_BYTES {
        spool.write(&piece).await.expect("write");
        written += piece.len();
    }
    let spool = spool.finish().await.expect("finish");
    state
        .storage
        .put(spool, &key, "application/pdf")
        .await
        .expect("put");
}

/// Runs the binary with an instance's configuration; its wall time and peak memory (MB).
fn run(args: &[&str], database_url: &str, dir: &Path) -> (Duration, f64, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cpd-registry"));
    command
        .args(args)
        .env_clear()
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    for (name, value) in vars(database_url, dir) {
        command.env(name, value);
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("start cpd-registry");
    let pid = child.id();
    let mut peak_kb = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    let output = child.wait_with_output().expect("output");
    assert!(output.status.success(), "{args:?} failed");
    (
        took,
        peak_kb as f64 / 1024.0,
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let source = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/cpd.db", source.path().display());
    let server = Server::start(config(&url, source.path()))
        .await
        .expect("server");
    let seeding = Instant::now();
    let mut firms = Vec::new();
    for f in 0..FIRMS {
        firms.push(
            seed::firm(
                &server.state.db,
                &format!("Firm {f}"),
                PEOPLE_EACH,
                ENTRIES_EACH,
                f,
            )
            .await,
        );
    }
    for n in 0..FILES {
        store_file(&server, &firms[n % FIRMS], n).await;
    }
    server.stop().await.expect("stop");
    let people = FIRMS * PEOPLE_EACH;
    let gb = (FILES * FILE_BYTES) as f64 / 1e9;
    println!(
        "seeded {people} people × {ENTRIES_EACH} courses and {FILES} files ({gb:.2} GB) in {:.0} s",
        seeding.elapsed().as_secs_f64()
    );

    let archive = source.path().join("bench.cpdbackup");
    let archive_arg = archive.display().to_string();
    let (took, peak, said) = run(&["backup", "--to", &archive_arg], &url, source.path());
    let size = std::fs::metadata(&archive).expect("archive").len() as f64;
    println!(
        "backup: {:.1} s, {:.0} MB/s, archive {:.0} MB, peak memory {peak:.0} MB\n  ({said})",
        took.as_secs_f64(),
        size / 1e6 / took.as_secs_f64(),
        size / 1e6
    );

    // The firms' archive keys stay in the source's keyring (never in an archive).
    let keys = format!("file://{}/objects", source.path().display());
    let restore = [
        "restore",
        archive_arg.as_str(),
        "--keys-from",
        keys.as_str(),
    ];
    let into = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}/cpd.db", into.path().display());
    let (took, peak, said) = run(&restore, &sqlite, into.path());
    println!(
        "restore into SQLite: {:.1} s, {:.0} MB/s, peak memory {peak:.0} MB\n  ({said})",
        took.as_secs_f64(),
        size / 1e6 / took.as_secs_f64()
    );
    drop(into);
    match seed::postgres_database().await {
        Some(pg) => {
            let into = tempfile::tempdir().expect("temp dir");
            let (took, peak, said) = run(&restore, &pg, into.path());
            println!(
                "restore into PostgreSQL: {:.1} s, {:.0} MB/s, peak memory {peak:.0} MB\n  ({said})",
                took.as_secs_f64(),
                size / 1e6 / took.as_secs_f64()
            );
        }
        None => println!(
            "restore into PostgreSQL: skipped (TEST_POSTGRES_URL is not set; `make bench` sets it)"
        ),
    }
}
