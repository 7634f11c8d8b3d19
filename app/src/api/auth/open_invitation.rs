use crate::AppError;
use crate::model::InvitationOffer;
use leptos::prelude::*;

/// Public: what an invitation link offers (the firm, the role, the invited address), if the
/// link is genuine and the invitation still open. Needs the link's secret token, so it tells
/// nothing to anyone who does not hold the link.
#[server(prefix = "/api", endpoint = "auth/open_invitation")]
pub async fn open_invitation(
    id: String,
    token: String,
) -> Result<Option<InvitationOffer>, AppError> {
    let call = crate::api::support::call()?;
    let opened = crate::backend::firm::invitations::open(&call.state, &id, &token)
        .await
        .map_err(|e| call.fail(AppError::internal(e)))?;
    Ok(opened.map(|o| InvitationOffer {
        firm_name: o.firm_name,
        email: o.email,
        admin: o.role == crate::backend::authz::Role::Admin,
        has_account: o.has_account,
    }))
}
