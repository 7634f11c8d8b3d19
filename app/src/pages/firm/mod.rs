//! The firm's pages, for its owners and admins.

mod audit;

pub use audit::FirmAudit;
