//! Everyone's standing at a glance: four queries for the whole firm whatever its size,
//! then the same calculator as each person's dashboard, run off the async runtime.

use super::gate;
use crate::AppError;
use crate::backend::account::today;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::Act;
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, FirmSeal, Records};
use crate::backend::state::AppState;
use crate::backend::training::{ENTRY_COLUMNS, EntryRow, LeaveRow, entry_view, sort_entries};
use crate::i18n::Lang;
use crate::model::{LeaveView, LogData, MemberLog, Standing};
use domain::AccountStatus;
use std::collections::HashMap;

/// A person of the firm, with what their calculator needs.
#[derive(sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub title: String,
    pub rule_set: String,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    pub admission_date: Option<String>,
    pub birth_date: Option<String>,
    pub history_from: Option<i64>,
    pub role: String,
    pub restricted_at_us: Option<i64>,
}

impl PersonRow {
    fn open(mut self, seal: &FirmSeal) -> anyhow::Result<PersonRow> {
        self.email = seal.open(Field::UserEmail, &self.id, &self.email)?;
        self.full_name = seal.open(Field::UserName, &self.id, &self.full_name)?;
        self.admission_date = seal.open_opt(
            Field::UserAdmissionDate,
            &self.id,
            self.admission_date.as_deref(),
        )?;
        self.birth_date =
            seal.open_opt(Field::UserBirthDate, &self.id, self.birth_date.as_deref())?;
        Ok(self)
    }
}

/// An entry with whose it is.
#[derive(sqlx::FromRow)]
struct UserEntryRow {
    user_id: String,
    #[sqlx(flatten)]
    entry: EntryRow,
}

/// What the calculator reads of a group of one person's entries in one year.
#[derive(sqlx::FromRow)]
struct SummedEntriesRow {
    user_id: String,
    entry_date: String,
    quarters: i64,
    category: String,
    verifiable: i64,
    topic: Option<String>,
}

/// A leave with whose it is.
#[derive(sqlx::FromRow)]
struct UserLeaveRow {
    user_id: String,
    #[sqlx(flatten)]
    leave: LeaveRow,
}

/// Every active or blocked person of `firm_id` with their log, read in four queries.
pub async fn logs(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    firm_id: &str,
    only: Option<&str>,
    full: bool,
) -> anyhow::Result<Vec<(PersonRow, LogData)>> {
    let people: Vec<PersonRow> = sqlx::query_as(
        "SELECT id, email, full_name, title, rule_set, status, admission_date, birth_date, history_from, role, restricted_at_us FROM users \
         WHERE firm_id = $1 AND deleted_at_us IS NULL AND ($2 = '' OR id = $2)",
    )
    .bind(firm_id)
    .bind(only.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    // Names, addresses, dates, titles and reasons are sealed: opened and sorted here.
    let seal = records.firm(conn, firm_id).await?;
    let mut people = people
        .into_iter()
        .map(|p| p.open(&seal))
        .collect::<anyhow::Result<Vec<_>>>()?;
    people.sort_by_cached_key(|p| {
        (
            crate::backend::sealing::name_order(&p.full_name),
            p.email.clone(),
            p.id.clone(),
        )
    });
    // The overview needs only what the calculator reads; a member's page needs everything.
    let entries: Vec<(String, EntryRow)> = if full {
        sqlx::query_as::<_, UserEntryRow>(&format!(
            "SELECT user_id, {ENTRY_COLUMNS} FROM entries WHERE firm_id = $1 AND ($2 = '' OR user_id = $2)"
        ))
        .bind(firm_id)
        .bind(only.unwrap_or(""))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| Ok((r.user_id, r.entry.open(&seal)?)))
        .collect::<anyhow::Result<_>>()?
    } else {
        // The calculator reads an entry's year, category, verifiability, subject and hours,
        // and ignores entries after today. Summing those groups in the database gives it the
        // same answers from a fifth of the rows (a bench compares both).
        sqlx::query_as::<_, SummedEntriesRow>(
            "SELECT user_id, MIN(entry_date) AS entry_date, CAST(SUM(quarters) AS BIGINT) AS quarters, category, verifiable, topic FROM entries \
             WHERE firm_id = $1 AND entry_date <= $2 \
             GROUP BY user_id, substr(entry_date, 1, 4), category, verifiable, topic",
        )
        .bind(firm_id)
        .bind(today().to_string())
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            let entry = EntryRow {
                entry_date: r.entry_date,
                quarters: r.quarters,
                category: r.category,
                verifiable: r.verifiable,
                topic: r.topic,
                ..EntryRow::default()
            };
            (r.user_id, entry)
        })
        .collect()
    };
    let leaves: Vec<UserLeaveRow> = sqlx::query_as(
        "SELECT l.user_id AS user_id, l.id AS id, l.from_date AS from_date, l.to_date AS to_date, l.reason AS reason FROM leaves l JOIN users u ON u.id = l.user_id \
         WHERE u.firm_id = $1 AND ($2 = '' OR u.id = $2) ORDER BY l.from_date",
    )
    .bind(firm_id)
    .bind(only.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let exemptions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT x.user_id, x.year FROM exemptions x JOIN users u ON u.id = x.user_id \
         WHERE u.firm_id = $1 AND ($2 = '' OR u.id = $2) ORDER BY x.year",
    )
    .bind(firm_id)
    .bind(only.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let today = today().to_string();
    let mut by_user: HashMap<String, LogData> = people
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                LogData {
                    rule_set: p.rule_set.clone(),
                    admitted: p.admission_date.clone().unwrap_or_default(),
                    born: p.birth_date.clone().unwrap_or_default(),
                    history_from: p.history_from.and_then(|y| i32::try_from(y).ok()),
                    restricted_since: p.restricted_at_us.map(crate::backend::erasure::due_day),
                    today: today.clone(),
                    certificates: Default::default(),
                    entries: Vec::new(),
                    leaves: Vec::new(),
                    exemptions: Vec::new(),
                },
            )
        })
        .collect();
    let mut rows_of: HashMap<String, Vec<EntryRow>> = HashMap::new();
    for (user, row) in entries {
        rows_of.entry(user).or_default().push(row);
    }
    for (user, mut rows) in rows_of {
        if let Some(log) = by_user.get_mut(&user) {
            sort_entries(&mut rows);
            log.entries.extend(rows.into_iter().map(entry_view));
        }
    }
    for row in leaves {
        if let Some(log) = by_user.get_mut(&row.user_id) {
            log.leaves.push(LeaveView::from(row.leave.open(&seal)?));
        }
    }
    for (user, year) in exemptions {
        if let (Some(log), Ok(year)) = (by_user.get_mut(&user), i32::try_from(year)) {
            log.exemptions.push(year);
        }
    }
    Ok(people
        .into_iter()
        .map(|p| {
            let log = by_user
                .remove(&p.id)
                .unwrap_or_else(|| unreachable!("every person has a log"));
            (p, log)
        })
        .collect())
}

