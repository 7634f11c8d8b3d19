//! A report spec made on the spot, for the worker's tests and the benchmark: `entries`
//! entries, certificate `i` proving entry `i % entries`.

use app::backend::reports::spec::{
    Certificate, EntriesTable, EntryRow, Field, Labels, ReportSpec, Section, Statement,
};

pub fn spec(entries: usize, certificates: usize) -> ReportSpec {
    let rows = (0..entries)
        .map(|i| EntryRow {
            date: format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
            title: format!("Course {i}: Skatterätt och etik för advokater, fördjupning"),
            provider: "Sveriges advokatsamfund".into(),
            category: if i % 3 == 0 {
                "E-learning"
            } else {
                "Teacher-led"
            }
            .into(),
            hours: "3.00".into(),
            certificates: (0..certificates)
                .filter(|c| c % entries.max(1) == i)
                .collect(),
        })
        .collect();
    ReportSpec {
        report_id: "0193a000-0000-7000-8000-000000000001".into(),
        title: "Annual CPD report 2026".into(),
        cover: vec![
            Field::new("Name", "Åsa Öberg"),
            Field::new("Title", "Advokat"),
            Field::new("Admitted", "2015-09-01"),
            Field::new("Firm", "Advokatfirman Exempel AB (556000-0000)"),
            Field::new("Rule set", "Sveriges advokatsamfund (§36)"),
            Field::new("Year", "2026"),
        ],
        status: "2026: Compliant".into(),
        verify_url: "https://cpd.example/verify/0193a000-0000-7000-8000-000000000001".into(),
        verify_note: "Scan the code or open the address to check that this file is a report we issued, unaltered.".into(),
        footer: "Generated 2026-11-30 · Report 0193a000-0000-7000-8000-000000000001".into(),
        sections: vec![
            Section::Heading("Summary".into()),
            Section::Fields(vec![
                Field::new("Required", "18.00"),
                Field::new("Counted", "21.00"),
                Field::new("Carried in from 2025", "2.00"),
                Field::new("Carried into 2027", "3.00"),
            ]),
            Section::Paragraph("You meet the 18-hour requirement for 2026 with 21 hours.".into()),
            Section::Table {
                columns: vec!["From".into(), "To".into(), "Reason".into()],
                rows: vec![vec!["2026-02-01".into(), "2026-05-31".into(), "Parental leave".into()]],
            },
        ],
        entries: EntriesTable {
            heading: "Courses".into(),
            columns: ["Date", "Course", "Provider", "Kind", "Hours", "Proof"].map(String::from),
            rows,
            total: Field::new("Total", format!("{}.00", entries * 3)),
            empty: "No courses in 2026.".into(),
        },
        statement: Statement {
            heading: "Statement".into(),
            paragraphs: vec!["I confirm that the courses above are complete and correct.".into()],
            lines: vec!["Signature".into(), "Name in print".into(), "Place and date".into()],
        },
        certificates: (0..certificates)
            .map(|i| Certificate {
                heading: format!("2026-01-01 · Course {}", i % entries.max(1)),
                file_name: format!("certificate-{i}.pdf"),
                excluded: None,
            })
            .collect(),
        labels: Labels {
            page: "Page {n} of {total}".into(),
            proof_page: "p. {n}".into(),
            proof_none: "–".into(),
            proof_left_out: "left out".into(),
            left_out_heading: "Certificates not included".into(),
            left_out_intro: "These files could not be included.".into(),
            damaged: "The file is damaged.".into(),
            encrypted: "The PDF needs a password.".into(),
            unreadable: "The file could not be read safely.".into(),
            missing: "The stored file could not be read.".into(),
            certificate_of: "Certificate {i} of {n}".into(),
        },
    }
}
