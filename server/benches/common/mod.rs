//! What the benchmarks that drive the real release server share: starting it in a process
//! of its own on a fresh SQLite database, reading its memory from /proc, signing in.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Running {
    pub child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's database, read beside it (the code mails, ids).
    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let db = format!("sqlite://{}/cpd.db", self.dir.path().display());
        let master = [0x22; 32];
        app::backend::db::Db::connect(&db, &master)
            .await
            .expect("database")
            .pool
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A figure of /proc/PID/status in kB.
pub fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .expect("a memory figure")
}

/// Resets the process's peak-RSS counter (`VmHWM`) to its current RSS.
pub fn reset_peak(pid: u32) {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset the peak-RSS counter");
}

/// The release server on a fresh SQLite database in a temporary directory.
#[expect(
    clippy::zombie_processes,
    reason = "the child is owned by `Running`, whose Drop kills and reaps it"
)]
pub async fn start() -> Running {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_cpd-registry"))
        .arg("serve")
        .env("SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir.path())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cpd.db", dir.path().display()),
        )
        .env("SITE_ROOT", dir.path().join("site"))
        .env("APP_SECRET", "22".repeat(32))
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/readyz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Running { child, base, dir };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

/// The newest code mailed to `email` (read from the outbox before the mail is sent and
/// erased; asked again until it is there).
pub async fn code_for(pool: &sqlx::AnyPool, email: &str) -> String {
    for _ in 0..100 {
        let subject: Option<String> = sqlx::query_scalar(
            "SELECT subject FROM outbox WHERE to_addr = $1 AND subject <> '' ORDER BY created_at_us DESC LIMIT 1",
        )
        .bind(email)
        .fetch_optional(pool)
        .await
        .expect("the outbox");
        if let Some(code) = subject.and_then(|s| s.rsplit(' ').next().map(str::to_owned)) {
            return code;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no code mail for {email}");
}

/// A browser signed in as `email` (a firm of their own), with the server's database.
pub async fn sign_in(server: &Running, email: &str) -> (reqwest::Client, sqlx::AnyPool) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    client
        .post(server.url("/api/auth/request_code"))
        .form(&[("email", email)])
        .send()
        .await
        .expect("request code");
    let pool = server.pool().await;
    let code = code_for(&pool, email).await;
    client
        .post(server.url("/api/auth/verify_code"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .expect("verify");
    (client, pool)
}
