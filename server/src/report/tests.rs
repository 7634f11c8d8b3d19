use super::*;
use crate::inspect::samples;
use app::backend::reports::spec::Exclusion;

fn run(spec: &ReportSpec, inputs: Vec<Vec<u8>>) -> (Vec<u8>, usize, usize, Vec<Progress>) {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let (pages, left_out) =
        build(spec, inputs, &mut out, &mut |p| seen.push(p)).expect("the report is built");
    (out, pages, left_out, seen)
}

fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("our own PDF loads");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap_or_default()
}

#[test]
fn certificates_follow_the_report_page_for_page() {
    let mut spec = sample::spec(4, 5);
    spec.certificates[4].excluded = Some(Exclusion::Unreadable);
    let inputs = vec![
        samples::pdf(2),
        samples::jpeg(300, 200),
        samples::png(120, 160),
        samples::pdf(1),
        Vec::new(),
    ];
    let (pdf, pages, left_out, progress) = run(&spec, inputs);
    let doc = lopdf::Document::load_mem(&pdf).expect("the report loads");
    assert_eq!(doc.get_pages().len(), pages);
    let report_pages = pages - (2 + 1 + 1 + 1);
    assert!(
        report_pages >= 2,
        "a cover and at least one page of summary"
    );
    assert_eq!(left_out, 1);
    assert_eq!(doc.version, "1.7");
    assert!(matches!(
        progress.last(),
        Some(Progress::Finished { pages: p, left_out: 1 }) if *p == pages
    ));
    // The proof column points at the page each certificate starts on.
    let text = text_of(&pdf);
    assert!(text.contains(&format!("p. {}", report_pages + 1)), "{text}");
    assert!(text.contains(&format!("p. {}", report_pages + 3)));
    assert!(text.contains("left out"));
    assert!(text.contains("certificate-4.pdf"));
    assert!(text.contains(&format!("Page 1 of {pages}")));
}

#[test]
fn jpeg_bytes_are_carried_over_unchanged() {
    let spec = sample::spec(1, 1);
    let jpeg = samples::jpeg(640, 480);
    let (pdf, ..) = run(&spec, vec![jpeg.clone()]);
    let doc = lopdf::Document::load_mem(&pdf).expect("the report loads");
    let found = doc.objects.values().any(|o| match o {
        lopdf::Object::Stream(s) => s.content == jpeg,
        _ => false,
    });
    assert!(found, "the JPEG is embedded byte for byte");
}

#[test]
fn broken_and_hostile_files_are_left_out_with_the_reason() {
    let spec = sample::spec(3, 3);
    let mut truncated = samples::pdf(3);
    truncated.truncate(40);
    let (pdf, pages, left_out, _) = run(
        &spec,
        vec![
            truncated,
            b"%PDF-1.7 nothing else".to_vec(),
            samples::png_bomb(50_000, 50_000),
        ],
    );
    assert_eq!(left_out, 3);
    let text = text_of(&pdf);
    assert!(text.contains("The file is damaged."), "{text}");
    assert_eq!(
        lopdf::Document::load_mem(&pdf)
            .expect("loads")
            .get_pages()
            .len(),
        pages
    );
}

/// From the review: the bundle copied each page's `/Annots` and `/AA` as they were, so a
/// file stored before the upload check knew a kind of active content reached the auditor
/// with it. Now every PDF is stripped when bundled: checked here with our own parser and
/// with qpdf (its check, and the uncompressed file searched for every active name).
#[test]
fn bundled_pdfs_lose_every_action_but_jumps_within_the_document() {
    let spec = sample::spec(1, 1);
    let hostile = samples::active_pdf();
    assert!(matches!(
        crate::inspect::inspect(&hostile),
        app::backend::certificates::inspection::Verdict::Refused(_)
    ));
    let (pdf, pages, left_out, _) = run(&spec, vec![hostile]);
    assert_eq!(left_out, 0, "stripped, not left out");
    let doc = lopdf::Document::load_mem(&pdf).expect("the report loads");
    assert!(!crate::inspect::has_active_content(&doc));
    // The certificate's page keeps its two links within the document.
    let last = *doc
        .get_pages()
        .get(&u32::try_from(pages).expect("few"))
        .expect("last page");
    let annots = doc
        .get_dictionary(last)
        .and_then(|p| p.get(b"Annots"))
        .and_then(lopdf::Object::as_array)
        .expect("the page's annotations");
    let links: Vec<&lopdf::Dictionary> = annots
        .iter()
        .filter_map(|a| doc.dereference(a).ok()?.1.as_dict().ok())
        .filter(|d| d.has(b"Dest") || d.has(b"A"))
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let qdf = dir.path().join("report.qdf.pdf");
    let qpdf = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("qpdf")
            .args(args)
            .output()
            .expect("qpdf is needed (setup.sh installs it)")
    };
    let check = qpdf(&["--check".as_ref(), path.as_os_str()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let attachments = qpdf(&["--list-attachments".as_ref(), path.as_os_str()]);
    assert!(
        String::from_utf8_lossy(&attachments.stdout).contains("no embedded files"),
        "{}",
        String::from_utf8_lossy(&attachments.stdout)
    );
    let expanded = qpdf(&[
        "--qdf".as_ref(),
        "--object-streams=disable".as_ref(),
        path.as_os_str(),
        qdf.as_os_str(),
    ]);
    assert!(expanded.status.success());
    let text = std::fs::read(&qdf).expect("the expanded report");
    for gone in [
        "/JavaScript",
        "/JS",
        "/URI",
        "/Launch",
        "/SubmitForm",
        "/XFA",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/OpenAction",
        "/AA",
        "/FileAttachment",
        "/Win",
        "evil.example",
        "cmd.exe",
        "invoice.exe",
        "pretend executable",
    ] {
        let found = text
            .windows(gone.len() + 1)
            .any(|w| &w[..gone.len()] == gone.as_bytes() && !w[gone.len()].is_ascii_alphanumeric());
        assert!(!found, "{gone} is in the report");
    }
}

#[test]
fn a_year_without_courses_still_makes_a_report() {
    let spec = sample::spec(0, 0);
    let (pdf, pages, left_out, _) = run(&spec, Vec::new());
    assert_eq!((pages, left_out), (2, 0));
    assert!(text_of(&pdf).contains("No courses in 2026."));
}

#[test]
fn long_logs_continue_over_pages_and_numbers_settle() {
    let spec = sample::spec(120, 0);
    let (pdf, pages, _, _) = run(&spec, Vec::new());
    assert!(pages > 4);
    let text = text_of(&pdf);
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("Course 119"));
}

#[test]
fn the_cover_carries_the_brand() {
    let spec = sample::spec(1, 0);
    let (pdf, _, _, _) = run(&spec, Vec::new());
    let text = text_of(&pdf);
    assert!(text.starts_with("CPD Registry"), "{text}");
    // To look at it: REPORT_SAMPLE_OUT=/tmp/report.pdf cargo test … the_cover_carries_the_brand
    if let Some(out) = std::env::var_os("REPORT_SAMPLE_OUT") {
        std::fs::write(out, &pdf).expect("write the sample");
    }
}
