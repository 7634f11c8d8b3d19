//! The firm, for its owners and admins.

mod get_audit;

pub use get_audit::*;
