//! `cpd-registry report`: the worker that writes an annual report. The server gives it
//! the [`ReportSpec`] and the certificates' bytes on stdin; it answers the PDF on stdout
//! and its progress, one JSON [`Progress`] per line, on stderr.
//!
//! Certificates are untrusted files, so this runs like the inspection worker: its own
//! process, no environment, limits on memory and CPU. Before it touches certificate `i`
//! it says so; if it dies, the server knows which file did it, leaves that one out and
//! runs the worker again, so one hostile file costs a retry, never the report.
//!
//! stdin: a little-endian u64 length and the spec's JSON, then for each certificate in
//! the spec's order a u64 length and its bytes (length 0 for one the server left out).

pub mod bundle;
pub mod layout;
pub mod metrics;
pub mod sample;

use app::backend::reports::spec::{Exclusion, Progress, ReportSpec};
use bundle::{Bundle, Heading, Loaded};
use layout::Placed;
use std::io::{Read, Write};

/// What the worker may use (then the kernel stops it; the server also has a deadline).
const MEMORY_LIMIT: u64 = 2048 * 1024 * 1024;
const CPU_SECONDS: u64 = 120;

/// Where each certificate goes, if the report's own pages take `report_pages`.
fn place(loaded: &[Loaded], report_pages: usize) -> Vec<Placed> {
    let mut next = report_pages + 1;
    loaded
        .iter()
        .map(|l| match l {
            Loaded::LeftOut(why) => Placed::LeftOut(*why),
            other => {
                let at = next;
                next += other.pages();
                Placed::StartsAt(at)
            }
        })
        .collect()
}

/// Writes the report to `out`. `inputs[i]` is certificate `i`'s bytes (empty when the
/// server left it out). Returns the pages and how many certificates were left out.
pub fn build(
    spec: &ReportSpec,
    inputs: Vec<Vec<u8>>,
    out: &mut impl Write,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<(usize, usize)> {
    let n = spec.certificates.len();
    anyhow::ensure!(
        inputs.len() == n,
        "expected {n} certificates, got {}",
        inputs.len()
    );
    let total = 2 * n + 1;
    let mut loaded = Vec::with_capacity(n);
    for (i, bytes) in inputs.into_iter().enumerate() {
        progress(Progress::Begin { certificate: i });
        loaded.push(match spec.certificates[i].excluded {
            Some(why) => Loaded::LeftOut(why),
            None if bytes.is_empty() => Loaded::LeftOut(Exclusion::Missing),
            None => bundle::load(bytes),
        });
        progress(Progress::Step { done: i + 1, total });
    }

    // The proof column names the page each certificate starts on, which depends on how
    // many pages the report itself takes: lay out until the count settles.
    let mut report_pages = 0;
    let mut body = Vec::new();
    for _ in 0..4 {
        body = layout::body(spec, &place(&loaded, report_pages));
        if body.len() == report_pages {
            break;
        }
        report_pages = body.len();
    }
    let total_pages = body.len() + loaded.iter().map(Loaded::pages).sum::<usize>();
    let report = layout::render(spec, layout::finish(spec, body, total_pages));
    progress(Progress::Step { done: n + 1, total });

    let included = loaded.iter().filter(|l| l.pages() > 0).count();
    let left_out = n - included;
    let mut bundle = Bundle::open(&report)?;
    let mut shown = 0;
    for (i, item) in loaded.into_iter().enumerate() {
        progress(Progress::Begin { certificate: i });
        if item.pages() > 0 {
            shown += 1;
            let cert = &spec.certificates[i];
            let of = spec
                .labels
                .certificate_of
                .replace("{i}", &shown.to_string())
                .replace("{n}", &included.to_string());
            let left = format!("{of} · {} · {}", cert.heading, cert.file_name);
            let heading = |page: usize| Heading {
                left: left.clone(),
                right: layout::page_label(spec, page, total_pages),
            };
            bundle.append(item, &heading)?;
        }
        progress(Progress::Step {
            done: n + 2 + i,
            total,
        });
    }
    let pages = bundle.write(&spec.title, &spec.report_id, out)?;
    anyhow::ensure!(
        pages == total_pages,
        "laid out {total_pages} pages but wrote {pages}"
    );
    progress(Progress::Finished { pages, left_out });
    Ok((pages, left_out))
}

fn read_frame(input: &mut impl Read, budget: &mut u64) -> anyhow::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    anyhow::ensure!(len <= *budget, "the input is larger than allowed");
    *budget -= len;
    let mut bytes = Vec::with_capacity(usize::try_from(len)?);
    input.take(len).read_to_end(&mut bytes)?;
    anyhow::ensure!(bytes.len() as u64 == len, "the input ended early");
    Ok(bytes)
}

/// The worker's `main`: confinement, stdin, the PDF on stdout. Runs before any async runtime.
pub fn worker_main(args: &[String]) -> std::process::ExitCode {
    let Some((Some(mut budget), strictness)) = crate::sandbox::worker_args(args) else {
        eprintln!(
            "usage: cpd-registry report --max-bytes N [--sandbox required|best-effort] < INPUT > REPORT.pdf"
        );
        return std::process::ExitCode::from(2);
    };
    crate::sandbox::confine_worker(MEMORY_LIMIT, CPU_SECONDS, strictness);
    let mut stdin = std::io::stdin().lock();
    let mut run = || -> anyhow::Result<()> {
        let spec: ReportSpec = serde_json::from_slice(&read_frame(&mut stdin, &mut budget)?)?;
        let mut inputs = Vec::with_capacity(spec.certificates.len());
        for _ in 0..spec.certificates.len() {
            inputs.push(read_frame(&mut stdin, &mut budget)?);
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        let mut progress = |p: Progress| {
            if let Ok(line) = serde_json::to_string(&p) {
                eprintln!("{line}");
            }
        };
        build(&spec, inputs, &mut out, &mut progress)?;
        out.flush()?;
        Ok(())
    };
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", serde_json::json!({ "error": format!("{error:#}") }));
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
