//! What an archive holds of one person: `data.json` (described by
//! `docs/export-schema.json`), `entries.csv`, every certificate file as uploaded, every
//! finished report, and a `README.txt` in the reader's language.

use super::FORMAT_VERSION;
use super::archive::{Item, Source};
use crate::backend::auth::users::User;
use crate::backend::db::now_micros;
use crate::i18n::Lang;
use crate::model::LogData;
use serde_json::{Value, json};

/// A finished report of the person, for the archive.
#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    year: i64,
    language: String,
    sha256: String,
    object_key: Option<String>,
    size_bytes: Option<i64>,
    created_at_us: i64,
}

/// The person's files under `prefix` (empty, or `people/…/` in a firm's archive), with the
/// README in `lang`.
pub(super) async fn items(
    conn: &mut sqlx::AnyConnection,
    records: &crate::backend::sealing::Records,
    user: &User,
    prefix: &str,
    lang: Lang,
) -> anyhow::Result<Vec<Item>> {
    let log = crate::backend::training::load(conn, records, user).await?;
    let certificates: Vec<crate::backend::certificates::Row> = sqlx::query_as(&format!(
        "SELECT {} FROM certificates WHERE user_id = $1 ORDER BY created_at_us, id",
        crate::backend::certificates::COLUMNS
    ))
    .bind(&user.id)
    .fetch_all(&mut *conn)
    .await?;
    let reports: Vec<ReportRow> = sqlx::query_as(
        "SELECT id, year, language, sha256, object_key, size_bytes, created_at_us FROM reports \
         WHERE user_id = $1 AND status = 'ready' ORDER BY year, created_at_us",
    )
    .bind(&user.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut files = Vec::new();
    let seal = records.firm(conn, &user.firm_id).await?;
    let certificate_docs: Vec<Value> = certificates
        .into_iter()
        .map(|row| crate::backend::certificates::view(&seal, row))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .map(|(c, key)| {
            // The whole id: two photos both called image.jpg stay two files.
            let name = format!("certificates/{}-{}", c.id, safe_name(&c.file_name));
            files.push(Item {
                name: format!("{prefix}{name}"),
                source: Source::Object(key),
            });
            json!({
                "id": c.id, "entry_id": c.entry_id, "file_name": c.file_name, "mime": c.mime,
                "size_bytes": c.size_bytes, "sha256": c.sha256, "uploaded": c.uploaded, "file": name,
            })
        })
        .collect();
    let report_docs: Vec<Value> = reports
        .into_iter()
        .map(|r| {
            let name = format!("reports/{}-{}-{}.pdf", r.year, r.language, r.id);
            if let Some(key) = r.object_key {
                files.push(Item {
                    name: format!("{prefix}{name}"),
                    source: Source::Object(key),
                });
            }
            json!({
                "id": r.id, "year": r.year, "language": r.language, "sha256": r.sha256,
                "size_bytes": r.size_bytes, "created": crate::backend::erasure::due_day(r.created_at_us), "file": name,
            })
        })
        .collect();
    let data = document(user, &log, certificate_docs, report_docs);
    let csv = crate::backend::training::import::export(&log.entries)?;
    let mut items = vec![
        Item::bytes(format!("{prefix}README.txt"), readme(lang).into_bytes()),
        Item::bytes(
            format!("{prefix}data.json"),
            serde_json::to_vec_pretty(&data)?,
        ),
        Item::bytes(format!("{prefix}entries.csv"), csv.into_bytes()),
    ];
    items.extend(files);
    Ok(items)
}

/// A file name that is one plain path segment inside the archive.
pub(super) fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.chars().take(120).collect()
    }
}

/// `data.json`: everything about the person, as `docs/export-schema.json` describes it.
fn document(user: &User, log: &LogData, certificates: Vec<Value>, reports: Vec<Value>) -> Value {
    // While the firm restricts the processing of the person's data, nothing is calculated
    // from it: the export carries the records, without a standing.
    let years: Vec<Value> = log
        .years()
        .into_iter()
        .filter(|_| log.restricted_since.is_none())
        .map(|year| {
            let r = log.evaluate(year, None);
            json!({
                "year": year,
                "status": r.status.as_str(),
                "required_hours": r.required.to_string(),
                "counted_hours": r.counted.to_string(),
                "shortfall_hours": r.shortfall.to_string(),
            })
        })
        .collect();
    json!({
        "format": "cpd-registry-export",
        "version": FORMAT_VERSION,
        "exported_at": crate::backend::firm_audit::timestamp(now_micros()),
        "profile": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "title": user.title,
            "rule_set": user.rule_set,
            "language": user.language,
            "admission_date": user.admission_date,
            "birth_date": user.birth_date,
        },
        "entries": log.entries.iter().map(|e| json!({
            "id": e.id, "date": e.date, "title": e.title, "provider": e.provider,
            "hours": e.hours().to_string(), "category": e.category, "verifiable": e.verifiable,
            "topic": if e.topic.is_empty() { Value::Null } else { Value::from(e.topic.clone()) },
            "notes": e.notes,
        })).collect::<Vec<_>>(),
        "leave": log.leaves.iter().map(|l| json!({
            "id": l.id, "from": l.from, "to": l.to, "reason": l.reason,
        })).collect::<Vec<_>>(),
        "exemptions": log.exemptions,
        "certificates": certificates,
        "reports": reports,
        "compliance": years,
    })
}

/// What is in a person's archive, in the reader's language.
fn readme(lang: Lang) -> String {
    match lang {
        Lang::En => "Data from CPD Registry\n\n\
            data.json      the profile, courses, leave, exemptions, the details of the\n\
            \x20              certificates and reports, and the standing in every year\n\
            \x20              (described by docs/export-schema.json, version 1)\n\
            entries.csv    the courses, in the format the log imports\n\
            certificates/  every certificate file as it was uploaded\n\
            reports/       every annual report made (PDF)\n\n\
            To bring this history into another firm on CPD Registry, upload this ZIP\n\
            as it is under Your data > Bring your history.\n"
            .to_owned(),
        Lang::Sv => "Uppgifter från CPD Registry\n\n\
            data.json      profilen, kurserna, ledigheten, undantagen, uppgifter om\n\
            \x20              intygen och rapporterna, och ställningen varje år\n\
            \x20              (beskrivs av docs/export-schema.json, version 1)\n\
            entries.csv    kurserna, i det format loggen kan importera\n\
            certificates/  varje intyg som det laddades upp\n\
            reports/       varje årsrapport som skapats (PDF)\n\n\
            För att ta med historiken till en annan byrå i CPD Registry, ladda upp\n\
            den här ZIP-filen som den är under Dina uppgifter > Ta med din historik.\n"
            .to_owned(),
    }
}
