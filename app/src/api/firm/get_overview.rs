use crate::AppError;
use crate::model::Standing;
use leptos::prelude::*;

/// Everyone's standing in `year` (empty: this year).
#[server(prefix = "/api", endpoint = "firm/get_overview")]
pub async fn get_overview(year: String) -> Result<(i32, Vec<Standing>), AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1950..=2999).contains(y))
        .unwrap_or_else(|| crate::backend::account::today().year());
    let rows =
        crate::backend::firm::overview::overview(&call.state, &viewer, &call.meta, call.lang, year)
            .await
            .map_err(|e| call.fail(e))?;
    Ok((year, rows))
}
