//! Integration tests: the real server on a free port with a fresh database per test, on
//! SQLite and on PostgreSQL (`TEST_POSTGRES_URL`, started by `make test`).

mod helpers;

mod at_rest;
mod audit;
mod audit_proof;
mod auth;
mod backups;
mod certificates;
mod cli;
mod data_rights;
mod erasure;
mod exports;
mod firm;
mod firm_exports;
mod hardening;
mod health;
mod history;
mod jobs;
mod language;
mod limits;
mod log;
mod mail;
mod pages;
mod profile;
mod queries;
mod reports;
mod schema;
mod sealed;
mod seed;
mod storage;
mod termination;
mod totp;
