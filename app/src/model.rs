//! What the log pages receive from the server: the person's entries, leave and exemptions,
//! with the rule set and profile dates the calculator needs. The browser evaluates the
//! same [`domain::rules`] over it, so the live preview and the server agree by
//! construction.

use domain::rules::{self, Category, Entry, Evaluation, Leave, Log, Profile, RuleSet, Topic};
use domain::{Date, Hours};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub id: String,
    /// YYYY-MM-DD
    pub date: String,
    pub title: String,
    pub provider: String,
    pub quarters: u32,
    /// `teacher-led` or `e-learning`.
    pub category: String,
    pub verifiable: bool,
    /// Empty, or a [`Topic`] id.
    pub topic: String,
    pub notes: String,
}

impl EntryView {
    pub fn hours(&self) -> Hours {
        Hours::from_quarters(self.quarters)
    }

    /// The course as its form would hold it (to be checked again, or compared).
    pub fn draft(&self) -> domain::EntryDraft {
        domain::EntryDraft {
            date: self.date.clone(),
            title: self.title.clone(),
            provider: self.provider.clone(),
            hours: self.hours().to_string(),
            category: self.category.clone(),
            verifiable: self.verifiable,
            topic: self.topic.clone(),
            notes: self.notes.clone(),
        }
    }

    pub fn to_domain(&self) -> Option<Entry> {
        Some(Entry {
            date: Date::parse(&self.date).ok()?,
            hours: self.hours(),
            category: Category::parse(&self.category)?,
            verifiable: self.verifiable,
            topic: Topic::parse(&self.topic),
        })
    }
}

/// A file attached to an entry as proof. Links to it are made on request (they expire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub id: String,
    pub entry_id: String,
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub mime: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub pages: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// YYYY-MM-DD, when it was attached.
    pub uploaded: String,
}

impl CertificateView {
    pub fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }

    /// The size for people: "840 KB", "2.4 MB".
    pub fn size_label(&self) -> String {
        size_label(self.size_bytes)
    }
}

