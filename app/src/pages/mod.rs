//! One module per page.

mod account;
mod dev_mailbox;
mod home;
mod not_found;
mod policies;
mod quick_check;
mod sign_in;

pub use account::{AccountSecurity, Profile};
pub use dev_mailbox::DevMailbox;
pub use home::Home;
pub use not_found::NotFound;
pub use policies::{DataProcessing, Security, SubProcessors};
pub use sign_in::{SecondFactor, SignIn, SignInCode};
