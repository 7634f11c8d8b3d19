//! The firm, for its owners and admins: people, invitations, overview, settings, audit log.

mod block_member;
mod change_role;
mod correct_member;
mod get_audit;
mod get_member_log;
mod get_members;
mod get_overview;
mod get_settings;
mod invite_member;
mod remove_member;
mod request_firm_export;
mod request_member_export;
mod resend_invitation;
mod revoke_invitation;
mod set_member_deletion;
mod set_member_restriction;
mod unblock_member;
mod update_settings;

pub use block_member::*;
pub use change_role::*;
pub use correct_member::*;
pub use get_audit::*;
pub use get_member_log::*;
pub use get_members::*;
pub use get_overview::*;
pub use get_settings::*;
pub use invite_member::*;
pub use remove_member::*;
pub use request_firm_export::*;
pub use request_member_export::*;
pub use resend_invitation::*;
pub use revoke_invitation::*;
pub use set_member_deletion::*;
pub use set_member_restriction::*;
pub use unblock_member::*;
pub use update_settings::*;
