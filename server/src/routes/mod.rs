//! Plain HTTP routes beside the Leptos pages and server functions.

pub mod health;
