use crate::AppError;
use leptos::prelude::*;

/// Adds an entry to the log; back to the log's year with a notice.
#[server(prefix = "/api", endpoint = "log/create_entry")]
pub async fn create_entry(
    date: String,
    title: String,
    provider: String,
    hours: String,
    category: String,
    verifiable: Option<String>,
    topic: String,
    notes: String,
) -> Result<(), AppError> {
    use crate::backend::training::entries::{self, EntryInput};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let input = EntryInput {
        date,
        title,
        provider,
        hours,
        category,
        verifiable,
        topic,
        notes,
    };
    let entry = entries::create(&call.state, &viewer, &call.meta, call.lang, &input)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log?year={}&added=1", entry.date.year()));
    Ok(())
}
