//! What the report worker draws. Every word is already in the reader's language and
//! every figure already computed by the calculator the pages use, so the worker only
//! lays out: it never sees the database, the keys or the rules.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSpec {
    pub report_id: String,
    /// "Annual CPD report 2026": the cover's heading and the PDF's title.
    pub title: String,
    /// The person, firm, rule set and year, as label and value.
    pub cover: Vec<Field>,
    /// The year's status in words ("Compliant").
    pub status: String,
    /// The public page that checks this report; the cover's QR code opens it.
    pub verify_url: String,
    /// The words beside the QR code.
    pub verify_note: String,
    /// Shown in every page's footer: "Generated 2026-11-30 · Report 0193…".
    pub footer: String,
    /// The compliance summary, leave and exemptions, carry-in and carry-out.
    pub sections: Vec<Section>,
    pub entries: EntriesTable,
    pub statement: Statement,
    /// In entry order; the worker appends them after the summary.
    pub certificates: Vec<Certificate>,
    pub labels: Labels,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

impl Field {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            label: label.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Heading(String),
    Paragraph(String),
    Fields(Vec<Field>),
    /// A small table: the header row, then the rows (the last column right-aligned).
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// Every entry of the year. The proof column is filled by the worker: the page where
/// each certificate starts, or why it could not be included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntriesTable {
    pub heading: String,
    /// Date, title, provider, category, hours, proof.
    pub columns: [String; 6],
    pub rows: Vec<EntryRow>,
    /// "Total" and the hours it adds up to.
    pub total: Field,
    /// Shown instead of the table when the year has no entries.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRow {
    pub date: String,
    pub title: String,
    pub provider: String,
    pub category: String,
    pub hours: String,
    /// Indexes into [`ReportSpec::certificates`].
    pub certificates: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// Lines to sign on: "Signature", "Name in print", "Place and date".
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The entry it proves, as its pages are headed: "2026-03-12 · Course title".
    pub heading: String,
    pub file_name: String,
    /// Why the server did not pass the file on (it crashed an earlier attempt, or the
    /// stored object could not be read); `None` for a file the worker receives.
    pub excluded: Option<Exclusion>,
}

/// Why a certificate is not in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The file does not parse (damaged, or not what it says it is).
    Damaged,
    /// A PDF that needs a password.
    Encrypted,
    /// Reading it stopped the worker (crash, memory or time): it was left out.
    Unreadable,
    /// The stored file could not be fetched.
    Missing,
}

/// The words the worker puts together itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// "Page {n} of {total}".
    pub page: String,
    /// "p. {n}": where a certificate starts, in the proof column.
    pub proof_page: String,
    /// For an entry without certificates.
    pub proof_none: String,
    /// In the proof column, for a certificate left out.
    pub proof_left_out: String,
    /// The heading and first sentence of the list of certificates left out.
    pub left_out_heading: String,
    pub left_out_intro: String,
    pub damaged: String,
    pub encrypted: String,
    pub unreadable: String,
    pub missing: String,
    /// "Certificate {i} of {n}", heading each certificate's pages.
    pub certificate_of: String,
}

impl Labels {
    pub fn reason(&self, why: Exclusion) -> &str {
        match why {
            Exclusion::Damaged => &self.damaged,
            Exclusion::Encrypted => &self.encrypted,
            Exclusion::Unreadable => &self.unreadable,
            Exclusion::Missing => &self.missing,
        }
    }
}

/// One line of the worker's progress on stderr: it starts certificate `i` (so a crash
/// is blamed on it), has finished `done` of `total` steps, or is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Begin { certificate: usize },
    Step { done: usize, total: usize },
    Finished { pages: usize, left_out: usize },
}
