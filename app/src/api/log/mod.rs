//! The signed-in person's training log: entries, leave, exemptions, CSV import.

mod add_leave;
mod cancel_import;
mod confirm_import;
// One argument per form field: the plain-HTML form posts its fields by name.
#[allow(clippy::too_many_arguments)]
mod create_entry;
mod delete_entry;
mod delete_leave;
mod duplicate_entry;
mod get_entry;
mod get_import;
mod get_log;
mod set_exemption;
mod stage_import;
mod undo_deletion;
mod undo_offers;
#[allow(clippy::too_many_arguments)] // one argument per form field, as above
mod update_entry;

pub use add_leave::*;
pub use cancel_import::*;
pub use confirm_import::*;
pub use create_entry::*;
pub use delete_entry::*;
pub use delete_leave::*;
pub use duplicate_entry::*;
pub use get_entry::*;
pub use get_import::*;
pub use get_log::*;
pub use set_exemption::*;
pub use stage_import::*;
pub use undo_deletion::*;
pub use undo_offers::*;
pub use update_entry::*;
