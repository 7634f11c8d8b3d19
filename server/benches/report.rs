//! The annual report worker on a full year: 100 entries and 100 certificates (50 two-page
//! PDFs, 50 JPEGs of about 1 MB), fed over the same pipe protocol the server uses, to the
//! release binary's `report` command. Prints the wall time and the worker's peak memory
//! (VmHWM, read from /proc while it runs), and the time `qpdf --empty --pages …` takes to
//! merge the same 50 PDFs on this machine, as a ratio. Goals: ≤ 1.5 s, ≤ 150 MB, ≤ 2× qpdf.
//! Run: `make bench` or `cargo bench -p server --bench report`.
//!
//! Measured: the worker (parse, lay out, merge, write). Not measured: the server's side,
//! which streams the certificates out of storage into the pipe and the PDF into a spool.

use server::inspect::samples;
use server::report::sample;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

/// A JPEG of about `target` bytes: noise does not compress, so size follows pixels.
fn jpeg_of_about(target: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut side = 600u32;
    loop {
        let img = image::RgbImage::from_fn(side * 4 / 3, side, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let [a, b, c, _] = state.to_le_bytes();
            image::Rgb([a, b, c])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg)
            .expect("jpeg");
        let bytes = out.into_inner();
        if bytes.len() >= target * 9 / 10 {
            return bytes;
        }
        side += side / 4;
    }
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// One run of the worker: (wall time, peak memory in KB, the PDF).
fn run_worker(input: &[u8]) -> (Duration, u64, Vec<u8>) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cpd-registry"))
        .args(["report", "--max-bytes", "4294967296"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let feeder = std::thread::scope(|scope| {
        let feeding = scope.spawn(move || {
            stdin.write_all(input).expect("feed");
        });
        let reading = scope.spawn(move || {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut stdout, &mut out).expect("read");
            out
        });
        let mut peak = 0;
        while !reading.is_finished() {
            if let Some(kb) = vm_hwm_kb(pid) {
                peak = peak.max(kb);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        feeding.join().expect("fed");
        (reading.join().expect("read"), peak)
    });
    let (pdf, peak) = feeder;
    assert!(child.wait().expect("wait").success(), "the worker succeeds");
    (started.elapsed(), peak, pdf)
}

fn frame(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let pdfs: Vec<Vec<u8>> = (0..50).map(|_| samples::pdf(2)).collect();
    let jpegs: Vec<Vec<u8>> = (0..50u32)
        .map(|i| jpeg_of_about(1_000_000, i + 1))
        .collect();
    let jpeg_mb = jpegs.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let mut spec = sample::spec(100, 100);
    let mut input = Vec::new();
    let mut files = Vec::new();
    for i in 0..100 {
        let (bytes, name) = if i % 2 == 0 {
            (&pdfs[i / 2], format!("certificate-{i}.pdf"))
        } else {
            (&jpegs[i / 2], format!("photo-{i}.jpg"))
        };
        spec.certificates[i].file_name = name;
        files.push(bytes);
    }
    frame(&mut input, &serde_json::to_vec(&spec).expect("json"));
    for f in &files {
        frame(&mut input, f);
    }
    // The same job with only the 50 PDFs, to compare like with like against qpdf.
    let mut pdf_spec = sample::spec(100, 50);
    for (i, cert) in pdf_spec.certificates.iter_mut().enumerate() {
        cert.file_name = format!("certificate-{i}.pdf");
    }
    let mut pdf_input = Vec::new();
    frame(
        &mut pdf_input,
        &serde_json::to_vec(&pdf_spec).expect("json"),
    );
    for p in &pdfs {
        frame(&mut pdf_input, p);
    }

    // qpdf on the same 50 PDFs, from files on disk.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (i, p) in pdfs.iter().enumerate() {
        let path = dir.path().join(format!("c{i}.pdf"));
        std::fs::write(&path, p).expect("write");
        paths.push(path.to_string_lossy().into_owned());
    }
    let out = dir.path().join("merged.pdf");
    let qpdf = |args: &[String]| {
        let started = Instant::now();
        let status = Command::new("qpdf")
            .args(args)
            .status()
            .expect("qpdf is needed (setup.sh installs it)");
        assert!(status.success());
        started.elapsed()
    };
    let mut qpdf_args = vec!["--empty".to_owned(), "--pages".to_owned()];
    qpdf_args.extend(paths.iter().cloned());
    qpdf_args.extend(["--".to_owned(), out.to_string_lossy().into_owned()]);

    let (_, _, report) = run_worker(&input);
    let pages = lopdf::Document::load_mem(&report)
        .expect("the report loads")
        .get_pages()
        .len();
    // qpdf copying our whole report (the same pages and JPEG bytes) into a new file.
    let report_path = dir.path().join("report.pdf");
    std::fs::write(&report_path, &report).expect("write");
    let rewrite_args: Vec<String> = vec![
        "--empty".into(),
        "--pages".into(),
        report_path.to_string_lossy().into_owned(),
        "--".into(),
        dir.path()
            .join("rewritten.pdf")
            .to_string_lossy()
            .into_owned(),
    ];
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    let mut qpdf_times = Vec::new();
    let mut pdf_only = Vec::new();
    let mut rewrites = Vec::new();
    for _ in 0..RUNS {
        let (t, peak, _) = run_worker(&input);
        times.push(t.as_secs_f64());
        peaks.push(peak as f64 / 1024.0);
        rewrites.push(qpdf(&rewrite_args).as_secs_f64());
        pdf_only.push(run_worker(&pdf_input).0.as_secs_f64());
        qpdf_times.push(qpdf(&qpdf_args).as_secs_f64());
    }
    let pdf_only = median(pdf_only);
    let (t, peak, q) = (
        median(times.clone()),
        median(peaks.clone()),
        median(qpdf_times),
    );
    println!(
        "report: 100 entries, 100 certificates (50 two-page PDFs, 50 JPEGs, {jpeg_mb:.1} MB of JPEG) -> {pages} pages"
    );
    println!(
        "worker wall time: median {:.3} s (min {:.3}, max {:.3}) over {RUNS} runs  [goal <= 1.5 s]",
        t,
        times.iter().copied().fold(f64::MAX, f64::min),
        times.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "worker peak memory: median {:.1} MB (max {:.1})  [goal <= 150 MB]",
        peak,
        peaks.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "qpdf --empty --pages (the 50 PDFs): median {q:.3} s; the worker on the same 50 PDFs \
         (with the report's own pages): median {pdf_only:.3} s; ratio {:.2}  [goal <= 2]",
        pdf_only / q
    );
    let rewrite = median(rewrites);
    println!(
        "qpdf --empty --pages copying the whole report ({:.1} MB, {pages} pages): median {rewrite:.3} s; \
         the whole job against it: ratio {:.2}",
        report.len() as f64 / 1e6,
        t / rewrite
    );
}
