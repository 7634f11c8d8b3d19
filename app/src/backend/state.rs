//! What every request handler and server function can reach.

use crate::backend::config::Config;
use crate::backend::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Wakes the mail worker after a request queued mail.
    pub mail_wake: Arc<Notify>,
    pub metrics: Arc<crate::backend::metrics::Metrics>,
    /// Where certificates are kept (`STORAGE_URL`).
    pub storage: crate::backend::storage::Storage,
    /// One permit per inspection worker that may run at once (`UPLOAD_WORKERS`).
    pub upload_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn master_key(&self) -> &[u8; 32] {
        self.config.secrets.app_secret.expose()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
