//! CPD Registry's Leptos application.
//!
//! Compiled twice: with `ssr` into the server (pages, server functions, database) and with
//! `hydrate` into the browser bundle. Never with both. Server-only code lives under
//! [`backend`], which does not exist in the browser build.

// Deeply nested view types (a page is one type) exceed the default query depth.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod model;
pub mod page_url;
pub mod pages;
mod shell;

#[cfg(feature = "ssr")]
pub mod backend;

pub use error::AppError;
pub use shell::{App, shell};
