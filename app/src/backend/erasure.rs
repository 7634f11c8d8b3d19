//! Deleting a person on request, as the data processing terms promise: the person (after
//! confirming it is them) or their firm asks; a 30-day hold follows in which the person can
//! cancel by signing in and the firm can cancel; then a purge removes every row about the
//! person and every object stored for them. The audit log keeps its rows (they hold ids,
//! never names or addresses), so every chain still verifies; the purge is audited with
//! what it removed, and recorded in `person_purges` (ids and counts only).
//!
//! The purge is safe with several instances: each person is claimed by one conditional
//! UPDATE of their row, so two instances never purge the same person twice.

use crate::AppError;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::challenge::Micros;
use crate::backend::auth::step_up;
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::now_micros;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;
use domain::Role;
use sqlx::AnyConnection;

/// How long a deletion waits before the purge.
pub const HOLD_DAYS: i64 = 30;
const HOLD: Micros = HOLD_DAYS * 86_400 * 1_000_000;

/// Who asked for a deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedBy {
    /// The person themselves.
    Person,
    /// An owner or admin of their firm.
    Firm,
}

impl RequestedBy {
    fn as_str(self) -> &'static str {
        match self {
            RequestedBy::Person => "person",
            RequestedBy::Firm => "firm",
        }
    }

    /// As stored in `users.deletion_requested_by`.
    pub fn parse(text: &str) -> Option<RequestedBy> {
        match text {
            "person" => Some(RequestedBy::Person),
            "firm" => Some(RequestedBy::Firm),
            _ => None,
        }
    }
}

/// A deletion that waits for its purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub due_at_us: Micros,
}

/// The day (`YYYY-MM-DD`, UTC) a deletion due at `due_at_us` takes place.
pub fn due_day(due_at_us: Micros) -> String {
    domain::Date::from_unix_days(due_at_us.div_euclid(86_400_000_000)).to_string()
}

/// The person's pending deletion, if one was asked for.
pub async fn pending(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<Option<Pending>> {
    let due: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT deletion_due_at_us FROM users WHERE id = $1 AND deleted_at_us IS NULL",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(due
        .and_then(|(d,)| d)
        .map(|due_at_us| Pending { due_at_us }))
}

/// The person asks for their own account and data to be deleted. Needs a fresh
/// confirmation that it is them; the last owner of a firm with other people must hand the
/// firm over first (the firm would be left without anyone to run it).
pub async fn request_own(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<Pending, AppError> {
    step_up::require(viewer, lang)?;
    let mut tx = state.db.begin().await?;
    if viewer.user.role == Role::Owner {
        crate::backend::firm::members::lock_owners(&mut tx, viewer).await?;
        if !leaves_an_owner(&mut tx, &viewer.user.firm_id, &viewer.user.id).await? {
            return Err(AppError::invalid(
                "delete_account",
                lang.texts().err_delete_last_owner,
            ));
        }
    }
    let (pending, new) = schedule(
        &mut tx,
        &state.db.records,
        &viewer.user.id,
        RequestedBy::Person,
    )
    .await?;
    if new {
        viewer
            .audit(
                &mut tx,
                meta,
                Action::AccountDeletionRequested,
                &Target::new("user", &viewer.user.id),
            )
            .await?;
    }
    tx.commit().await?;
    Ok(pending)
}

/// Whether the firm still has someone to run it once `leaving` is gone: either nobody else
/// is in it, or another active owner is who is not to be deleted too.
pub(crate) async fn leaves_an_owner(
    conn: &mut AnyConnection,
    firm_id: &str,
    leaving: &str,
) -> anyhow::Result<bool> {
    let (others, owners): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN role = 'owner' AND status = 'active' \
                AND deletion_due_at_us IS NULL THEN 1 ELSE 0 END), 0) \
         FROM users WHERE firm_id = $1 AND id <> $2 AND deleted_at_us IS NULL",
    )
    .bind(firm_id)
    .bind(leaving)
    .fetch_one(&mut *conn)
    .await?;
    Ok(others == 0 || owners > 0)
}

