//! The daily sweep: objects (certificates and reports) without a row, and spools without an upload, once they are a
//! day old (younger ones may belong to an upload still under way); and the keyring entries
//! of firms whose key is gone.

use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::state::AppState;
use std::collections::HashSet;

/// Age in seconds after which an object without a row is removed.
pub const GRACE_SECS: i64 = 86_400;

/// Removes orphans older than `grace_secs`; returns how many objects went.
///
/// Only keys this deployment could have written are ever considered: under its
/// `STORAGE_PREFIX` (the store lists nothing else), of our shape (`FIRM_ID/OBJECT_ID`),
/// and of a firm this database has. A bucket shared with other data or with another
/// deployment, even one under the same prefix, keeps what is not ours.
pub async fn sweep(state: &AppState, grace_secs: i64) -> anyhow::Result<usize> {
    let now = crate::backend::db::now_micros() / 1_000_000;
    let prefix = state.storage.key_prefix().to_owned();
    let old: Vec<(String, String)> = state
        .storage
        .list()
        .await?
        .into_iter()
        .filter(|(_, modified)| now - modified >= grace_secs)
        .filter_map(|(key, _)| {
            let firm = crate::backend::storage::our_key_firm(&prefix, &key)?.to_owned();
            Some((key, firm))
        })
        .collect();
    let mut ours = Vec::new();
    for batch in old.chunks(500) {
        let placeholders: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id FROM firms WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for (_, firm) in batch {
            query = query.bind(firm);
        }
        let firms: HashSet<String> = query.fetch_all(&state.db.pool).await?.into_iter().collect();
        ours.extend(
            batch
                .iter()
                .filter(|(_, firm)| firms.contains(firm))
                .map(|(key, _)| key.clone()),
        );
    }
    let old = ours;
    let mut orphans = Vec::new();
    // Asked in batches: one query per 500 objects, whatever the store holds.
    for batch in old.chunks(500) {
        let placeholders: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        // Objects are certificates, reports, data exports or uploaded histories; the same
        // placeholders serve all.
        let list = placeholders.join(", ");
        let sql = format!(
            "SELECT object_key FROM certificates WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM reports WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM certificates_deleted WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM reports_deleted WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM exports WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM history_imports WHERE object_key IN ({list})"
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for key in batch {
            query = query.bind(key);
        }
        let known: HashSet<String> = query.fetch_all(&state.db.pool).await?.into_iter().collect();
        orphans.extend(batch.iter().filter(|k| !known.contains(*k)).cloned());
    }
    for key in &orphans {
        state.storage.delete(key).await?;
    }
    if !orphans.is_empty() {
        let mut tx = state.db.begin().await?;
        audit::record(
            &mut tx,
            &Actor::System,
            Action::OrphanObjectsRemoved,
            &Target::new("objects", orphans.len().to_string()),
            &audit::Context::default(),
        )
        .await?;
        tx.commit().await?;
    }
    remove_old_spools(state.storage.spool_dir(), grace_secs).await?;
    // Archive keys of firms whose key is gone, left by a purge that could not remove them.
    let keys =
        crate::backend::backup::keyring::sweep(&state.db, &state.storage, state.master_key())
            .await?;
    if keys > 0 {
        tracing::info!(keys, "keyring entries of purged firms removed");
    }
    Ok(orphans.len())
}

/// Spools left by a server that stopped mid-upload.
async fn remove_old_spools(dir: &std::path::Path, grace_secs: i64) -> anyhow::Result<()> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let grace = std::time::Duration::from_secs(u64::try_from(grace_secs).unwrap_or(0));
    while let Some(entry) = entries.next_entry().await? {
        let age = entry
            .metadata()
            .await?
            .modified()?
            .elapsed()
            .unwrap_or_default();
        if age >= grace && entry.file_name().to_string_lossy().ends_with(".spool") {
            tokio::fs::remove_file(entry.path()).await?;
        }
    }
    Ok(())
}
