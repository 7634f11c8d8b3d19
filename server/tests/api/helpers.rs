use app::backend::config::Config;
use server::startup::Server;
use std::collections::HashMap;

/// Runs an `async fn(Backend)` test once per database backend, as `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_given(concat!(module_path!(), "::postgres")) {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const TEST_SECRET: &str = "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";

/// The test master key as bytes: what opens a test server's (encrypted) SQLite file.
pub fn test_master() -> [u8; 32] {
    hex::decode(TEST_SECRET)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

/// Opens a test database beside its server, with the test master key.
pub async fn open_db(url: &str) -> app::backend::db::Db {
    app::backend::db::Db::connect(url, &test_master())
        .await
        .expect("connect")
}

/// Whether a PostgreSQL server was given (`TEST_POSTGRES_URL`). Without one, a PostgreSQL
/// test says it was skipped and passes, so `make check` runs the SQLite half alone; with
/// `REQUIRE_POSTGRES=1` (as `make test` sets) a missing server fails instead.
pub fn postgres_given(test: &str) -> bool {
    if std::env::var_os("TEST_POSTGRES_URL").is_some() {
        return true;
    }
    if std::env::var_os("REQUIRE_POSTGRES").is_some() {
        postgres_admin_url();
    }
    eprintln!("{test}: SKIPPED, no PostgreSQL given (set TEST_POSTGRES_URL, or run `make test`)");
    false
}

/// The admin URL of the throwaway PostgreSQL cluster `make test` starts.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL is not set. Run `make test`, which starts a throwaway PostgreSQL \
             cluster, or point TEST_POSTGRES_URL at a server where this user may CREATE DATABASE."
        )
    })
}

