//! "Download all my data": one ZIP with everything the registry holds about a person, made
//! off the request path, stored sealed like every other file, downloaded through a link
//! that expires within the hour, and removed after [`KEEP_DAYS`].
//!
//! Inside: `data.json` (the profile, courses, leave, exemptions, the certificates' and
//! reports' details and the calculator's answer for every year, described by the JSON
//! Schema in `docs/export-schema.json`), `entries.csv` (the log's own export format),
//! every certificate file as it was uploaded, every finished report, and a `README.txt` in
//! the person's language saying what is where.
//!
//! Memory stays flat however large the files ([`archive`]). Besides a person's own
//! archive, a firm's owners and admins may ask for a member's ([`Scope::Member`]) and an
//! owner for the whole firm's ([`Scope::Firm`], see [`firm`]); an archive is always the
//! asker's to download, and whether they still may is checked again at the download.

mod archive;
mod firm;
mod person;

pub use archive::spawn;

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::Act;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::backend::storage::{Disposition, LinkSpec};
use crate::i18n::Lang;
use crate::model::ExportView;

/// How long a finished export is kept before it is removed with its file.
pub const KEEP_DAYS: i64 = 7;
/// The version of `data.json`'s format (`docs/export-schema.json`).
pub const FORMAT_VERSION: u32 = 1;
/// The largest export kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Archives made at the same time (each reads every file of a person and writes a
/// temporary copy); the rest wait their turn, queued.
pub static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// An archive still queued or being made after this long was stopped (a restart): it is
/// failed, so the person can ask again.
const STALE_AFTER: i64 = 3600 * 1_000_000;

/// Fails archives stopped on their way (older than [`STALE_AFTER`] and not finished).
async fn fail_stale(conn: &mut sqlx::AnyConnection, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query(
        "UPDATE exports SET status = 'failed', finished_at_us = $1, expires_at_us = $2 \
         WHERE status IN ('queued', 'running') AND created_at_us < $3",
    )
    .bind(now)
    .bind(now + KEEP_DAYS * 86_400 * 1_000_000)
    .bind(now - STALE_AFTER)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// What an archive is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The person who asked.
    Person,
    /// A member of the asker's firm (an owner or admin asked).
    Member,
    /// The asker's whole firm (an owner asked).
    Firm,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Person => "person",
            Scope::Member => "member",
            Scope::Firm => "firm",
        }
    }
}

impl TryFrom<String> for Scope {
    type Error = domain::people::UnknownValue;

    fn try_from(text: String) -> Result<Scope, Self::Error> {
        match text.as_str() {
            "person" => Ok(Scope::Person),
            "member" => Ok(Scope::Member),
            "firm" => Ok(Scope::Firm),
            _ => Err(domain::people::UnknownValue {
                kind: "export scope",
                value: text,
            }),
        }
    }
}

/// Asks for a new export of the viewer's data, unless one is already being made; its id.
/// Everything about a person leaves in one file: the session confirms it is them first,
/// as for the other sensitive changes (a stolen session does not take it all quietly).
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<String, AppError> {
    crate::backend::auth::step_up::require(viewer, lang)?;
    let tx = state.db.begin().await?;
    queue(state, tx, viewer, meta, lang, Scope::Person, None).await
}

/// An owner or admin asks for the archive of a member they may manage (confirmed with a
/// fresh code, as their own).
pub async fn request_member(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    member_id: &str,
) -> Result<String, AppError> {
    let confirmed = || crate::backend::auth::step_up::require(viewer, lang);
    let (tx, _) = crate::backend::firm::members::managed_member(
        state, viewer, meta, lang, member_id, confirmed,
    )
    .await?;
    queue(
        state,
        tx,
        viewer,
        meta,
        lang,
        Scope::Member,
        Some(member_id),
    )
    .await
}

