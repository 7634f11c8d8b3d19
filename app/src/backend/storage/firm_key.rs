//! A firm's data key: read from `firms.data_key` and unwrapped with the master key, made
//! on the firm's first upload. Two first uploads at once agree on one key: only the
//! first write lands (`WHERE data_key IS NULL`) and both read back what is stored.

use super::data_key::DataKey;
use anyhow::Context;

/// The firm's data key, made if it has none yet.
pub async fn get_or_create(
    conn: &mut sqlx::AnyConnection,
    master: &[u8; 32],
    firm_id: &str,
) -> anyhow::Result<DataKey> {
    if let Some(key) = get(conn, master, firm_id).await? {
        return Ok(key);
    }
    let wrapped = DataKey::generate().wrap(master, firm_id);
    sqlx::query("UPDATE firms SET data_key = $1 WHERE id = $2 AND data_key IS NULL")
        .bind(&wrapped)
        .bind(firm_id)
        .execute(&mut *conn)
        .await
        .context("storing the firm's data key")?;
    get(conn, master, firm_id)
        .await?
        .context("the firm's data key was not stored")
}

/// The firm's data key, if it has one. A key that does not unwrap (another master key,
/// or a row copied from another firm) is an error, never a silent new key.
pub async fn get(
    conn: &mut sqlx::AnyConnection,
    master: &[u8; 32],
    firm_id: &str,
) -> anyhow::Result<Option<DataKey>> {
    let wrapped: Option<(Option<String>,)> =
        sqlx::query_as("SELECT data_key FROM firms WHERE id = $1")
            .bind(firm_id)
            .fetch_optional(&mut *conn)
            .await
            .context("reading the firm's data key")?;
    match wrapped.and_then(|(w,)| w) {
        None => Ok(None),
        Some(w) => DataKey::unwrap(&w, master, firm_id)
            .map(Some)
            .context("the firm's data key does not unwrap with this master key"),
    }
}
