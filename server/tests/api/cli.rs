//! The binary itself: `migrate`, and refusing to start without what production needs.

use crate::helpers::TEST_SECRET;
use std::process::Command;

fn cpd_registry() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cpd-registry"));
    for name in [
        "APP_ENV",
        "APP_SECRET",
        "APP_SECRET_FILE",
        "SMTP_URL",
        "DATABASE_URL",
        "DATA_DIR",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn migrate_creates_the_database_and_exits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cpd_registry()
        .arg("migrate")
        .env("DATA_DIR", dir.path())
        .env("APP_SECRET", TEST_SECRET)
        .env("LOG_FORMAT", "json")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("cpd.db").exists());
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("database migrations applied"), "{log}");
    assert!(!log.contains(TEST_SECRET), "the key must never be logged");
}

/// `seal` on a database already sealed (a new one is): nothing to do, said, exit 0.
#[test]
fn seal_on_a_sealed_database_is_a_quiet_success() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cpd_registry()
        .arg("seal")
        .env("DATA_DIR", dir.path())
        .env("APP_SECRET", TEST_SECRET)
        .env("LOG_FORMAT", "json")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains("the personal fields are sealed: 0 rows read"),
        "{said}"
    );
}

#[test]
fn development_generates_a_key_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cpd_registry()
        .arg("migrate")
        .env("DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(output.status.success());
    let key = std::fs::read_to_string(dir.path().join("app_secret")).expect("generated key");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(log.contains("development key generated"), "{log}");
    assert!(
        !log.contains(key.trim()),
        "the generated key must never be logged"
    );
}

#[test]
fn production_refuses_to_start_without_a_secret() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = cpd_registry()
        .arg("serve")
        .env("APP_ENV", "production")
        .env("SMTP_URL", "smtp://127.0.0.1:1")
        .env("DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("APP_SECRET"), "{stderr}");
    assert!(
        !dir.path().join("app_secret").exists(),
        "production never generates a key"
    );
}

#[test]
fn an_unknown_command_prints_usage() {
    let output = cpd_registry().arg("frobnicate").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage: cpd-registry"));
}

#[test]
fn compliance_reads_json_and_answers_json_or_refuses_bad_input() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |input: &str| {
        let mut child = cpd_registry()
            .arg("compliance")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("output")
    };
    let ok = run(
        r#"{"rule_set": "se-advokat", "year": 2026, "as_of": "2027-01-15",
            "entries": [{"date": "2026-03-01", "hours": 12, "category": "teacher-led"},
                        {"date": "2026-04-01", "hours": 9, "category": "e-learning"}]}"#,
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    assert_eq!(out["status"], "compliant");
    assert_eq!(out["excluded"]["e-learning-cap"], 3.0);

    let bad = run(r#"{"rule_set": "se-advokat", "year": 2026, "as_of": "2026-02-30"}"#);
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("as_of"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_tells_intact_from_tampered_by_its_exit_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        cpd_registry()
            .args(args)
            .env("DATA_DIR", dir.path())
            .env("APP_SECRET", TEST_SECRET)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "error")
            .output()
            .expect("run")
    };
    assert!(run(&["migrate"]).status.success());
    let signed = run(&["audit", "checkpoint"]);
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    assert!(String::from_utf8_lossy(&signed.stdout).contains("signed 1 chain head(s)"));
    let intact = run(&["audit", "verify"]);
    let out = String::from_utf8_lossy(&intact.stdout);
    assert_eq!(intact.status.code(), Some(0), "{out}");
    assert!(out.contains("result: intact"), "{out}");
    assert!(dir.path().join("audit-checkpoints.jsonl").exists());

    // Someone with the database file rewrites the first row behind the trigger's back.
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/cpd.db", dir.path().display());
    // (with the key: someone who has the file alone cannot even read it)
    let db = crate::helpers::open_db(&url).await;
    let mut conn = db.pool.acquire().await.expect("open");
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut *conn)
        .await
        .expect("drop");
    sqlx::query("UPDATE audit_log SET target_id = '99' WHERE seq = 1")
        .execute(&mut *conn)
        .await
        .expect("tamper");
    drop(conn);
    db.pool.close().await;
    let tampered = run(&["audit", "verify"]);
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(
        out.contains("chain system: row 1 does not match its hash"),
        "{out}"
    );
    assert!(out.contains("result: NOT intact"), "{out}");
}

