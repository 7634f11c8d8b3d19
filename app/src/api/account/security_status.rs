use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpState {
    Off,
    /// Enrolment started: show the QR code (server-rendered SVG) and the key.
    Pending {
        qr_svg: String,
        manual_key: String,
    },
    On {
        recovery_codes_left: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub totp: TotpState,
    /// Recovery codes from a just-finished enrolment: shown until the person confirms they
    /// saved them ([`super::DismissRecoveryCodes`]).
    pub fresh_recovery_codes: Option<Vec<String>>,
    /// This session confirmed it is the person recently: sensitive changes are open.
    pub stepped_up: bool,
    /// The day the account is to be deleted, if that was asked for.
    pub deletion_due: Option<String>,
    /// The firm asked for it (only the firm may cancel it).
    pub deletion_by_firm: bool,
}

/// The second factor's state, and fresh recovery codes until they are dismissed. Reads only.
#[server(prefix = "/api", endpoint = "account/security_status")]
pub async fn security_status() -> Result<SecurityOverview, AppError> {
    use crate::backend::auth::totp;
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let master = call.state.master_key();
    let mut conn = call.state.db.pool.acquire().await?;
    let now = crate::backend::db::now_micros();
    let stepped_up = crate::backend::auth::step_up::is_fresh(&viewer, now);
    // A pending secret is shown only to the session that started the enrolment, and only
    // while it has just confirmed it is the person: another session (a stolen cookie) must
    // not read a secret it could then confirm.
    let shown_to = stepped_up.then_some(viewer.session.id_hash.as_str());
    let state = totp::status(
        &mut conn,
        master,
        &viewer.user.id,
        &viewer.user.email,
        shown_to,
        now,
    )
    .await?;
    // Shown only to a session that passed the app in the last 15 minutes (the one that just
    // set it up): a session cookie stolen later must not reveal codes that open the account.
    let recent = viewer
        .session
        .second_factor_at
        .is_some_and(|at| now - at < 15 * 60 * 1_000_000);
    let fresh_recovery_codes = if recent {
        totp::peek_recovery_display(&mut conn, master, &viewer.user.id).await?
    } else {
        None
    };
    Ok(SecurityOverview {
        totp: match state {
            totp::Status::Off => TotpState::Off,
            totp::Status::Pending(e) => TotpState::Pending {
                qr_svg: e.qr_svg,
                manual_key: e.manual_key,
            },
            totp::Status::On {
                recovery_codes_left,
            } => TotpState::On {
                recovery_codes_left,
            },
        },
        fresh_recovery_codes,
        stepped_up,
        deletion_due: viewer
            .user
            .deletion_due_at_us
            .map(crate::backend::erasure::due_day),
        deletion_by_firm: viewer.user.deletion_by_firm,
    })
}