/// A file size for people: "840 KB", "2.4 MB".
pub fn size_label(bytes: u64) -> String {
    let kb = bytes.div_ceil(1024);
    if kb < 1024 {
        format!("{kb} KB")
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// An entry's certificates, and the largest file an upload may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateList {
    pub items: Vec<CertificateView>,
    pub max_mb: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveView {
    pub id: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogData {
    pub rule_set: String,
    pub admitted: String,
    pub born: String,
    /// The server's date, so browser and server evaluate "as of" the same day.
    pub today: String,
    /// Sorted by date, then title.
    pub entries: Vec<EntryView>,
    pub leaves: Vec<LeaveView>,
    pub exemptions: Vec<i32>,
    /// How many certificates each entry has (entries without any are left out).
    #[serde(default)]
    pub certificates: std::collections::BTreeMap<String, u32>,
    /// The first year of the history, when the person chose one.
    #[serde(default)]
    pub history_from: Option<i32>,
    /// The day the firm restricted the processing of this person's data, if it has: then
    /// nothing is calculated from the log.
    #[serde(default)]
    pub restricted_since: Option<String>,
}

impl LogData {
    pub fn today(&self) -> Date {
        Date::parse(&self.today).unwrap_or_else(|_| Date::first_of_year(2026))
    }

    pub fn rule_set(&self) -> RuleSet {
        RuleSet::by_id(&self.rule_set)
            .or_else(|| RuleSet::by_id("none"))
            .expect("the `none` rule set exists")
    }

    /// The calculator's view of this log, with `extra` (an entry being typed) added.
    pub fn to_domain(&self, extra: Option<Entry>) -> Log {
        Log {
            profile: Profile {
                admitted: Date::parse(&self.admitted).ok(),
                born: Date::parse(&self.born).ok(),
            },
            entries: self
                .entries
                .iter()
                .filter_map(EntryView::to_domain)
                .chain(extra)
                .collect(),
            leaves: self
                .leaves
                .iter()
                .filter_map(|l| {
                    Some(Leave {
                        from: Date::parse(&l.from).ok()?,
                        to: Date::parse(&l.to).ok()?,
                    })
                })
                .collect(),
            exemptions_age_70: self.exemptions.clone(),
        }
    }

    pub fn evaluate(&self, year: i32, extra: Option<Entry>) -> Evaluation {
        rules::evaluate(&self.rule_set(), &self.to_domain(extra), year, self.today())
    }

    /// Courses of `year` logged ahead of today, which the totals do not count yet.
    pub fn not_yet_counted(&self, year: i32) -> Option<rules::NotYetCounted> {
        rules::not_yet_counted(&self.to_domain(None), year, self.today())
    }

    /// The year as it will stand once the courses logged ahead (and `extra`, the entry
    /// being typed) have taken place: evaluated as of the latest of them, or today.
    pub fn evaluate_planned(&self, year: i32, extra: Option<Entry>) -> Evaluation {
        let log = self.to_domain(extra);
        let as_of = log
            .entries
            .iter()
            .filter(|e| e.date.year() == year)
            .map(|e| e.date)
            .max()
            .map_or(self.today(), |latest| latest.max(self.today()));
        rules::evaluate(&self.rule_set(), &log, year, as_of)
    }

    /// The e-learning cap of the person's rule set in `year`, if it has one.
    pub fn e_learning_cap(&self, year: i32) -> Option<Hours> {
        match &self.rule_set().params(year).kind {
            rules::set::Kind::Annual(a) => a.e_learning_cap,
            _ => None,
        }
    }

    /// Years worth showing in the history, newest first, to this year: from the year the
    /// person chose, else from the first logged year; never before admission. Years before
    /// the person started logging here would only show "not met" for courses we never saw.
    pub fn years(&self) -> Vec<i32> {
        let this_year = self.today().year();
        let admitted = Date::parse(&self.admitted).map_or(i32::MIN, |d| d.year());
        let first_logged = || {
            self.entries
                .iter()
                .filter_map(|e| Date::parse(&e.date).ok().map(|d| d.year()))
                .min()
                .unwrap_or(this_year)
        };
        let first = self
            .history_from
            .unwrap_or_else(first_logged)
            .max(admitted)
            .max(this_year - 30)
            .min(this_year);
        (first..=this_year).rev().collect()
    }
}

/// One row of a CSV file being imported, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub date: String,
    pub title: String,
    pub hours: String,
    pub category: String,
    /// Why the row cannot be imported, in the person's language.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: String,
    pub rows: Vec<ImportRow>,
    /// A problem with the file as a whole (no header, too large).
    pub file_error: Option<String>,
    /// The encoding the file was read in ("UTF-8", "Windows-1252", "UTF-16").
    pub encoding: String,
    /// How each column of the file was understood, in the file's order.
    pub mapping: Vec<ColumnMapping>,
}

/// One header of an imported file and what it was taken as (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub header: String,
    pub column: Option<String>,
}

impl ImportPreview {
    pub fn valid(&self) -> usize {
        self.rows.iter().filter(|r| r.error.is_none()).count()
    }

    pub fn invalid(&self) -> usize {
        self.rows.len() - self.valid()
    }
}

/// What the audit viewer filters by (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub action: String,
    /// YYYY-MM-DD, inclusive.
    pub from: String,
    pub to: String,
}

/// Someone in an audit event, as the firm may see them: its own people by name and
/// address, nobody else's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuditParty {
    /// A person in the firm now (the name may be empty).
    Member { name: String, email: String },
    /// A person no longer in the firm: removed (the name is kept) or gone elsewhere (no
    /// name).
    Former { name: String },
    /// The application itself (background jobs).
    System,
    /// Someone not signed in (asking for a sign-in code, say).
    Anonymous,
}

/// What an audit event was done to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuditSubject {
    /// A person's account (or their one-time code).
    Person { person: AuditParty },
    /// An invitation, to the address it was sent to.
    Invitation { email: String },
    /// Anything else: its kind, and the value stored with it where that says something (a
    /// year, a count); empty for an internal id.
    Thing { kind: String, detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    pub at: String,
    pub actor: AuditParty,
    /// The stored code (`account.created`); the page names it.
    pub action: String,
    pub subject: AuditSubject,
    pub ip: String,
}