/// The person keeps their account: a deletion they asked for is cancelled (one their firm
/// asked for is the firm's to cancel).
pub async fn cancel_own(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if unschedule(
        &mut tx,
        &viewer.user.id,
        &viewer.user.firm_id,
        RequestedBy::Person,
    )
    .await?
    {
        viewer
            .audit(
                &mut tx,
                meta,
                Action::AccountDeletionCancelled,
                &Target::new("user", &viewer.user.id),
            )
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets the purge date of someone the firm removed (their address was let go, so nobody is
/// mailed), unless one is set; whether it was newly set.
pub(crate) async fn schedule_quietly(
    conn: &mut AnyConnection,
    user_id: &str,
    by: RequestedBy,
) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE users SET deletion_due_at_us = $2, deletion_requested_by = $3 \
         WHERE id = $1 AND deletion_due_at_us IS NULL AND deleted_at_us IS NOT NULL",
    )
    .bind(user_id)
    .bind(now_micros() + HOLD)
    .bind(by.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0)
}

/// Sets the purge date, unless one is already set (asking again does not postpone it), and
/// tells the person by mail in the same transaction; whether it was newly set.
pub(crate) async fn schedule(
    conn: &mut AnyConnection,
    records: &crate::backend::sealing::Records,
    user_id: &str,
    by: RequestedBy,
) -> Result<(Pending, bool), AppError> {
    let due = now_micros() + HOLD;
    let new = sqlx::query(
        "UPDATE users SET deletion_due_at_us = $2, deletion_requested_by = $3 \
         WHERE id = $1 AND deletion_due_at_us IS NULL AND deleted_at_us IS NULL",
    )
    .bind(user_id)
    .bind(due)
    .bind(by.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    let pending = pending(conn, user_id).await?.ok_or(AppError::NotFound)?;
    if new {
        let (email, language, firm_id): (String, String, String) =
            sqlx::query_as("SELECT email, language, firm_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *conn)
                .await?;
        let email = records.firm(conn, &firm_id).await?.open(
            crate::backend::sealing::Field::UserEmail,
            user_id,
            &email,
        )?;
        let lang = Lang::from_code(&language).unwrap_or(Lang::En);
        let day = lang.date_text(&due_day(pending.due_at_us));
        let mail = crate::backend::mail::templates::deletion_scheduled(
            lang,
            &email,
            &day,
            by == RequestedBy::Firm,
        );
        crate::backend::mail::enqueue(conn, records, &mail).await?;
    }
    Ok((pending, new))
}

/// Clears a pending deletion of a person of `firm_id` that `by` asked for (whoever asked is
/// whoever may cancel); whether there was one.
pub(crate) async fn unschedule(
    conn: &mut AnyConnection,
    user_id: &str,
    firm_id: &str,
    by: RequestedBy,
) -> anyhow::Result<bool> {
    Ok(sqlx::query(
        "UPDATE users SET deletion_due_at_us = NULL, deletion_requested_by = NULL \
         WHERE id = $1 AND firm_id = $2 AND deletion_due_at_us IS NOT NULL AND deletion_requested_by = $3",
    )
    .bind(user_id)
    .bind(firm_id)
    .bind(by.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0)
}

/// What a purge removed, by table (stored as JSON with the purge's record).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub rows: std::collections::BTreeMap<&'static str, u64>,
    pub objects: u64,
}

/// Rows that name the person by id, in the order their foreign keys allow.
const BY_USER: &[&str] = &[
    "recovery_codes",
    "totp_secrets",
    "sessions",
    "pending_imports",
    "history_imports",
    "exemptions",
    "leaves",
    "certificates",
    "entries",
    "reports",
    "exports",
    "deletions",
    "entries_deleted",
    "certificates_deleted",
    "leaves_deleted",
    "reports_deleted",
];

/// A key (a rate-limit bucket, a lockout subject: `name:VALUE`) that ends in `:` and the
/// parameter, compared exactly (an address may hold `_`, which LIKE would read as any).
fn ends_with_key(column: &str, param: &str) -> String {
    let param = format!("CAST({param} AS TEXT)");
    format!(
        "(length({column}) > length({param}) AND substr({column}, length({column}) - length({param})) = ':' || {param})"
    )
}

/// Purges every person whose hold ended by `now`; how many were purged.
pub async fn purge_due(state: &AppState, now: Micros) -> anyhow::Result<usize> {
    let due: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM users WHERE deletion_due_at_us IS NOT NULL AND deletion_due_at_us <= $1 \
         AND legal_hold IS NULL ORDER BY deletion_due_at_us LIMIT 100",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await?;
    let mut purged = 0;
    for (id,) in due {
        // One person who cannot be purged now (a row added at that moment, say) is tried
        // again next time; the others are not held up.
        match purge_one(state, &id, now).await {
            Ok(Some(_)) => purged += 1,
            Ok(None) => {}
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), user = %id, "a person could not be purged");
            }
        }
    }
    Ok(purged)
}

