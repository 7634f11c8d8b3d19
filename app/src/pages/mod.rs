//! One module per page.

mod home;
mod not_found;
mod policies;
mod quick_check;

pub use home::Home;
pub use not_found::NotFound;
pub use policies::{DataProcessing, Security, SubProcessors};
