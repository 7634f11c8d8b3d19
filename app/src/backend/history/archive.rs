//! Reading an uploaded export: the ZIP is opened from a temporary file (blocking code, run
//! off the async runtime), `data.json` is read within a limit, validated against
//! `docs/export-schema.json` and then read into typed values; every course is checked as
//! the log's form checks it, every certificate it names must be in the archive with the
//! SHA-256 it states. Nothing here touches the database.

use domain::{Date, EntryDraft, ValidEntry};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// The largest `data.json` read (a long career with notes stays far below).
const MAX_DATA_JSON: u64 = 64 * 1024 * 1024;
/// The most of each a history may bring (a career, generously): beyond it the archive is
/// not one of ours, and checking it would only cost the server.
pub const MAX_COURSES: usize = crate::backend::training::import::MAX_ROWS;
pub const MAX_CERTIFICATES: usize = 2_000;
const MAX_LEAVES: usize = 500;
const MAX_EXEMPTIONS: usize = 100;
/// The files an archive may hold besides its certificates (README, data.json, CSV, reports).
const MAX_OTHER_FILES: usize = 1_000;

/// The published schema, compiled once.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/export-schema.json"))
                .expect("docs/export-schema.json is JSON");
        jsonschema::validator_for(&schema).expect("docs/export-schema.json is a valid schema")
    })
}

/// Why an archive cannot be brought in: each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a ZIP, or a damaged one.
    NotZip,
    /// A ZIP without `data.json` (another file, or an archive of a whole firm).
    NoData,
    /// `data.json` does not follow the schema: where, and what.
    Schema(String),
    /// A course the log would refuse (its date as written, and its title).
    Course(String),
    /// A certificate named in `data.json` is missing, too large, or not what it states.
    Certificate(String),
    /// More courses, certificates or files than a history holds.
    TooMany,
}

