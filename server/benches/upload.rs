//! Uploading a 10 MB certificate to the local (encrypted) backend: the real release
//! server in its own process, the file sent over loopback as the page sends it. Prints
//! the throughput and the growth of the server's peak memory during the upload (its
//! peak-RSS counter is reset just before, through /proc/PID/clear_refs). The goal:
//! ≥ 100 MB/s and ≤ 4 MB. Run: `make bench` or `cargo bench -p server --bench upload`.
//!
//! Then 30 hostile uploads at once (PNG bombs, 10 MB files that only claim to be PDFs,
//! truncated JPEGs): every one refused or turned away, the server's peak memory growth
//! while they run, and the inspection workers' (processes of their own, at most
//! `UPLOAD_WORKERS` at a time, each limited to 1 GB of address space): the server's child
//! processes are found in /proc every 2 ms and their peak resident memory (`VmHWM`) read,
//! giving the most the workers alive at one moment held together, and the largest one.
//! A worker that lives less than a poll, or peaks just before it ends, can be missed: the
//! figures are what was seen, a lower bound.
//!
//! The throughput is what the person waits for: streaming, sealing and writing, the
//! inspection worker parsing the whole PDF in its own process, and the database commit.

mod common;

use common::{Running, start, status_kb};
use server::inspect::samples::{jpeg, pdf_of_size, png_bomb};
use std::time::{Duration, Instant};

const SIZE: usize = 10_000_000;
const RUNS: usize = 7;

