//! Plain HTTP routes beside the Leptos pages and server functions.

pub mod audit_csv;
pub mod certificates;
pub mod data_export;
pub mod download;
pub mod export_csv;
pub mod health;
pub mod history_upload;
pub mod import_upload;
pub mod invitation;
pub mod metrics;
pub mod overview_csv;
pub mod render;
pub mod reports;
pub mod security_txt;
pub mod sign_in_link;
