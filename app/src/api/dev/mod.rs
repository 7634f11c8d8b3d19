//! Development-only endpoints. In production they answer "not found".

mod list_mailbox;

pub use list_mailbox::*;
