//! Builds the application from a [`Config`] and serves it.

use crate::routes::{
    audit_csv, certificates, data_export, export_csv, health, history_upload, import_upload,
    invitation, metrics, overview_csv, reports, security_txt, sign_in_link,
};
use crate::security::{self, Hardening};
use anyhow::Context;
use app::backend::audit::{self, Action, Actor, Target};
use app::backend::config::Config;
use app::backend::db::Db;
use app::backend::mail::outbox;
use app::backend::mail::transport::Transport;
use app::backend::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// Opens the database and applies migrations, auditing any that were applied.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(config.db.url.expose(), config.secrets.app_secret.expose()).await?;
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
        .site_root(config.http.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.http.site_addr)
        .env(if config.is_production() {
            Env::PROD
        } else {
            Env::DEV
        })
        .build()
}

/// The plain (non-Leptos) GET routes, beside the pages and server functions. Tests walk
/// this list, so a route added here is checked for its headers too.
pub const PLAIN_ROUTES: [&str; 15] = [
    "/healthz",
    "/readyz",
    "/sign-in/link",
    "/log/export.csv",
    "/firm/audit.csv",
    "/firm/overview.csv",
    "/invite",
    "/.well-known/security.txt",
    "/metrics",
    "/favicon.ico",
    "/brand/favicon.svg",
    "/certificates/x/open",
    "/files/x/y",
    "/reports/x/open",
    "/account/export/x/download",
];

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    let hardening = Hardening::from_config(&state.config);
    let metrics_state = state.metrics.clone();
    // Every file of one upload request, plus room for the form's other fields; each file
    // is held to its own limit while it streams.
    let upload_body_limit = usize::try_from(state.config.uploads.max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(certificates::upload::MAX_FILES)
        .saturating_add(64 * 1024);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/sign-in/link", get(sign_in_link::sign_in_link))
        .route("/log/export.csv", get(export_csv::export_csv))
        .route("/firm/audit.csv", get(audit_csv::audit_csv))
        .route("/firm/overview.csv", get(overview_csv::overview_csv))
        .route("/invite", get(invitation::invitation))
        .route("/.well-known/security.txt", get(security_txt::security_txt))
        .route("/metrics", get(metrics::metrics))
        .route(
            "/certificates/upload",
            post(certificates::upload::upload).layer(DefaultBodyLimit::max(upload_body_limit)),
        )
        .route(
            app::api::account::HISTORY_UPLOAD,
            post(history_upload::upload).layer(DefaultBodyLimit::max(history_upload::MAX_BODY)),
        )
        .route(
            "/log/import/upload",
            post(import_upload::upload).layer(DefaultBodyLimit::max(import_upload::MAX_BODY)),
        )
        .route("/certificates/{id}/open", get(certificates::open::open))
        .route("/files/{firm}/{object}", get(certificates::file::file))
        .route("/reports/{id}/open", get(reports::open::open))
        .route("/account/export/{id}/download", get(data_export::download))
        .route(
            "/verify/{id}",
            post(reports::verify::verify).layer(DefaultBodyLimit::max(reports::verify::MAX_BYTES)),
        )
        .leptos_routes_with_context(&state, routes, || (), move || shell(leptos_options.clone()))
        // Static files are served explicitly; every other GET is a Leptos route (the
        // catch-all route renders the 404 page).
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")))
        .nest_service("/brand", ServeDir::new(site_root.join("brand")))
        .route_service(
            "/favicon.ico",
            ServeFile::new(site_root.join("favicon.ico")),
        )
        .route_service("/robots.txt", ServeFile::new(site_root.join("robots.txt")))
        // A refused form post is answered with its page (the input kept, the errors shown).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::form_reply::reply,
        ))
        // Certificates and exports are compressed already (PDF, JPEG, PNG, ZIP): compressing them
        // again on every download would cost CPU for nothing.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/pdf"))
                    .and(NotForContentType::const_new("application/zip")),
            ),
        )
        .layer(axum::middleware::from_fn_with_state(
            hardening.clone(),
            security::csrf,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hardening,
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(metrics_state, observe))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Says at start-up what confines the workers on this machine (`sandbox-check`'s answer),
/// and warns when the required barriers do not hold: uploads and reports will then fail
/// (or, with `WORKER_SANDBOX=best-effort`, run less confined).
async fn log_worker_confinement(config: &Config) {
    let run = tokio::process::Command::new(&config.uploads.inspect_command)
        .arg("sandbox-check")
        .env_clear()
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(std::time::Duration::from_secs(10), run).await {
        Ok(Ok(output)) => {
            let report = String::from_utf8_lossy(&output.stdout).replace('\n', "; ");
            if output.status.success() {
                tracing::info!(confinement = %report, "worker confinement");
            } else {
                tracing::warn!(
                    confinement = %report,
                    sandbox = %config.uploads.worker_sandbox,
                    "the workers' confinement does not hold on this machine"
                );
            }
        }
        Ok(Err(error)) => tracing::warn!(%error, "could not check the workers' confinement"),
        Err(_) => tracing::warn!("checking the workers' confinement took too long"),
    }
}

/// Counts every response and its latency for `/metrics`.
async fn observe(
    axum::extract::State(metrics): axum::extract::State<Arc<app::backend::metrics::Metrics>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    metrics.observe(response.status().as_u16(), started.elapsed());
    response
}

/// Signs the audit chain heads every interval; once a day (and once at start-up) removes
/// audit rows past retention. Safe with several instances: every step is idempotent.
async fn run_audit_keeper(state: AppState) {
    let key = audit::checkpoint::signing_key(state.master_key());
    let interval = state.config.audit.checkpoint_interval;
    let mut last_purge: Option<std::time::Instant> = None;
    loop {
        if last_purge.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(86_400)) {
            match audit::retention::purge_expired(
                &state.db,
                &key,
                Some(&state.config.audit.checkpoint_file),
                state.config.audit.retention_days,
                app::backend::db::now_micros(),
            )
            .await
            {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "audit rows past retention removed"),
                Err(error) => tracing::error!(error = %error, "audit retention purge failed"),
            }
            last_purge = Some(std::time::Instant::now());
        }
        match audit::checkpoint::write(&state.db, &key, Some(&state.config.audit.checkpoint_file))
            .await
        {
            Ok(written) if !written.is_empty() => {
                tracing::info!(chains = written.len(), "audit checkpoints signed");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "audit checkpoint failed"),
        }
        tokio::time::sleep(interval).await;
    }
}