/// The workers' confinement, as `sandbox-check` applies it: the key file, the database (at
/// the 0644 SQLite gives it, in a directory anyone may enter), a TCP port, a Unix socket
/// open to all and a UDP port that this test process reaches are all out of its reach.
#[test]
fn a_confined_worker_reads_no_file_and_reaches_no_socket() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let key = dir.path().join("app_secret");
    let db = dir.path().join("cpd.db");
    for (file, mode) in [(&key, 0o600), (&db, 0o644)] {
        std::fs::write(file, "not for the worker").expect("write");
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).expect("chmod");
        // Not vacuous: the same files are readable outside the sandbox.
        assert!(std::fs::read(file).is_ok());
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("address").port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    let socket_path = dir.path().join("open.sock");
    let _unix = std::os::unix::net::UnixListener::bind(&socket_path).expect("unix listen");
    std::fs::set_permissions(&socket_path, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    assert!(std::os::unix::net::UnixStream::connect(&socket_path).is_ok());
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
    udp.set_read_timeout(Some(std::time::Duration::from_millis(300)))
        .expect("timeout");
    let udp_port = udp.local_addr().expect("address").port();

    let output = cpd_registry()
        .arg("sandbox-check")
        .args(["--read".as_ref(), key.as_os_str()])
        .args(["--read".as_ref(), db.as_os_str()])
        .args(["--read", "/etc/passwd"])
        .args(["--connect", &format!("127.0.0.1:{port}")])
        .args(["--connect-unix".as_ref(), socket_path.as_os_str()])
        .args(["--udp", &format!("127.0.0.1:{udp_port}")])
        .output()
        .expect("run");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(report.matches(": refused").count(), 6, "{report}");
    assert!(report.contains("seccomp filter: set"), "{report}");
    assert!(
        report.contains("Landlock: fully") || report.contains("Landlock: partly"),
        "{report}"
    );
    let mut buffer = [0u8; 64];
    assert!(udp.recv(&mut buffer).is_err(), "a datagram got out");
    if nix::unistd::geteuid().is_root() {
        assert!(report.contains("user: nobody"), "{report}");
        assert!(
            report.contains("network namespace of its own: yes"),
            "{report}"
        );
    }
}

/// The real inspection worker, caught while it waits for its file: no new privileges,
/// seccomp on, one thread, only its three pipes open, and as root another user and network.
#[test]
fn the_inspection_worker_runs_confined() {
    use std::io::Write;
    let mut worker = cpd_registry()
        .args(["inspect", "--max-bytes", "1000"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("worker");
    let pid = worker.id();
    let status_of = || std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    // Confinement happens before the first read of stdin; wait until it shows.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !status_of().contains("Seccomp:\t2") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = status_of();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("Seccomp"), "2", "{status}");
    assert_eq!(field("NoNewPrivs"), "1", "{status}");
    assert_eq!(field("Threads"), "1", "{status}");
    let mut fds: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("fds")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    fds.sort();
    assert_eq!(fds, ["0", "1", "2"], "only its pipes are open");
    if nix::unistd::geteuid().is_root() {
        assert!(
            field("Uid").split_whitespace().all(|u| u == "65534"),
            "{status}"
        );
        assert_eq!(field("Groups"), "", "{status}");
        let ours = std::fs::read_link("/proc/self/ns/net").expect("our net");
        let its = std::fs::read_link(format!("/proc/{pid}/ns/net")).expect("its net");
        assert_ne!(ours, its, "its own network namespace");
    }
    // And it still does its work.
    let mut stdin = worker.stdin.take().expect("stdin");
    stdin.write_all(b"%PDF-1.4 not really").expect("write");
    drop(stdin);
    let output = worker.wait_with_output().expect("verdict");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("refused"));
}
