//! The CPD domain: hours, rule sets and the compliance calculator.
//!
//! Pure Rust with no I/O, so the same code runs natively on the server (the authority)
//! and as WASM in the browser (live previews). Depends on nothing but serde.

pub mod date;
pub mod email;
pub mod entry_draft;
pub mod hours;
pub mod limits;
pub mod org_number;
pub mod people;
pub mod quick_check;
pub mod rules;

pub use date::{Date, DateError};
pub use email::{Email, EmailError};
pub use entry_draft::{EntryDraft, EntryErrors, EntryField, EntryProblem, ValidEntry};
pub use hours::{Hours, HoursError};
pub use org_number::{OrgNumber, OrgNumberError};
pub use people::{AccountStatus, Role, Title};