/// Purges one person, if their hold has ended and no other instance has claimed them.
async fn purge_one(state: &AppState, id: &str, now: Micros) -> anyhow::Result<Option<Purged>> {
    let mut tx = state.db.begin().await?;
    let claimed: Option<(String,)> = sqlx::query_as(
        "UPDATE users SET deletion_due_at_us = NULL, deletion_requested_by = 'purging' \
         WHERE id = $1 AND deletion_due_at_us IS NOT NULL AND deletion_due_at_us <= $2 \
         AND legal_hold IS NULL RETURNING firm_id",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((firm_id,)) = claimed else {
        return Ok(None);
    };
    // Never a firm without anyone to run it: an owner whose colleagues have no other owner
    // waits until someone else owns the firm (the claim is rolled back with the transaction).
    if !leaves_an_owner(&mut tx, &firm_id, id).await? {
        tracing::warn!(user = %id, "purge waits: the firm would have no owner");
        return Ok(None);
    }
    let (done, keys) = remove_person(&mut tx, &state.db.records, id, &firm_id, now).await?;
    tx.commit().await?;
    // The last person of a firm takes its key along: dropped from memory too (after the
    // commit, so no reader puts it back from the old state; it is read again if it stays),
    // and its archive key from the keyring, so no backup opens the firm again.
    state.db.records.forget(&firm_id);
    if done.rows.contains_key("firms") {
        crate::backend::backup::keyring::forget_after_purge(
            &state.storage,
            state.master_key(),
            &firm_id,
        )
        .await;
    }
    // The rows are gone; an object that cannot be removed now is left for the sweep, which
    // removes what no row points to.
    crate::backend::storage::remove_objects(&state.storage, &keys).await;
    tracing::info!(user = %id, objects = keys.len(), "person purged");
    Ok(Some(done))
}

/// Removes, on `tx`, every row about one person (of `firm_id`, signing in as `email`) and
/// records the purge (ids and counts) and audits it; the keys of their stored objects, to
/// remove once the transaction is committed.
pub(crate) async fn remove_person(
    tx: &mut AnyConnection,
    records: &crate::backend::sealing::Records,
    id: &str,
    firm_id: &str,
    now: Micros,
) -> anyhow::Result<(Purged, Vec<String>)> {
    use crate::backend::sealing::Field;
    let (email, full_name, email_index): (String, String, Option<String>) =
        sqlx::query_as("SELECT email, full_name, email_index FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let (email, full_name) = match records.existing(tx, firm_id).await? {
        Some(seal) => (
            seal.open(Field::UserEmail, id, &email)?,
            seal.open(Field::UserName, id, &full_name)?,
        ),
        // The firm's key is destroyed (a firm a restore leaves out): nothing of theirs
        // opens, and their rows go by id and blind index all the same.
        None => (String::new(), String::new()),
    };
    let email = email.as_str();
    let keys: Vec<(String,)> = sqlx::query_as(
        "SELECT object_key FROM certificates WHERE user_id = $1 \
         UNION SELECT object_key FROM certificates_deleted WHERE user_id = $1 \
         UNION SELECT object_key FROM reports WHERE user_id = $1 AND object_key IS NOT NULL \
         UNION SELECT object_key FROM reports_deleted WHERE user_id = $1 AND object_key IS NOT NULL \
         UNION SELECT object_key FROM exports WHERE user_id = $1 AND object_key IS NOT NULL \
         UNION SELECT object_key FROM history_imports WHERE user_id = $1 AND object_key IS NOT NULL \
         UNION SELECT object_key FROM exports WHERE object_key IS NOT NULL \
               AND (subject_id = $1 OR (scope = 'firm' AND firm_id = $2))",
    )
    .bind(id)
    .bind(firm_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut done = Purged::default();
    let mut count = |table: &'static str, n: u64| {
        if n > 0 {
            *done.rows.entry(table).or_default() += n;
        }
    };
    // Archives others made of them: a member's (theirs alone), and the firm's (which hold
    // everyone, them included; the owner can make a new one).
    let n = sqlx::query(
        "DELETE FROM exports WHERE subject_id = $1 OR (scope = 'firm' AND firm_id = $2)",
    )
    .bind(id)
    .bind(firm_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    count("exports", n);
    for table in BY_USER {
        let n = sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        count(table, n);
    }
    for (table, sql) in [
        (
            "otp_challenges",
            "DELETE FROM otp_challenges WHERE user_id = $1 OR email_index = $2",
        ),
        (
            "invitations",
            "DELETE FROM invitations WHERE invited_by = $1 OR email_index = $2",
        ),
    ] {
        let n = sqlx::query(sql)
            .bind(id)
            .bind(&email_index)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        count(table, n);
    }
    // Mail to them (found by the address's blind index), and mail to others that names them
    // (the invitations they sent). The mail is sealed, so it is opened here and searched as
    // text; a name too short to be one person's is not searched for.
    let name = full_name.trim().to_lowercase();
    let name = if name.chars().count() >= 5 {
        name
    } else {
        String::new()
    };
    let mut n = sqlx::query("DELETE FROM outbox WHERE to_index = $1")
        .bind(&email_index)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let kept: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, subject, text_body FROM outbox WHERE subject <> '' OR text_body <> ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mail_seal = records.system();
    let address = email.to_lowercase();
    for (mail, subject, text) in kept {
        let names_them = [(Field::OutboxSubject, subject), (Field::OutboxText, text)]
            .into_iter()
            .any(|(field, stored)| {
                let clear = mail_seal
                    .try_open(field, &mail, &stored)
                    .unwrap_or_default()
                    .to_lowercase();
                // A removed member's address was let go (empty): it matches nothing.
                (!address.is_empty() && clear.contains(&address))
                    || (!name.is_empty() && clear.contains(&name))
            });
        if names_them {
            n += sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(&mail)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
    }
    count("outbox", n);
    for (table, column) in [
        ("rate_events", "bucket"),
        ("rate_buckets", "bucket"),
        ("lockouts", "subject"),
    ] {
        let sql = format!(
            "DELETE FROM {table} WHERE {} OR {}",
            ends_with_key(column, "$1"),
            ends_with_key(column, "$2")
        );
        // Keys name the address by its blind index (`email:…`, `send:…`).
        let n = sqlx::query(&sql)
            .bind(id)
            .bind(email_index.as_deref().unwrap_or(id))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        count(table, n);
    }
    let n = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    count("users", n);
    // The last person of a firm takes its name, number and key along (a firm of one is
    // often named after the person, and a sole trader's number is their own).
    let n = sqlx::query(
        "UPDATE firms SET name = '', org_number = '', data_key = NULL \
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users WHERE firm_id = $1)",
    )
    .bind(firm_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    count("firms", n);
    done.objects = u64::try_from(keys.len()).unwrap_or(u64::MAX);
    sqlx::query(
        "INSERT INTO person_purges (user_id, firm_id, purged_at_us, counts) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(firm_id)
    .bind(now)
    .bind(serde_json::to_string(&done)?)
    .execute(&mut *tx)
    .await?;
    audit::record(
        tx,
        &Actor::System,
        Action::AccountPurged,
        &Target::new("user", id),
        &audit::Context {
            firm_id: Some(firm_id.to_owned()),
            ip: None,
        },
    )
    .await?;
    Ok((done, keys.into_iter().map(|(k,)| k).collect()))
}