/// The server's child processes now (found by their parent in /proc/N/stat).
fn children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // "PID (COMM) STATE PPID …": COMM may hold spaces and parentheses.
                    let rest = &stat[stat.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// A figure of /proc/PID/status in kB, if the process is still there.
fn try_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// What the watch saw of the workers.
#[derive(Debug, Default)]
struct Workers {
    /// The most the workers alive at one poll held at their peaks, added up (kB).
    sum_peak_kb: u64,
    /// The most they were at once.
    most_at_once: usize,
    /// The largest single worker's peak (kB).
    single_peak_kb: u64,
    /// Workers seen in all.
    seen: usize,
}

/// Polls the server's children every 2 ms until `stop` is set.
fn watch_workers(
    server: u32,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<Workers> {
    std::thread::spawn(move || {
        let mut seen = std::collections::HashMap::<u32, u64>::new();
        let mut out = Workers::default();
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let mut sum = 0;
            let mut alive = 0;
            for pid in children(server) {
                let Some(peak) = try_status_kb(pid, "VmHWM:") else {
                    continue;
                };
                alive += 1;
                sum += peak;
                let best = seen.entry(pid).or_default();
                *best = (*best).max(peak);
            }
            out.sum_peak_kb = out.sum_peak_kb.max(sum);
            out.most_at_once = out.most_at_once.max(alive);
            std::thread::sleep(Duration::from_millis(2));
        }
        out.single_peak_kb = seen.values().copied().max().unwrap_or(0);
        out.seen = seen.len();
        out
    })
}

async fn sign_in(server: &Running) -> (reqwest::Client, String) {
    let (client, pool) = common::sign_in(server, "bench@upload.se").await;
    client
        .post(server.url("/api/log/create_entry"))
        .form(&[
            ("date", "2026-03-01"),
            ("title", "Bench course"),
            ("provider", ""),
            ("hours", "2"),
            ("category", "teacher-led"),
            ("topic", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .expect("entry");
    let entry: String = sqlx::query_scalar("SELECT id FROM entries")
        .fetch_one(&pool)
        .await
        .expect("entry id");
    (client, entry)
}

async fn upload(
    server: &Running,
    client: &reqwest::Client,
    entry: &str,
    name: &str,
    bytes: Vec<u8>,
) {
    let form = reqwest::multipart::Form::new()
        .text("entry", entry.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let response = client
        .post(format!("{}/certificates/upload", server.base))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
}

#[tokio::main]
async fn main() {
    let server = start().await;
    let pid = server.child.id();
    let (client, entry) = sign_in(&server).await;
    // Warm up: the first upload makes the firm's data key and fills the pools.
    upload(&server, &client, &entry, "warm.pdf", pdf_of_size(100_000)).await;
    let mut rates = Vec::new();
    let mut growth = Vec::new();
    for run in 0..RUNS {
        // A different file each run (the same one would be "already attached").
        let mut file = pdf_of_size(SIZE);
        let last = file.len() - 10;
        file[last] = b'%';
        file.insert(last, b'0' + u8::try_from(run).unwrap_or(0));
        let size = file.len();
        let before = status_kb(pid, "VmRSS:");
        common::reset_peak(pid);
        let started = Instant::now();
        upload(&server, &client, &entry, &format!("run{run}.pdf"), file).await;
        let took = started.elapsed();
        let peak = status_kb(pid, "VmHWM:");
        rates.push(size as f64 / 1e6 / took.as_secs_f64());
        growth.push(peak.saturating_sub(before) as f64 / 1024.0);
        println!(
            "run {run}: {:.1} MB in {:.0} ms = {:.0} MB/s; server peak memory +{:.1} MB",
            size as f64 / 1e6,
            took.as_secs_f64() * 1000.0,
            rates[run],
            growth[run]
        );
    }
    rates.sort_by(f64::total_cmp);
    growth.sort_by(f64::total_cmp);
    hostile(&server, &client, &entry, pid).await;
    println!(
        "upload of a 10 MB PDF to the local backend, {RUNS} runs: median {:.0} MB/s (goal >= 100), \
         server peak memory growth median {:.1} MB, max {:.1} MB (goal <= 4)",
        rates[RUNS / 2],
        growth[RUNS / 2],
        growth[RUNS - 1]
    );
}

/// 30 hostile files at once; prints how they were answered and the server's peak memory.
async fn hostile(server: &Running, client: &reqwest::Client, entry: &str, pid: u32) {
    let files: Vec<(String, Vec<u8>)> = (0..30)
        .map(|i| match i % 3 {
            0 => (format!("bomb{i}.png"), png_bomb(50_000, 50_000)),
            1 => {
                let mut fake = b"%PDF-1.7\n".to_vec();
                fake.resize(10_000_000, b'x');
                fake[20] = u8::try_from(i).unwrap_or(0);
                (format!("fake{i}.pdf"), fake)
            }
            _ => {
                let mut cut = jpeg(4000, 3000);
                cut.truncate(cut.len() / 2);
                cut.push(u8::try_from(i).unwrap_or(0));
                (format!("cut{i}.jpg"), cut)
            }
        })
        .collect();
    let before = status_kb(pid, "VmRSS:");
    common::reset_peak(pid);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = watch_workers(pid, stop.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (name, bytes) in files {
        let client = client.clone();
        let url = format!("{}/certificates/upload", server.base);
        let entry = entry.to_owned();
        tasks.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new().text("entry", entry).part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            client
                .post(url)
                .header("accept", "application/json")
                .multipart(form)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        *statuses.entry(task.await.expect("task")).or_default() += 1;
    }
    let took = started.elapsed();
    let peak = status_kb(pid, "VmHWM:");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let workers = watch.join().expect("the watch");
    assert!(
        statuses.keys().all(|s| matches!(s, 422 | 503)),
        "hostile files are refused or turned away: {statuses:?}"
    );
    println!(
        "30 hostile uploads at once (10 PNG bombs 50000x50000, 10 fake 10 MB PDFs, 10 truncated JPEGs): \
         answered {statuses:?} in {:.1} s; server RSS before {:.1} MB, peak growth +{:.1} MB",
        took.as_secs_f64(),
        before as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0
    );
    println!(
        "  inspection workers: {} seen, at most {} at once; their peaks (VmHWM) added up to at most {:.1} MB at one moment, \
         the largest single worker {:.1} MB; server peak + workers {:.1} MB",
        workers.seen,
        workers.most_at_once,
        workers.sum_peak_kb as f64 / 1024.0,
        workers.single_peak_kb as f64 / 1024.0,
        (peak + workers.sum_peak_kb) as f64 / 1024.0
    );
    assert!(workers.seen > 0, "the watch saw the workers");
    assert!(
        reqwest::get(format!("{}/readyz", server.base))
            .await
            .is_ok_and(|r| r.status() == 200),
        "the server is still ready"
    );
}
