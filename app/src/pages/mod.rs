//! One module per page.

mod account;
mod dev_mailbox;
mod firm;
mod home;
mod log;
pub mod not_found;
mod policies;
mod quick_check;
mod reports;
mod sign_in;

pub use account::{AccountSecurity, Leave, Profile, YourData};
pub use dev_mailbox::DevMailbox;
pub use firm::{FirmAudit, FirmMember, FirmMembers, FirmOverview, FirmSettingsPage};
pub use home::Home;
pub use log::{Dashboard, EditEntry, ImportCsv, LogList, NewEntry};
pub use not_found::NotFound;
pub use policies::{DataProcessing, Security, SubProcessors};
pub use reports::{Reports, VerifyReport};
pub use sign_in::{SecondFactor, SignIn, SignInCode};