/// One page of the firm's audit log: the chain's verification, the actions to filter by,
/// and up to a page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub intact: bool,
    pub problem: Option<String>,
    pub rows_checked: u64,
    pub checkpoints: u64,
    pub public_key: String,
    /// The codes of the actions in the firm's log.
    pub actions: Vec<String>,
    pub events: Vec<AuditEvent>,
    /// How many events match the filter, on every page together.
    pub total: u64,
    /// The position of the first event shown among them (1 = the newest); 0 when none.
    pub first: u64,
    /// `after` for the link to the newer page, when there is one.
    pub newer: Option<i64>,
    /// `before` for the link to the older page, when there is one.
    pub older: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub role: domain::Role,
    pub status: domain::AccountStatus,
    /// The day the person's account and data are to be deleted, if that was asked for.
    pub deletion_due: Option<String>,
    pub is_me: bool,
    /// The viewer may block, unblock and remove this person.
    pub may_manage: bool,
    /// The processing of the person's data is restricted.
    #[serde(default)]
    pub restricted: bool,
    /// Why the firm keeps the person's data by law, if it does.
    #[serde(default)]
    pub legal_hold: Option<String>,
    /// The roles the viewer may give this person (empty: no role form).
    pub roles: Vec<domain::Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: domain::Role,
    /// YYYY-MM-DD
    pub expires: String,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    /// The roles the viewer may invite people as.
    pub invite_roles: Vec<domain::Role>,
    pub people: Vec<MemberView>,
    pub invitations: Vec<InvitationView>,
    /// People the firm removed whose records it still holds (their data can be deleted),
    /// listed only to those who may manage them.
    #[serde(default)]
    pub removed: Vec<RemovedView>,
}

/// Someone who left the firm (removed) and whose records the firm still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedView {
    pub id: String,
    pub full_name: String,
    /// The day their data is to be deleted, if that was asked for.
    pub deletion_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmSettings {
    pub name: String,
    pub org_number: String,
    pub default_rule_set: String,
    pub require_second_factor: bool,
    /// Bytes the firm keeps in certificates and reports, and what it may keep.
    pub storage_used_bytes: u64,
    pub storage_quota_bytes: u64,
    /// Only owners change settings.
    pub can_edit: bool,
    /// The day the firm is deleted, if its owner closed it.
    #[serde(default)]
    pub closing: Option<String>,
}

/// The data page: the person's archives, and whether this session may ask for a new one
/// (it confirmed it is the person recently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportsPage {
    pub items: Vec<ExportView>,
    pub stepped_up: bool,
}

/// One "download all my data" archive, as the data page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportView {
    pub id: String,
    /// `person` (the viewer's own), `member` or `firm`.
    pub scope: String,
    /// The member's name, for an archive of a member.
    pub subject: String,
    /// `queued`, `running`, `ready` or `failed`.
    pub status: String,
    pub steps_done: u32,
    pub steps_total: u32,
    pub size_bytes: u64,
    pub created_at_us: i64,
    /// The day it is removed (once ready).
    pub expires: Option<String>,
}

/// The retention jobs as a firm's administrators see them, and the purges of their people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub jobs: Vec<JobView>,
    /// Newest first (at most 50).
    pub purges: Vec<PurgeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// As stored (`purge_people`); the page names it.
    pub name: String,
    pub every_minutes: u32,
    /// When it last finished (µs), if it has run.
    pub last_finished_at_us: Option<i64>,
    /// `done` or `failed`.
    pub last_outcome: String,
}

/// A purge of one of the firm's people (ids and counts are all that is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeView {
    pub at_us: i64,
    pub rows: u64,
    pub objects: u64,
}

/// What an uploaded history would add (while staged), or added (once done).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistorySummary {
    /// The name in the archive's profile.
    pub from_name: String,
    pub courses_new: u32,
    /// Courses already in the log (matched, not added again).
    pub courses_known: u32,
    pub leaves_new: u32,
    pub exemptions_new: u32,
    pub certificates: u32,
    pub certificate_bytes: u64,
    /// Certificates already on their course.
    pub certificates_known: u32,
    /// Certificates the inspection refused (by file name).
    pub certificates_refused: u32,
    pub refused_names: Vec<String>,
}

/// An uploaded history, as the data page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryImportView {
    pub id: String,
    /// `staged`, `running`, `done` or `failed`.
    pub status: String,
    pub summary: HistorySummary,
    pub steps_done: u32,
    pub steps_total: u32,
}

impl ExportView {
    pub fn in_progress(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }
}

/// One person's standing in a year, for the firm overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub rule_set: String,
    pub blocked: bool,
    /// None while the processing of the person's data is restricted (nothing calculated).
    pub status: Option<domain::rules::Status>,
    pub counted_quarters: u32,
    pub required_quarters: u32,
    pub shortfall_quarters: u32,
}

