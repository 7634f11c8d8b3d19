use crate::AppError;
use leptos::prelude::*;

/// An owner or admin corrects a member's personal details (name, title, dates, rule set,
/// first year of the history); every changed field is audited with its old and new value's
/// keyed hash.
#[server(prefix = "/api", endpoint = "firm/correct_member")]
pub async fn correct_member(
    id: String,
    full_name: String,
    title: String,
    admission_date: String,
    birth_date: String,
    rule_set: String,
    #[server(default)] history_from: String,
) -> Result<(), AppError> {
    use crate::backend::firm::correction::{self, Correction};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let input = Correction {
        full_name,
        title,
        admission_date,
        birth_date,
        rule_set,
        history_from,
    };
    correction::correct(&call.state, &viewer, &call.meta, call.lang, &id, &input)
        .await
        .map_err(|e| call.fail(e))?;
    call.redirect(&format!("/firm/member/{id}?corrected=1"));
    Ok(())
}
