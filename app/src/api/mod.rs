//! Server functions, one per file, grouped by domain. Each is a public HTTP endpoint:
//! it identifies the caller from the session and checks permission itself.

pub mod account;
pub mod auth;
pub mod certificates;
pub mod dev;
pub mod firm;
pub mod log;
pub mod preferences;
pub mod reports;

#[cfg(feature = "ssr")]
pub mod support;