/// Each person's standing in `year`.
pub async fn standings(
    state: &AppState,
    firm_id: &str,
    year: i32,
) -> anyhow::Result<Vec<Standing>> {
    let mut conn = state.db.pool.acquire().await?;
    let logs = logs(&mut conn, &state.db.records, firm_id, None, false).await?;
    drop(conn);
    // Hundreds of calculations: off the async runtime.
    Ok(tokio::task::spawn_blocking(move || {
        logs.into_iter()
            .map(|(p, log)| {
                // A restricted person's data is kept, not used: no standing is calculated.
                let r = log
                    .restricted_since
                    .is_none()
                    .then(|| log.evaluate(year, None));
                let q = |h: fn(&domain::rules::Evaluation) -> domain::Hours| {
                    r.as_ref().map_or(0, |r| h(r).quarters())
                };
                Standing {
                    status: r.as_ref().map(|r| r.status),
                    counted_quarters: q(|r| r.counted),
                    required_quarters: q(|r| r.required),
                    shortfall_quarters: q(|r| r.shortfall),
                    id: p.id,
                    email: p.email,
                    full_name: p.full_name,
                    title: p.title,
                    rule_set: p.rule_set,
                    blocked: p.status != AccountStatus::Active,
                }
            })
            .collect()
    })
    .await?)
}

pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    year: i32,
) -> Result<Vec<Standing>, AppError> {
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    standings(state, &viewer.user.firm_id, year)
        .await
        .map_err(AppError::from)
}

/// A member's log, read-only for the firm's owners and admins; every view is audited.
pub async fn member_log(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
) -> Result<MemberLog, AppError> {
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    let mut tx = state.db.begin().await?;
    let mut found = logs(
        &mut tx,
        &state.db.records,
        &viewer.user.firm_id,
        Some(id),
        true,
    )
    .await?;
    let Some((person, log)) = found.pop() else {
        return Err(AppError::NotFound);
    };
    let role = crate::backend::db::known(&person.role, domain::Role::parse, "role", &person.id)?;
    let may_correct = person.id != viewer.user.id
        && crate::backend::authz::allowed(viewer.user.role, Act::Manage(role));
    let details = may_correct.then(|| crate::model::MemberDetails {
        full_name: person.full_name.clone(),
        title: person.title.clone(),
        admission_date: person.admission_date.clone().unwrap_or_default(),
        birth_date: person.birth_date.clone().unwrap_or_default(),
        rule_set: person.rule_set.clone(),
        history_from: person
            .history_from
            .map(|y| y.to_string())
            .unwrap_or_default(),
    });
    let PersonRow {
        id,
        email,
        full_name,
        ..
    } = person;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::MemberLogViewed,
            &Target::new("user", &id),
        )
        .await?;
    tx.commit().await?;
    Ok(MemberLog {
        id,
        name: if full_name.is_empty() {
            email
        } else {
            full_name
        },
        log,
        details,
    })
}

/// The overview as CSV; audited.
pub async fn export(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    year: i32,
) -> Result<String, AppError> {
    let rows = overview(state, viewer, meta, lang, year).await?;
    let body = csv(&rows, year)?;
    viewer
        .audit_alone(
            state,
            meta,
            Action::OverviewExported,
            &Target::new("firm", &viewer.user.firm_id),
        )
        .await?;
    Ok(body)
}

/// The standings of `year` as the overview's CSV.
pub fn csv(rows: &[Standing], year: i32) -> anyhow::Result<String> {
    let mut out = crate::backend::csv_out::CsvOut::new(&[
        "name",
        "email",
        "title",
        "rule_set",
        "year",
        "status",
        "hours",
        "required",
        "shortfall",
    ])?;
    let h = |q: u32| domain::Hours::from_quarters(q).to_string();
    for r in rows {
        out.row([
            r.full_name.as_str(),
            &r.email,
            &r.title,
            &r.rule_set,
            &year.to_string(),
            r.status.map_or("restricted", |s| s.as_str()),
            &h(r.counted_quarters),
            &h(r.required_quarters),
            &h(r.shortfall_quarters),
        ])?;
    }
    out.finish()
}
