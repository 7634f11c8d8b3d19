//! Pieces shared by several pages.

pub mod answer;
pub mod chars_left;
pub mod file_pick;
pub mod form;
pub mod icons;
pub mod language_switch;
pub mod layout;
pub mod summary;
pub mod undo;
