//! CPD Registry's Leptos application.
//!
//! Compiled twice: with `ssr` into the server (pages, server functions, database) and with
//! `hydrate` into the browser bundle. Never with both. Server-only code lives under
//! [`backend`], which does not exist in the browser build.

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
mod shell;

#[cfg(feature = "ssr")]
pub mod backend;

pub use error::AppError;
pub use shell::{App, shell};
