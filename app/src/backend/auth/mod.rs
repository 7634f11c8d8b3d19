//! Passwordless sign-in: emailed one-time codes and links, database sessions, rate limits,
//! soft lockout and the optional TOTP second factor.

pub mod challenge;
pub mod codes;
pub mod flows;
pub mod lockout;
pub mod lockouts;
pub mod otp;
pub mod rate_limit;
pub mod session;
pub mod step_up;
pub mod totp;
pub mod users;
pub mod viewer;