/// Every minute, runs the retention jobs that are due and that no other instance holds
/// ([`app::backend::jobs`]): purges after their holds, expired exports and uploads, expired
/// sign-in data, orphaned files. The first tick waits a minute, so a restart loop does not
/// hammer the database (and the daily jobs remember their last run across restarts).
async fn run_jobs(state: AppState) {
    let instance = app::backend::db::new_id();
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        app::backend::jobs::run_due(&state, &instance).await;
    }
}

/// A running server; dropping it does not stop it (call [`Server::stop`]).
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    mail_worker: tokio::task::JoinHandle<()>,
    audit_keeper: tokio::task::JoinHandle<()>,
    jobs: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Opens the database, migrates, binds `config.http.site_addr` (port 0 picks a free port)
    /// and serves in the background.
    pub async fn start(config: Config) -> anyhow::Result<Server> {
        let db = open_database(&config).await?;
        // A database with personal fields still in clear (or half sealed) is not served.
        app::backend::sealing::state::require_sealed(&db).await?;
        let listener = TcpListener::bind(config.http.site_addr)
            .await
            .with_context(|| format!("binding {}", config.http.site_addr))?;
        let addr = listener.local_addr()?;
        let mut config = config;
        config.http.site_addr = addr;
        let transport = match &config.mail.smtp_url {
            Some(url) => Transport::smtp(url.expose(), &config.mail.from)?,
            None => Transport::DevMailbox,
        };
        let storage = app::backend::storage::from_config(&config)
            .await
            .context("opening certificate storage")?;
        let upload_workers = config.uploads.workers;
        let state = AppState {
            storage,
            db,
            leptos_options: leptos_options(&config),
            config: Arc::new(config),
            mail_wake: Arc::new(Notify::new()),
            metrics: Arc::default(),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(upload_workers)),
        };
        // Reports whose instance stopped while making them will not finish: say so. (Ones
        // that went quiet less than two minutes ago are caught when their person looks.)
        let interrupted = app::backend::reports::fail_stale(&state, None).await?;
        if interrupted > 0 {
            tracing::warn!(
                reports = interrupted,
                "reports cut off by a stopped instance marked failed"
            );
        }
        log_worker_confinement(&state.config).await;
        let mail_worker = tokio::spawn(outbox::run_worker(
            state.db.clone(),
            Arc::new(transport),
            state.mail_wake.clone(),
        ));
        let audit_keeper = tokio::spawn(run_audit_keeper(state.clone()));
        let jobs = tokio::spawn(run_jobs(state.clone()));
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
            audit_keeper,
            jobs,
        })
    }

    /// Stops accepting connections, finishes in-flight requests and closes the pool.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.context("joining the server task")??;
        // Unsent mail stays in the outbox for the next start; nothing is lost.
        self.mail_worker.abort();
        self.audit_keeper.abort();
        self.jobs.abort();
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
