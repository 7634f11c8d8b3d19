use crate::AppError;
use leptos::prelude::*;

/// "I have saved my recovery codes": their display is erased (the codes still work).
#[server(prefix = "/api", endpoint = "account/dismiss_recovery_codes")]
pub async fn dismiss_recovery_codes() -> Result<(), AppError> {
    use crate::backend::audit::{Action, Target};
    use crate::backend::auth::totp;
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let mut tx = call.state.db.begin().await?;
    if totp::dismiss_recovery_display(&mut tx, &viewer.user.id).await? {
        viewer
            .audit(
                &mut tx,
                &call.meta,
                Action::RecoveryCodesSaved,
                &Target::new("user", &viewer.user.id),
            )
            .await?;
    }
    tx.commit().await?;
    call.redirect("/account/security");
    Ok(())
}
