//! Reports' plain routes: the download link, and the public check of a file.

pub mod open;
pub mod verify;
