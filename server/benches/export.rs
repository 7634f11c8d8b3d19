//! "Download all my data" for a long career: 500 courses and 200 certificates of 1 MB
//! (≈ 200 MB), against the real release server in its own process on the local (sealed)
//! backend. The person's history is first brought in from an archive built here (which
//! also measures bringing a history along: every certificate inspected by the worker as
//! an upload is); then the archive of it all is made, timed from the request until it is
//! ready, and the server's peak memory growth read over that time (its peak-RSS counter
//! reset just before, through /proc/PID/clear_refs). Goals: ≤ 50 MB above idle,
//! ≥ 100 MB/s. Run: `make bench` or `cargo bench -p server --bench export`; `EXPORT_BENCH_
//! CERTIFICATES` and `EXPORT_BENCH_MB` change the size (a short run in `make test`).

mod common;

use common::{Running, code_for, reset_peak, sign_in, start, status_kb};
use serde_json::{Value, json};
use server::inspect::samples::pdf_of_size;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::time::{Duration, Instant};

const ENTRIES: usize = 500;
/// A form post with no fields (a server function without arguments).
const NO_FIELDS: [(&str, &str); 0] = [];

fn number(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An archive in the export's format: `entries` courses over five years, `certificates`
/// PDFs of `size` bytes each (every one different), on the first courses.
fn archive(entries: usize, certificates: usize, size: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let courses: Vec<Value> = (0..entries)
        .map(|i| {
            json!({
                "id": format!("e{i}"), "date": format!("{}-{:02}-{:02}", 2021 + i % 5, 1 + i % 12, 1 + i % 28),
                "title": format!("Course {i}"), "provider": "Advokatsamfundet", "hours": "1.5",
                "category": "teacher-led", "verifiable": true, "topic": null, "notes": "",
            })
        })
        .collect();
    let base = pdf_of_size(size);
    let mut files = Vec::new();
    for i in 0..certificates {
        let mut file = base.clone();
        let at = file.len() - 10;
        file.splice(at..at, format!("%{i}\n").into_bytes());
        let name = format!("certificates/c{i}-certificate-{i}.pdf");
        files.push((
            json!({
                "id": format!("c{i}"), "entry_id": format!("e{}", i % entries), "file_name": format!("certificate-{i}.pdf"),
                "mime": "application/pdf", "size_bytes": file.len(), "sha256": hex::encode(Sha256::digest(&file)),
                "uploaded": "2026-01-01", "file": name,
            }),
            name,
            file,
        ));
    }
    let data = json!({
        "format": "cpd-registry-export", "version": 1, "exported_at": "2026-12-01 00:00:00",
        "profile": {
            "id": "p", "email": "bench@old.se", "full_name": "Bench Person", "title": "advokat",
            "rule_set": "se-advokat", "language": "en", "admission_date": "2010-01-01", "birth_date": null,
        },
        "entries": courses, "leave": [], "exemptions": [],
        "certificates": files.iter().map(|(doc, _, _)| doc.clone()).collect::<Vec<_>>(),
        "reports": [], "compliance": [],
    });
    zip.start_file("data.json", stored).expect("zip");
    zip.write_all(&serde_json::to_vec(&data).expect("json"))
        .expect("zip");
    for (_, name, file) in files {
        zip.start_file(name, stored).expect("zip");
        zip.write_all(&file).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

/// Polls a status function until it says `done` (or `ready`); how long it took.
async fn wait_until(
    client: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
    pick: impl Fn(&Value) -> Option<String>,
) -> Duration {
    let started = Instant::now();
    loop {
        let answer: Value = client
            .post(url)
            .form(fields)
            .send()
            .await
            .expect("status")
            .json()
            .await
            .expect("json");
        match pick(&answer).as_deref() {
            Some("done" | "ready") => return started.elapsed(),
            Some("failed") => panic!("it failed: {answer}"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn step_up(server: &Running, client: &reqwest::Client, pool: &sqlx::AnyPool, email: &str) {
    sqlx::query("DELETE FROM outbox")
        .execute(pool)
        .await
        .expect("outbox");
    let asked = client
        .post(server.url("/api/account/request_step_up"))
        .form(&NO_FIELDS)
        .send()
        .await
        .expect("step up");
    assert!(
        asked.status().is_success() || asked.status().is_redirection(),
        "asking for a code: {} {}",
        asked.status(),
        asked.text().await.unwrap_or_default()
    );
    let code = code_for(pool, email).await;
    let confirmed = client
        .post(server.url("/api/account/confirm_step_up"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .expect("confirm");
    assert!(confirmed.status().is_redirection() || confirmed.status().is_success());
}

#[tokio::main]
async fn main() {
    let certificates = number("EXPORT_BENCH_CERTIFICATES", 200);
    let size = number("EXPORT_BENCH_MB", 1) * 1_000_000;
    let server = start().await;
    let pid = server.child.id();
    let email = "bench@export.se";
    let (client, pool) = sign_in(&server, email).await;
    let signed_in = Instant::now();

    // The history, brought in as a person who changed firms would.
    let zip = archive(ENTRIES, certificates, size);
    let zip_mb = zip.len() as f64 / 1e6;
    let started = Instant::now();
    let part = reqwest::multipart::Part::bytes(zip).file_name("history.zip");
    let uploaded = client
        .post(server.url("/account/history/upload"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    let location = uploaded
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let import = location
        .split("history=")
        .nth(1)
        .unwrap_or_else(|| panic!("staged: {} {location}", uploaded.status()))
        .to_owned();
    let staged = started.elapsed();
    client
        .post(server.url("/api/account/confirm_history_import"))
        .form(&[("id", import.as_str())])
        .send()
        .await
        .expect("confirm");
    let brought = wait_until(
        &client,
        &server.url("/api/account/get_history_import"),
        &[("id", import.as_str())],
        |v| v["status"].as_str().map(str::to_owned),
    )
    .await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, i64::try_from(certificates).unwrap_or(0));

    // The archive of it all, after confirming it is the person (a second code to one
    // address is sent a minute after the first at the earliest).
    tokio::time::sleep(Duration::from_secs(61).saturating_sub(signed_in.elapsed())).await;
    step_up(&server, &client, &pool, email).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = status_kb(pid, "VmRSS:");
    reset_peak(pid);
    let started = Instant::now();
    let asked = client
        .post(server.url("/api/account/request_export"))
        .form(&NO_FIELDS)
        .send()
        .await
        .expect("request");
    let id: String = asked.json().await.expect("the export's id");
    let made = wait_until(
        &client,
        &server.url("/api/account/list_exports"),
        &[],
        |v| {
            v["items"]
                .as_array()?
                .iter()
                .find(|e| e["id"] == id.as_str())
                .and_then(|e| e["status"].as_str().map(str::to_owned))
        },
    )
    .await;
    let total = started.elapsed();
    let peak = status_kb(pid, "VmHWM:");
    let size_bytes: i64 = sqlx::query_scalar("SELECT size_bytes FROM exports WHERE id = $1")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("size");
    let mb = size_bytes as f64 / 1e6;
    println!(
        "history brought in: {zip_mb:.0} MB archive ({ENTRIES} courses, {certificates} certificates): \
         checked and staged in {:.2} s, added and every certificate inspected in {:.2} s ({:.0} MB/s overall)",
        staged.as_secs_f64(),
        brought.as_secs_f64(),
        zip_mb / (staged + brought).as_secs_f64()
    );
    println!(
        "export of it all: {mb:.0} MB ZIP made in {:.2} s ({:.0} MB/s; ready seen after {:.2} s); \
         server idle {} MB, peak {} MB above idle (goals: ≥ 100 MB/s, ≤ 50 MB)",
        made.as_secs_f64(),
        mb / made.as_secs_f64(),
        total.as_secs_f64(),
        idle / 1024,
        peak.saturating_sub(idle) / 1024
    );
}