#[derive(Debug, Deserialize)]
pub struct Document {
    pub profile: Profile,
    pub entries: Vec<EntryDoc>,
    pub leave: Vec<LeaveDoc>,
    pub exemptions: Vec<i32>,
    pub certificates: Vec<CertificateDoc>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub full_name: String,
    pub title: String,
    pub rule_set: String,
    pub admission_date: Option<String>,
    pub birth_date: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct EntryDoc {
    pub id: String,
    pub date: String,
    pub title: String,
    pub provider: String,
    pub hours: String,
    pub category: String,
    pub verifiable: bool,
    pub topic: Option<String>,
    pub notes: String,
}

#[derive(Debug, Deserialize)]
pub struct LeaveDoc {
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
pub struct CertificateDoc {
    pub entry_id: String,
    pub file_name: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub file: String,
}

/// An archive that passed every check: its courses parsed, its certificates found.
#[derive(Debug)]
pub struct Checked {
    pub document: Document,
    /// The courses in `document.entries` order.
    pub entries: Vec<ValidEntry>,
}

/// Opens the archive at `path` and checks it; certificates may be up to `max_file` bytes.
pub fn check(path: &Path, max_file: u64, today: Date) -> Result<Checked, Unreadable> {
    let (checked, mut zip) = read(path, today)?;
    for c in &checked.document.certificates {
        let (size, sha256) = hash_file(&mut zip, &c.file, max_file)
            .ok_or_else(|| Unreadable::Certificate(c.file_name.clone()))?;
        if size != c.size_bytes || sha256 != c.sha256 {
            return Err(Unreadable::Certificate(c.file_name.clone()));
        }
    }
    Ok(checked)
}

/// [`check`] without reading the certificates: for an archive that passed [`check`] and
/// comes back from our own storage (sealed and authenticated, so byte for byte the same).
pub fn read(
    path: &Path,
    today: Date,
) -> Result<(Checked, zip::ZipArchive<std::fs::File>), Unreadable> {
    let file = std::fs::File::open(path).map_err(|_| Unreadable::NotZip)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| Unreadable::NotZip)?;
    if zip.len() > MAX_CERTIFICATES + MAX_OTHER_FILES {
        return Err(Unreadable::TooMany);
    }
    let mut bytes = Vec::new();
    {
        let data = zip.by_name("data.json").map_err(|_| Unreadable::NoData)?;
        data.take(MAX_DATA_JSON + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| Unreadable::NotZip)?;
    }
    if bytes.len() as u64 > MAX_DATA_JSON {
        return Err(Unreadable::Schema("data.json is too large".to_owned()));
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Unreadable::Schema(format!("data.json is not JSON ({e})")))?;
    if let Err(error) = validator().validate(&value) {
        return Err(Unreadable::Schema(format!(
            "{} {}",
            error.instance_path(),
            error
        )));
    }
    let document: Document =
        serde_json::from_value(value).map_err(|e| Unreadable::Schema(e.to_string()))?;
    if document.entries.len() > MAX_COURSES
        || document.certificates.len() > MAX_CERTIFICATES
        || document.leave.len() > MAX_LEAVES
        || document.exemptions.len() > MAX_EXEMPTIONS
    {
        return Err(Unreadable::TooMany);
    }
    check_profile(&document.profile, &document.exemptions, today)?;
    // Each certificate its own file: one file named a thousand times would be inflated
    // and inspected a thousand times.
    let mut files = std::collections::HashSet::new();
    if !document
        .certificates
        .iter()
        .all(|c| files.insert(c.file.as_str()))
    {
        return Err(Unreadable::Schema(
            "two certificates name one file".to_owned(),
        ));
    }
    let total: u64 = document.certificates.iter().map(|c| c.size_bytes).sum();
    if total > super::MAX_BYTES {
        return Err(Unreadable::TooMany);
    }
    let entries = document
        .entries
        .iter()
        .map(|e| {
            EntryDraft {
                date: e.date.clone(),
                title: e.title.clone(),
                provider: e.provider.clone(),
                hours: e.hours.clone(),
                category: e.category.clone(),
                verifiable: e.verifiable,
                topic: e.topic.clone().unwrap_or_default(),
                notes: e.notes.clone(),
            }
            .parse(today)
            .map_err(|_| Unreadable::Course(format!("{} {}", e.date, e.title)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(c) = document
        .certificates
        .iter()
        .find(|c| !document.entries.iter().any(|e| e.id == c.entry_id))
    {
        return Err(Unreadable::Certificate(c.file_name.clone()));
    }
    Ok((Checked { document, entries }, zip))
}

/// What the profile brings must pass the profile form's own checks: a name within its
/// limit, dates that are not in the future, exemption years within reason.
fn check_profile(profile: &Profile, exemptions: &[i32], today: Date) -> Result<(), Unreadable> {
    let wrong = |what: &str| Err(Unreadable::Schema(format!("profile: {what}")));
    if !domain::limits::fits(profile.full_name.trim(), domain::limits::PERSON_NAME) {
        return wrong("the name is too long");
    }
    for date in [&profile.admission_date, &profile.birth_date]
        .into_iter()
        .flatten()
    {
        match Date::parse(date) {
            Ok(d) if d <= today => {}
            _ => return wrong("a date is not a past date"),
        }
    }
    if exemptions
        .iter()
        .any(|y| !(1950..=today.year() + 1).contains(y))
    {
        return wrong("an exemption year is out of range");
    }
    Ok(())
}

/// The size and SHA-256 of one file of the archive, if it is there and within `max`.
fn hash_file(
    zip: &mut zip::ZipArchive<std::fs::File>,
    name: &str,
    max: u64,
) -> Option<(u64, String)> {
    let file = zip.by_name(name).ok()?;
    let mut limited = file.take(max + 1);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = limited.read(&mut buffer).ok()?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    (size <= max).then(|| (size, hex::encode(hasher.finalize())))
}

/// One file of the archive, read whole (a certificate: at most the upload limit).
pub fn read_file(path: &Path, name: &str, max: u64) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut zip = zip::ZipArchive::new(file)?;
    let entry = zip.by_name(name)?;
    let mut bytes = Vec::new();
    entry.take(max + 1).read_to_end(&mut bytes)?;
    anyhow::ensure!(bytes.len() as u64 <= max, "{name} is larger than the limit");
    Ok(bytes)
}