/// An owner asks for the archive of the whole firm (confirmed with a fresh code).
pub async fn request_firm(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<String, AppError> {
    crate::backend::firm::gate(state, viewer, meta, lang, Act::ManageSettings).await?;
    crate::backend::auth::step_up::require(viewer, lang)?;
    let tx = state.db.begin().await?;
    queue(state, tx, viewer, meta, lang, Scope::Firm, None).await
}

/// The archive the person is having made, if any: (id, scope, subject).
async fn busy(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
) -> sqlx::Result<Option<(String, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT id, scope, subject_id FROM exports WHERE user_id = $1 AND status IN ('queued', 'running')",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Whether the person is having an archive made of another scope than `scope` (which
/// would keep one of `scope` from being asked for now).
pub async fn busy_elsewhere(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    scope: &str,
) -> sqlx::Result<bool> {
    Ok(busy(conn, user_id)
        .await?
        .is_some_and(|(_, s, _)| s != scope))
}

/// Queues an archive on `tx` (which this commits) and starts it. One archive per asker is
/// made at a time: asking again while one is made returns that one, if it is the same.
async fn queue(
    state: &AppState,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    scope: Scope,
    subject: Option<&str>,
) -> Result<String, AppError> {
    fail_stale(&mut tx, now_micros()).await?;
    let same = |(id, s, subj): (String, String, Option<String>)| {
        if s == scope.as_str() && subj.as_deref() == subject {
            Ok(id)
        } else {
            Err(AppError::invalid("export", lang.texts().err_export_busy))
        }
    };
    if let Some(row) = busy(&mut tx, &viewer.user.id).await? {
        return same(row);
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO exports (id, user_id, firm_id, status, created_at_us, scope, subject_id) \
         VALUES ($1, $2, $3, 'queued', $4, $5, $6)",
    )
    .bind(&id)
    .bind(&viewer.user.id)
    .bind(&viewer.user.firm_id)
    .bind(now_micros())
    .bind(scope.as_str())
    .bind(subject)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // Another request of theirs got in first (the one-at-a-time index): that one is it.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            let mut conn = state.db.pool.acquire().await?;
            return match busy(&mut conn, &viewer.user.id).await? {
                Some(row) => same(row),
                None => Err(AppError::Busy {
                    retry_after_secs: 2,
                }),
            };
        }
        Err(e) => return Err(AppError::from(e)),
    }
    let target = match subject {
        Some(member) => Target::new("user", member),
        None => Target::new("export", &id),
    };
    viewer
        .audit(&mut tx, meta, Action::ExportRequested, &target)
        .await?;
    tx.commit().await?;
    spawn(state.clone(), id.clone());
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    id: String,
    #[sqlx(try_from = "String")]
    scope: Scope,
    /// The member, for an archive of a member: sealed name and address.
    subject_id: Option<String>,
    subject_name: Option<String>,
    subject_email: Option<String>,
    status: String,
    steps_done: i64,
    steps_total: i64,
    size_bytes: Option<i64>,
    created_at_us: i64,
    expires_at_us: Option<i64>,
}

/// The viewer's exports, newest first.
pub async fn list(state: &AppState, viewer: &Viewer) -> Result<Vec<ExportView>, AppError> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT e.id, e.scope, s.id AS subject_id, s.full_name AS subject_name, s.email AS subject_email, \
                e.status, e.steps_done, e.steps_total, e.size_bytes, e.created_at_us, e.expires_at_us \
         FROM exports e LEFT JOIN users s ON s.id = e.subject_id \
         WHERE e.user_id = $1 ORDER BY e.created_at_us DESC LIMIT 20",
    )
    .bind(&viewer.user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // The subject is a member of the viewer's firm (exports of another firm's
            // member are never made); the name, else the address, opened with its key.
            let subject = match (&r.subject_id, &r.subject_name, &r.subject_email) {
                (Some(id), Some(name), Some(email)) => {
                    use crate::backend::sealing::Field;
                    let name = seal.try_open(Field::UserName, id, name).unwrap_or_default();
                    if name.is_empty() {
                        seal.try_open(Field::UserEmail, id, email)
                            .unwrap_or_default()
                    } else {
                        name
                    }
                }
                _ => String::new(),
            };
            ExportView {
                id: r.id,
                scope: r.scope.as_str().to_owned(),
                subject,
                status: r.status,
                steps_done: u32::try_from(r.steps_done).unwrap_or(0),
                steps_total: u32::try_from(r.steps_total).unwrap_or(0),
                size_bytes: r
                    .size_bytes
                    .and_then(|s| u64::try_from(s).ok())
                    .unwrap_or(0),
                created_at_us: r.created_at_us,
                expires: r.expires_at_us.map(crate::backend::erasure::due_day),
            }
        })
        .collect())
}

