use crate::AppError;
use crate::model::CertificateList;
use leptos::prelude::*;

/// The certificates of one of the signed-in person's entries, and the upload limit.
#[server(prefix = "/api", endpoint = "certificates/list_certificates")]
pub async fn list_certificates(entry: String) -> Result<CertificateList, AppError> {
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    // The entry must be theirs: someone else's answers "not found", even with no files.
    crate::backend::training::entries::get(&call.state, &viewer, &entry)
        .await
        .map_err(|e| call.fail(e))?;
    let items = crate::backend::certificates::for_entry(&call.state, &viewer, &entry)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(CertificateList {
        items,
        max_mb: call.state.config.uploads.max_bytes.div_ceil(1024 * 1024),
    })
}
