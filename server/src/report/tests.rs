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
