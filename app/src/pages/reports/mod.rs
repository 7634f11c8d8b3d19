//! Annual reports: the person's list (create, follow, download, delete) and the public
//! verification page.

mod list;
mod verify;

pub use list::Reports;
pub use verify::VerifyReport;
