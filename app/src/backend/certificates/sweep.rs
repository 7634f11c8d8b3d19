//! The daily sweep: objects (certificates and reports) without a row, and spools without an upload, once they are a
//! day old. Younger ones may belong to an upload still under way.

use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::state::AppState;
use std::collections::HashSet;

/// Age in seconds after which an object without a row is removed.
pub const GRACE_SECS: i64 = 86_400;

/// Removes orphans older than `grace_secs`; returns how many objects went.
pub async fn sweep(state: &AppState, grace_secs: i64) -> anyhow::Result<usize> {
    let now = crate::backend::db::now_micros() / 1_000_000;
    let old: Vec<String> = state
        .storage
        .list()
        .await?
        .into_iter()
        // Only keys of our shape: a bucket may hold other data, which is never ours to remove.
        .filter(|(key, modified)| {
            now - modified >= grace_secs && crate::backend::storage::is_our_key(key)
        })
        .map(|(key, _)| key)
        .collect();
    let mut orphans = Vec::new();
    // Asked in batches: one query per 500 objects, whatever the store holds.
    for batch in old.chunks(500) {
        let placeholders: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        // Objects are certificates or reports; the same placeholders serve both halves.
        let list = placeholders.join(", ");
        let sql = format!(
            "SELECT object_key FROM certificates WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM reports WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM certificates_deleted WHERE object_key IN ({list}) \
             UNION SELECT object_key FROM reports_deleted WHERE object_key IN ({list})"
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
