//! A visitor's preferences.

mod set_language;

pub use set_language::*;
