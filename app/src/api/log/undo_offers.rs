use crate::AppError;
use leptos::prelude::*;

/// The signed-in person's deletions that can still be undone (none when signed out).
#[server(prefix = "/api", endpoint = "log/undo_offers")]
pub async fn undo_offers() -> Result<Vec<crate::model::UndoOffer>, AppError> {
    let call = crate::api::support::call()?;
    let Some(viewer) = call.any_viewer().await? else {
        return Ok(Vec::new());
    };
    if viewer.pending_second_factor {
        return Ok(Vec::new());
    }
    let offers = crate::backend::undo::offers(&call.state, &viewer).await?;
    Ok(offers
        .into_iter()
        .map(|o| crate::model::UndoOffer {
            batch: o.batch,
            kind: o.kind.as_str().to_owned(),
            label: o.label,
            minutes_left: (o.seconds_left + 59) / 60,
        })
        .collect())
}
