//! Mail: a database outbox that a background worker drains through SMTP (lettre) or, in
//! development, into the development mailbox. Requests only ever write to the outbox, so
//! a slow or broken mail server never slows a request and loses nothing.

pub mod outbox;
pub mod templates;
pub mod transport;

pub use outbox::{OutgoingMail, enqueue, enqueue_secret};
