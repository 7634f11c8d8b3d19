//! Termination of a firm, as the data processing terms promise: the owner (after confirming
//! it is them) closes the firm, choosing an archive of everything first or none; everyone
//! in the firm is told by mail and on every page; after the 30-day hold (which the owner
//! can cancel) every person, row and stored object of the firm is purged, and the firm's
//! data key goes last, so any copy left behind (a backup) cannot be read.
//!
//! What stays: the firm's audit chain (ids and codes only, so it still verifies and names
//! nobody) and a record of the purge with counts. Safe with several instances: a firm is
//! claimed by one conditional UPDATE of its row.

use super::gate;
use crate::AppError;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::challenge::Micros;
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::Act;
use crate::backend::db::now_micros;
use crate::backend::erasure::{HOLD_DAYS, Purged, due_day, remove_person};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;

const HOLD: Micros = HOLD_DAYS * 86_400 * 1_000_000;

/// What the owner chose to happen before the purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// An archive of the whole firm is made at once (and can be made again in the hold).
    Export,
    /// No archive.
    Delete,
}

impl Choice {
    pub fn parse(text: &str) -> Option<Choice> {
        match text {
            "export" => Some(Choice::Export),
            "delete" => Some(Choice::Delete),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Choice::Export => "export",
            Choice::Delete => "delete",
        }
    }
}

/// The owner closes the firm. Asking again does not postpone the day.
pub async fn request(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    choice: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    gate(state, viewer, meta, lang, Act::ManageSettings).await?;
    let choice =
        Choice::parse(choice).ok_or_else(|| AppError::invalid("choice", t.err_close_choice))?;
    crate::backend::auth::step_up::require(viewer, lang)?;
    let mut tx = state.db.begin().await?;
    super::members::lock_owners(&mut tx, viewer).await?;
    super::members::still_may(&mut tx, viewer, Act::ManageSettings).await?;
    if super::legal_hold::held(&mut tx, &viewer.user.firm_id).await? > 0 {
        return Err(AppError::invalid("choice", t.err_close_while_held));
    }
    // The archive asked for must be one that can be made now, before anything is decided.
    if choice == Choice::Export
        && crate::backend::exports::busy_elsewhere(&mut tx, &viewer.user.id, "firm").await?
    {
        return Err(AppError::invalid("choice", t.err_export_busy));
    }
    let due = now_micros() + HOLD;
    let new = sqlx::query(
        "UPDATE firms SET termination_due_at_us = $2, termination_choice = $3 \
         WHERE id = $1 AND termination_due_at_us IS NULL",
    )
    .bind(&viewer.user.firm_id)
    .bind(due)
    .bind(choice.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !new {
        return Ok(());
    }
    // Everyone is told, in their own language, in the same transaction.
    let people: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, email, language FROM users WHERE firm_id = $1 AND deleted_at_us IS NULL AND status = 'active'",
    )
    .bind(&viewer.user.firm_id)
    .fetch_all(&mut *tx)
    .await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    for (id, email, language) in people {
        let email = seal.open(crate::backend::sealing::Field::UserEmail, &id, &email)?;
        let lang = Lang::from_code(&language).unwrap_or_default();
        let mail = crate::backend::mail::templates::firm_closing(
            lang,
            &email,
            &lang.date_text(&due_day(due)),
        );
        crate::backend::mail::enqueue(&mut tx, &state.db.records, &mail).await?;
    }
    // Open invitations would bring people into a firm about to be deleted.
    sqlx::query(
        "UPDATE invitations SET revoked_at_us = $2 WHERE firm_id = $1 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
    )
    .bind(&viewer.user.firm_id)
    .bind(now_micros())
    .execute(&mut *tx)
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::FirmTerminationRequested,
            &Target::new("firm", &viewer.user.firm_id).with_detail(choice.as_str()),
        )
        .await?;
    tx.commit().await?;
    if choice == Choice::Export {
        crate::backend::exports::request_firm(state, viewer, meta, lang).await?;
    }
    Ok(())
}

/// The owner keeps the firm: the closing is cancelled.
pub async fn cancel(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<(), AppError> {
    gate(state, viewer, meta, lang, Act::ManageSettings).await?;
    let mut tx = state.db.begin().await?;
    let cancelled = sqlx::query(
        "UPDATE firms SET termination_due_at_us = NULL, termination_choice = NULL \
         WHERE id = $1 AND termination_due_at_us IS NOT NULL",
    )
    .bind(&viewer.user.firm_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if cancelled {
        viewer
            .audit(
                &mut tx,
                meta,
                Action::FirmTerminationCancelled,
                &Target::new("firm", &viewer.user.firm_id),
            )
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}

/// Purges every firm whose hold ended by `now`; how many.
pub async fn purge_due(state: &AppState, now: Micros) -> anyhow::Result<usize> {
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM firms WHERE termination_due_at_us IS NOT NULL AND termination_due_at_us <= $1 \
         ORDER BY termination_due_at_us LIMIT 20",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await?;
    let mut purged = 0;
    for id in due {
        match purge_one(state, &id, now).await {
            Ok(true) => purged += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), firm = %id, "a firm could not be purged");
            }
        }
    }
    Ok(purged)
}

