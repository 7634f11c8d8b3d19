//! Builds the application from a [`Config`] and serves it.

use crate::routes::{export_csv, health, sign_in_link};
use anyhow::Context;
use app::backend::audit::{self, Action, Actor, Target};
use app::backend::config::Config;
use app::backend::db::Db;
use app::backend::mail::outbox;
use app::backend::mail::transport::Transport;
use app::backend::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// Opens the database and applies migrations, auditing any that were applied.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(config.database_url.expose()).await?;
    let applied = db.migrate().await?;
    if applied > 0 {
        let mut tx = db.begin().await.context("starting a transaction")?;
        audit::record(
            &mut tx,
            &Actor::System,
            Action::MigrationsApplied,
            &Target::new("schema", applied.to_string()),
            &audit::Context::default(),
        )
        .await?;
        tx.commit()
            .await
            .context("committing the migration audit")?;
        tracing::info!(
            applied,
            backend = db.backend.name(),
            "database migrations applied"
        );
    }
    Ok(db)
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("cpd-registry")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(if config.is_production() {
            Env::PROD
        } else {
            Env::DEV
        })
        .build()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/sign-in/link", get(sign_in_link::sign_in_link))
        .route("/log/export.csv", get(export_csv::export_csv))
        .leptos_routes_with_context(&state, routes, || (), move || shell(leptos_options.clone()))
        // Static files are served explicitly; every other GET is a Leptos route (the
        // catch-all route renders the 404 page).
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")))
        .route_service(
            "/favicon.ico",
            ServeFile::new(site_root.join("favicon.ico")),
        )
        .route_service("/robots.txt", ServeFile::new(site_root.join("robots.txt")))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A running server; dropping it does not stop it (call [`Server::stop`]).
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    mail_worker: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Opens the database, migrates, binds `config.site_addr` (port 0 picks a free port)
    /// and serves in the background.
    pub async fn start(config: Config) -> anyhow::Result<Server> {
        let db = open_database(&config).await?;
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("binding {}", config.site_addr))?;
        let addr = listener.local_addr()?;
        let mut config = config;
        config.site_addr = addr;
        let transport = match &config.smtp_url {
            Some(url) => Transport::smtp(url.expose(), &config.mail_from)?,
            None => Transport::DevMailbox,
        };
        let state = AppState {
            db,
            leptos_options: leptos_options(&config),
            config: Arc::new(config),
            mail_wake: Arc::new(Notify::new()),
        };
        let mail_worker = tokio::spawn(outbox::run_worker(
            state.db.clone(),
            Arc::new(transport),
            state.mail_wake.clone(),
        ));
        let app = router(state.clone());
        let (shutdown, signal) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = signal.await;
            })
            .await
        });
        Ok(Server {
            addr,
            state,
            shutdown,
            task,
            mail_worker,
        })
    }

    /// Stops accepting connections, finishes in-flight requests and closes the pool.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.context("joining the server task")??;
        // Unsent mail stays in the outbox for the next start; nothing is lost.
        self.mail_worker.abort();
        self.state.db.pool.close().await;
        Ok(())
    }

    /// Serves until the task ends or Ctrl-C / SIGTERM arrives, then shuts down cleanly.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
