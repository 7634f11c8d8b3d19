//! Server-only code: configuration, database, audit log, shared state.
//! Exists only in the `ssr` build, so none of it can reach the browser bundle.

pub mod account;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod backup;
pub mod certificates;
pub mod cleanup;
pub mod config;
pub mod crypto;
pub mod csp;
pub mod csv_out;
pub mod db;
pub mod erasure;
pub mod exports;
pub mod firm;
pub mod firm_audit;
pub mod history;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod reports;
pub mod request;
pub mod sealing;
#[cfg(test)]
pub mod snapshot;
pub mod state;
pub mod storage;
pub mod training;
pub mod undo;
