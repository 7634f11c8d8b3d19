//! Passwordless sign-in: emailed one-time codes and links, database sessions, rate limits,
//! soft lockout and the optional TOTP second factor.

pub mod challenge;
pub mod lockout;
