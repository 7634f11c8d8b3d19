//! The signed-in person's annual reports: list, create, follow, delete; and the public
//! verification of a report by its id. The download and the file check are plain routes
//! (`/reports/{id}/open`, `POST /verify/{id}`) because they redirect and stream.

mod create_report;
mod delete_report;
mod list_reports;
mod report_progress;
mod verify_report;

pub use create_report::*;
pub use delete_report::*;
pub use list_reports::*;
pub use report_progress::*;
pub use verify_report::*;
