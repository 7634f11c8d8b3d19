//! Pieces shared by several pages.

pub mod language_switch;
pub mod layout;