/// A fresh, empty database of the given backend; returns its URL.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/cpd.db", dir.display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let name = format!("test_{}", uuid::Uuid::now_v7().simple());
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to the test cluster");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create a test database");
            let (base, _) = admin.rsplit_once('/').expect("admin URL ends with /DBNAME");
            format!("{base}/{name}")
        }
    }
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub server: Option<Server>,
    pub base: String,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    pub database_url: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, None).await
    }

    /// A server with some configuration variables set.
    pub async fn spawn_with_vars(backend: Backend, vars: &[(&'static str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(backend, dir.path()).await;
        let config = test_config_with(&database_url, dir.path(), vars);
        TestApp::start(config, dir, database_url).await
    }

    /// A server on an existing database and data directory (a restored instance).
    pub async fn open(
        database_url: String,
        dir: tempfile::TempDir,
        vars: &[(&'static str, &str)],
    ) -> TestApp {
        let config = test_config_with(&database_url, dir.path(), vars);
        TestApp::start(config, dir, database_url).await
    }

    /// A server that sends mail to `smtp_url` instead of the development mailbox.
    pub async fn spawn_with(backend: Backend, smtp_url: Option<&str>) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(backend, dir.path()).await;
        let mut config = test_config(&database_url, dir.path());
        if let Some(url) = smtp_url {
            config.mail.smtp_url = Some(smtp_setting(url));
        }
        TestApp::start(config, dir, database_url).await
    }

    async fn start(config: Config, dir: tempfile::TempDir, database_url: String) -> TestApp {
        // Logs go to the test's captured output, shown when it fails.
        server::telemetry::init_for_tests();
        let server = Server::start(config).await.expect("server starts");
        TestApp {
            base: format!("http://{}", server.addr),
            server: Some(server),
            client: reqwest::Client::builder()
                // A request the server never answers fails the test instead of hanging the run.
                .timeout(std::time::Duration::from_secs(90))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            dir,
            database_url,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Makes every deletion final now, as the purge does once the undo window has passed.
    pub async fn finalize_deletions(&self) {
        let state = &self.server.as_ref().expect("running").state;
        let later =
            app::backend::db::now_micros() + (app::backend::undo::UNDO_SECS + 1) * 1_000_000;
        app::backend::undo::purge_expired(state, later)
            .await
            .expect("purge");
    }

    pub fn db(&self) -> &app::backend::db::Db {
        &self.server.as_ref().expect("running").state.db
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Stops the server and starts a new one on the same database and data directory.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("stop");
        }
        let server = start(&self.database_url, self.dir.path()).await;
        self.base = format!("http://{}", server.addr);
        self.server = Some(server);
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("stop");
        }
    }
}

pub fn test_config(database_url: &str, dir: &std::path::Path) -> Config {
    test_config_with(database_url, dir, &[])
}

/// The test configuration with some variables added or replaced.
pub fn test_config_with(
    database_url: &str,
    dir: &std::path::Path,
    extra: &[(&'static str, &str)],
) -> Config {
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("SITE_ADDR", "127.0.0.1:0".to_owned()),
        ("DATA_DIR", dir.display().to_string()),
        ("SITE_ROOT", dir.join("site").display().to_string()),
        ("APP_SECRET", TEST_SECRET.to_owned()),
        // A test makes its own backups when it wants one (`backups.rs`).
        ("BACKUP_DAILY", "0".to_owned()),
        // Uploads are inspected by the real worker: this package's binary.
        (
            "INSPECT_COMMAND",
            env!("CARGO_BIN_EXE_cpd-registry").to_owned(),
        ),
    ]);
    for (name, value) in extra {
        vars.insert(name, (*value).to_owned());
    }
    Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration")
}

/// An SMTP_URL setting, read the way the server reads it.
pub fn smtp_setting(url: &str) -> app::backend::config::SecretString {
    let vars: HashMap<&str, String> = HashMap::from([
        ("SMTP_URL", url.to_owned()),
        ("APP_SECRET", TEST_SECRET.to_owned()),
    ]);
    Config::from_lookup(|name| vars.get(name).cloned())
        .expect("config")
        .mail
        .smtp_url
        .expect("smtp")
}

async fn start(database_url: &str, dir: &std::path::Path) -> Server {
    Server::start(test_config(database_url, dir))
        .await
        .expect("server starts")
}

/// A browser: its own cookie jar, no automatic redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                // A request the server never answers fails the test instead of hanging the run.
                .timeout(std::time::Duration::from_secs(90))
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            base: self.base.clone(),
        }
    }

    /// The newest mail to `to`: (subject, text).
    pub async fn last_mail(&self, to: &str) -> Option<(String, String)> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, subject, text_body FROM outbox WHERE to_index = $1 ORDER BY created_at_us DESC, id DESC LIMIT 1",
        )
        .bind(email_index(to))
        .fetch_optional(&self.db().pool)
        .await
        .expect("outbox");
        // Sealed in the table: opened as the mail worker opens it.
        let seal = self.db().records.system();
        row.map(|(id, subject, text)| {
            use app::backend::sealing::Field;
            (
                seal.open(Field::OutboxSubject, &id, &subject)
                    .expect("subject"),
                seal.open(Field::OutboxText, &id, &text).expect("text"),
            )
        })
    }

    /// The 6-digit code in the newest mail to `to`.
    pub async fn last_code(&self, to: &str) -> String {
        let (subject, _) = self.last_mail(to).await.expect("a mail was queued");
        subject
            .rsplit(' ')
            .next()
            .expect("code at the end of the subject")
            .to_owned()
    }

    /// The one-click link in the newest mail to `to`, as a path.
    pub async fn last_link(&self, to: &str) -> String {
        let (_, text) = self.last_mail(to).await.expect("a mail was queued");
        let start = text.find("/sign-in/link?").expect("a link in the mail");
        text[start..]
            .split_whitespace()
            .next()
            .expect("link")
            .to_owned()
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log ORDER BY at_us, seq")
            .fetch_all(&self.db().pool)
            .await
            .expect("audit")
    }

    /// Walks every audit chain against its checkpoints, as `audit verify` does; panics with
    /// the first problem.
    pub async fn assert_audit_verifies(&self) {
        use app::backend::audit::{checkpoint, verify};
        let master: [u8; 32] = hex::decode(TEST_SECRET)
            .expect("hex")
            .try_into()
            .expect("32");
        let key = checkpoint::signing_key(&master).verifying_key();
        let mut conn = self.db().pool.acquire().await.expect("conn");
        let report = verify::verify(&mut conn, &key, None, &checkpoint::FileContents::default())
            .await
            .expect("verify runs");
        assert!(report.ok(), "{:?}", report.problem);
    }

    /// Moves every code sent so far an hour into the past, so the per-address resend
    /// throttle (1 a minute, 5 an hour) does not stop the next request in a test.
    pub async fn forget_sent_codes(&self) {
        sqlx::query("UPDATE otp_challenges SET created_at_us = created_at_us - 3660000000")
            .execute(&self.db().pool)
            .await
            .expect("age codes");
    }

    /// Signs a new browser in with an emailed code; returns it.
    pub async fn signed_in_browser(&self, email: &str) -> Browser {
        self.forget_sent_codes().await;
        let browser = self.browser();
        let response = browser
            .form("/api/auth/request_code", &[("email", email)])
            .await;
        assert!(
            response.status().is_success(),
            "request_code: {}",
            response.status()
        );
        let code = self.last_code(email).await;
        let response = browser
            .form("/api/auth/verify_code", &[("code", &code)])
            .await;
        assert!(
            response.status().is_success(),
            "verify_code: {}",
            response.status()
        );
        browser
    }
}