/// A fresh link to one of the viewer's finished exports (audited: every download is).
pub async fn link(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let row: Option<(Option<String>, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT object_key, created_at_us, scope, subject_id FROM exports WHERE id = $1 AND user_id = $2 AND status = 'ready'",
    )
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(key), created, scope, subject)) = row else {
        return Err(AppError::NotFound);
    };
    // Asked for with rights the asker may have lost since (demoted, the member gone to
    // another role): those are checked again, as if asking now.
    let may = match Scope::try_from(scope)
        .map_err(|e| anyhow::anyhow!("{} {:?} is not one we know", e.kind, e.value))?
    {
        Scope::Person => true,
        Scope::Firm => crate::backend::authz::allowed(viewer.user.role, Act::ManageSettings),
        Scope::Member => {
            let role: Option<String> = sqlx::query_scalar(
                "SELECT role FROM users WHERE id = $1 AND firm_id = $2 AND deleted_at_us IS NULL",
            )
            .bind(subject.as_deref().unwrap_or(""))
            .bind(&viewer.user.firm_id)
            .fetch_optional(&mut *tx)
            .await?;
            role.and_then(|r| domain::Role::parse(&r))
                .is_some_and(|r| crate::backend::authz::allowed(viewer.user.role, Act::Manage(r)))
        }
    };
    if !may {
        return Err(AppError::NotFound);
    }
    let file_name = download_name(created);
    let spec = LinkSpec {
        firm_id: &viewer.user.firm_id,
        key: &key,
        mime: "application/zip",
        file_name: &file_name,
        disposition: Disposition::Attachment,
        ttl_secs: state.config.storage.signed_url_ttl.as_secs(),
    };
    viewer
        .audited_link(
            state,
            tx,
            meta,
            &spec,
            Action::ExportLinkIssued,
            &Target::new("export", id),
        )
        .await
        .map_err(AppError::from)
}

/// A finished export stored under `key` in `firm_id`: its size and download name (for the
/// signed-link route, which serves only files that have a row).
pub async fn stored(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    firm_id: &str,
) -> anyhow::Result<Option<(u64, String)>> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT size_bytes, created_at_us FROM exports WHERE object_key = $1 AND firm_id = $2 AND status = 'ready'",
    )
    .bind(key)
    .bind(firm_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(size, created)| {
        (
            size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            download_name(created),
        )
    }))
}

fn download_name(created_at_us: i64) -> String {
    format!(
        "cpd-registry-data-{}.zip",
        crate::backend::erasure::due_day(created_at_us)
    )
}

/// Removes finished exports past their time, with their files; how many.
pub async fn remove_expired(state: &AppState, now: i64) -> anyhow::Result<usize> {
    let mut conn = state.db.pool.acquire().await?;
    fail_stale(&mut conn, now).await?;
    drop(conn);
    let expired: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, object_key FROM exports WHERE expires_at_us IS NOT NULL AND expires_at_us <= $1 LIMIT 500",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await?;
    crate::backend::storage::remove_rows_and_objects(
        &state.db,
        &state.storage,
        "DELETE FROM exports WHERE id = $1",
        expired,
    )
    .await
}
