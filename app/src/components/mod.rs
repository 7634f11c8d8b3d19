//! Pieces shared by several pages.

pub mod form;
pub mod language_switch;
pub mod layout;
pub mod summary;
pub mod undo;
