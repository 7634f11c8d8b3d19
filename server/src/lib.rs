//! The CPD Registry server: wiring of configuration, database, routes and layers.
//! `main.rs` is the command line; integration tests start the same [`startup::Server`].

pub mod cli;
pub mod compliance;
pub mod form_reply;
pub mod inspect;
pub mod quiesce;
pub mod report;
pub mod routes;
pub mod sandbox;
pub mod security;
pub mod startup;
pub mod telemetry;
