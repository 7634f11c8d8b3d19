//! The signed-in person's own account.

/// Where the archive of a history is uploaded: a plain route, so a large ZIP streams.
pub const HISTORY_UPLOAD: &str = "/account/history/upload";

mod cancel_deletion;
mod cancel_history_import;
mod confirm_email_change;
mod confirm_history_import;
mod confirm_step_up;
mod confirm_totp;
mod dismiss_recovery_codes;
mod get_history_import;
mod get_profile;
mod list_exports;
mod list_sessions;
mod remove_totp;
mod request_deletion;
mod request_email_change;
mod request_export;
mod request_step_up;
mod revoke_session;
mod security_status;
mod start_totp;
// One argument per form field: the plain-HTML form posts its fields by name.
#[allow(clippy::too_many_arguments)]
mod update_profile;

pub use cancel_deletion::*;
pub use cancel_history_import::*;
pub use confirm_email_change::*;
pub use confirm_history_import::*;
pub use confirm_step_up::*;
pub use confirm_totp::*;
pub use dismiss_recovery_codes::*;
pub use get_history_import::*;
pub use get_profile::*;
pub use list_exports::*;
pub use list_sessions::*;
pub use remove_totp::*;
pub use request_deletion::*;
pub use request_email_change::*;
pub use request_export::*;
pub use request_step_up::*;
pub use revoke_session::*;
pub use security_status::*;
pub use start_totp::*;
pub use update_profile::*;