impl TestApp {
    /// The owner of a new firm who has named it on the first profile (as invitations need).
    pub async fn firm_owner(&self, email: &str) -> Browser {
        let browser = self.signed_in_browser(email).await;
        name_firm(&browser, email).await;
        browser
    }
}

/// Saves the first profile of a new firm's owner, naming the firm after the address.
pub async fn name_firm(browser: &Browser, email: &str) {
    let domain = email.rsplit_once('@').map_or(email, |(_, d)| d);
    let firm = format!("Firm of {domain}");
    let name = email.split('@').next().unwrap_or(email);
    let saved = browser
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", name),
                ("title", "advokat"),
                ("admission_date", ""),
                ("birth_date", ""),
                ("rule_set", ""),
                ("language", "en"),
                ("names_firm", "1"),
                ("firm_name", firm.as_str()),
                ("org_number", ""),
            ],
        )
        .await;
    assert!(
        saved.status().is_success(),
        "first profile: {}",
        saved.status()
    );
}

impl TestApp {
    /// Confirms it is the person on `browser` (signed in as `email`, no authenticator app)
    /// with an emailed code, as the Security page does: sensitive changes are then open.
    pub async fn step_up(&self, browser: &Browser, email: &str) {
        self.forget_sent_codes().await;
        let asked = browser.form("/api/account/request_step_up", &[]).await;
        assert!(
            asked.status().is_success(),
            "request_step_up: {}",
            asked.status()
        );
        let code = self.last_code(email).await;
        let done = browser
            .form("/api/account/confirm_step_up", &[("code", &code)])
            .await;
        assert!(
            done.status().is_success(),
            "confirm_step_up: {}",
            done.status()
        );
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A server-function call as `fetch` makes it (errors come back with their status).
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// The same form, posted by a browser without JavaScript.
    pub async fn html_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        referer: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "text/html")
            .header("referer", self.url(referer))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// Who the server thinks this browser is (`null` when signed out).
    pub async fn whoami(&self) -> serde_json::Value {
        let response = self.form("/api/auth/current_user", &[]).await;
        assert_eq!(response.status(), 200);
        response.json().await.expect("json")
    }
}

/// The value of `name` in a response's Set-Cookie headers.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// The blind index the test servers keep a sign-in address under (`users.email_index`):
/// how a test finds a person by address, now that the addresses are sealed.
pub fn email_index(email: &str) -> String {
    app::backend::sealing::Records::new(&test_master()).email_index(email)
}
