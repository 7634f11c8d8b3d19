use crate::AppError;
use leptos::prelude::*;

/// Saves changes to one of the signed-in person's entries.
#[server(prefix = "/api", endpoint = "log/update_entry")]
pub async fn update_entry(
    id: String,
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
    let entry = entries::update(&call.state, &viewer, &call.meta, call.lang, &id, &input)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/log?year={}&updated=1", entry.date.year()));
    Ok(())
}