/// Tables that hold rows of a firm by `firm_id` once its people are gone.
const BY_FIRM: &[&str] = &["invitations", "exports", "history_imports"];

async fn purge_one(state: &AppState, firm_id: &str, now: Micros) -> anyhow::Result<bool> {
    let mut tx = state.db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE firms SET termination_due_at_us = NULL, termination_choice = 'purging' \
         WHERE id = $1 AND termination_due_at_us IS NOT NULL AND termination_due_at_us <= $2",
    )
    .bind(firm_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !claimed {
        return Ok(false);
    }
    let (total, keys) = remove_firm(&mut tx, &state.db.records, firm_id, now).await?;
    tx.commit().await?;
    // Its key is gone from the database: from memory too (after the commit, so no reader
    // puts it back from the old state), and its archive key from the keyring, so every
    // backup's copy of the firm goes with it.
    state.db.records.forget(firm_id);
    crate::backend::backup::keyring::forget_after_purge(
        &state.storage,
        state.master_key(),
        firm_id,
    )
    .await;
    // The rows are gone and the key with them. Every object under the firm's prefix goes
    // too, whether a row named it or not (the sweep no longer would: it keeps to firms that
    // exist).
    crate::backend::storage::remove_objects(&state.storage, &keys).await;
    let prefix = state.storage.key_prefix().to_owned();
    let left: Vec<String> = match state.storage.list().await {
        Ok(all) => all
            .into_iter()
            .map(|(key, _)| key)
            .filter(|key| crate::backend::storage::our_key_firm(&prefix, key) == Some(firm_id))
            .collect(),
        Err(error) => {
            // Unreadable without the key either way; the named ones are already gone.
            tracing::warn!(error = format!("{error:#}"), firm = %firm_id, "listing a purged firm's objects failed");
            Vec::new()
        }
    };
    crate::backend::storage::remove_objects(&state.storage, &left).await;
    tracing::info!(firm = %firm_id, rows = total.rows.values().sum::<u64>(), objects = keys.len() + left.len(), "firm purged");
    Ok(true)
}

/// Removes, on `tx`, every row of the firm (its people's through [`remove_person`]), its
/// key and its row, and records and audits the purge; the keys of its stored objects, to
/// remove once the transaction is committed. Also how a restore leaves out a firm whose
/// archive key is destroyed.
pub(crate) async fn remove_firm(
    tx: &mut sqlx::AnyConnection,
    records: &crate::backend::sealing::Records,
    firm_id: &str,
    now: Micros,
) -> anyhow::Result<(Purged, Vec<String>)> {
    let people: Vec<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE firm_id = $1 ORDER BY id")
            .bind(firm_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut total = Purged::default();
    let mut keys = Vec::new();
    for id in &people {
        let (done, theirs) = remove_person(&mut *tx, records, id, firm_id, now).await?;
        for (table, n) in done.rows {
            *total.rows.entry(table).or_default() += n;
        }
        keys.extend(theirs);
    }
    let firm_keys: Vec<String> = sqlx::query_scalar(
        "SELECT object_key FROM exports WHERE firm_id = $1 AND object_key IS NOT NULL",
    )
    .bind(firm_id)
    .fetch_all(&mut *tx)
    .await?;
    keys.extend(firm_keys);
    for table in BY_FIRM {
        let n = sqlx::query(&format!("DELETE FROM {table} WHERE firm_id = $1"))
            .bind(firm_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            *total.rows.entry(table).or_default() += n;
        }
    }
    // Rate limits and locks keyed by the firm (`owners:FIRM`, invitation counts).
    for table in ["rate_events", "rate_buckets"] {
        let n = sqlx::query(&format!(
            "DELETE FROM {table} WHERE length(bucket) > length($1) \
             AND substr(bucket, length(bucket) - length($1)) = ':' || $1"
        ))
        .bind(firm_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            *total.rows.entry(table).or_default() += n;
        }
    }
    // Last, the firm's row and with it its data key: whatever copy of its files or rows
    // is left anywhere can no longer be read.
    sqlx::query("UPDATE firms SET data_key = NULL WHERE id = $1")
        .bind(firm_id)
        .execute(&mut *tx)
        .await?;
    let n = sqlx::query("DELETE FROM firms WHERE id = $1")
        .bind(firm_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // (The last person's purge blanked the row's name; this is the row itself.)
    total.rows.insert("firms", n);
    total.objects = u64::try_from(keys.len()).unwrap_or(u64::MAX);
    sqlx::query("INSERT INTO firm_purges (firm_id, purged_at_us, counts) VALUES ($1, $2, $3)")
        .bind(firm_id)
        .bind(now)
        .bind(serde_json::to_string(&total)?)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        &Actor::System,
        Action::FirmPurged,
        &Target::new("firm", firm_id),
        &audit::Context::default(),
    )
    .await?;
    Ok((total, keys))
}