/// A member's log as their firm's administrators see it (read-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLog {
    pub id: String,
    pub name: String,
    pub log: LogData,
    /// The person's details as stored, when the viewer may correct them.
    #[serde(default)]
    pub details: Option<MemberDetails>,
}

/// A member's personal details, for the firm's correction form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    pub full_name: String,
    pub title: String,
    pub admission_date: String,
    pub birth_date: String,
    pub rule_set: String,
    pub history_from: String,
}

/// One of the person's annual reports, as the reports page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: String,
    pub year: i32,
    /// `en` or `sv`.
    pub language: String,
    /// `queued`, `running`, `ready` or `failed`.
    pub status: String,
    /// Why it failed: `interrupted` (a restart) or `failed`.
    pub problem: Option<String>,
    /// 0–100 while it is being made.
    pub percent: u32,
    /// When it was asked for, in microseconds since 1970 (UTC); the page writes it out.
    pub created_us: i64,
    pub pages: Option<u32>,
    pub size_bytes: Option<u64>,
    pub left_out: u32,
}

impl ReportView {
    pub fn in_progress(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }
}

/// The reports page: the person's reports, the years they can choose and their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub items: Vec<ReportView>,
    pub years: Vec<i32>,
    pub language: String,
}

/// What the public verification page may say about a report: nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub id: String,
    /// YYYY-MM-DD
    pub issued: String,
    pub pages: u32,
    pub sha256: String,
    /// The issued file's size: a file checked against it is read no further than this.
    pub size_bytes: u64,
}

/// What an invitation link offers the person who opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationOffer {
    pub firm_name: String,
    /// The invited address: the code goes there, and only there.
    pub email: String,
    /// Invited as an admin (else as a member).
    pub admin: bool,
    /// The address has an account already, which cannot move firms by an invitation.
    pub has_account: bool,
}

/// The outcome of checking an uploaded file on the public verification page. It exists only
/// in the response to that upload (never in a URL), so no link can make the page show a
/// verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyCheck {
    /// The uploaded file's SHA-256 equals the issued one's.
    Match { uploaded_sha256: String },
    /// It differs (or the file is larger than the one we issued, which then was not read to
    /// its end: its SHA-256 is then `None`).
    Mismatch { uploaded_sha256: Option<String> },
    /// No file came with the request.
    Empty,
    /// Too many checks from this network.
    Limited,
}

/// A deletion that can still be undone, as the undo notice shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoOffer {
    pub batch: String,
    /// "entry", "certificate", "leave" or "report".
    pub kind: String,
    pub label: String,
    pub minutes_left: i64,
}

/// What a plain-form certificate upload did, put in context of the entry's page that
/// answers the upload (never read from the URL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadOutcome {
    pub stored: usize,
    /// Each refused file's name and refusal code.
    pub refused: Vec<(String, String)>,
    /// Files already attached to this entry.
    pub already: Vec<String>,
    /// Titles of other courses a stored file is also attached to.
    pub also_on: Vec<String>,
    pub failed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(admitted: &str, history_from: Option<i32>, dates: &[&str]) -> LogData {
        LogData {
            rule_set: "se-advokat".into(),
            admitted: admitted.into(),
            born: String::new(),
            restricted_since: None,
            today: "2026-12-01".into(),
            entries: dates
                .iter()
                .map(|d| EntryView {
                    id: d.to_string(),
                    date: d.to_string(),
                    title: "Course".into(),
                    provider: String::new(),
                    quarters: 4,
                    category: "teacher-led".into(),
                    verifiable: true,
                    topic: String::new(),
                    notes: String::new(),
                })
                .collect(),
            leaves: Vec::new(),
            exemptions: Vec::new(),
            certificates: Default::default(),
            history_from,
        }
    }

    #[test]
    fn the_history_starts_at_the_chosen_year_not_at_a_stray_old_course() {
        let stray = ["2016-04-01", "2026-03-01"];
        assert_eq!(log("2010-01-01", None, &stray).years().len(), 11);
        assert_eq!(
            log("2010-01-01", Some(2025), &stray).years(),
            vec![2026, 2025]
        );
        // Never before admission, whatever is chosen.
        assert_eq!(
            log("2025-06-01", Some(2020), &stray).years(),
            vec![2026, 2025]
        );
        // Nothing logged, nothing chosen: this year only.
        assert_eq!(log("", None, &[]).years(), vec![2026]);
    }
}
