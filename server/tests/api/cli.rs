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
    use sqlx::Connection;
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
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("open");
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut conn)
        .await
        .expect("drop");
    sqlx::query("UPDATE audit_log SET target_id = '99' WHERE seq = 1")
        .execute(&mut conn)
        .await
        .expect("tamper");
    conn.close().await.expect("close");
    let tampered = run(&["audit", "verify"]);
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(
        out.contains("chain system: row 1 does not match its hash"),
        "{out}"
    );
    assert!(out.contains("result: NOT intact"), "{out}");
}

/// The workers' confinement, as `sandbox-check` applies it: the key file, the database and
/// a listening port that this test process reaches are all out of the worker's reach.
#[test]
fn a_confined_worker_reads_no_file_and_reaches_no_port() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("app_secret");
    let db = dir.path().join("cpd.db");
    for file in [&key, &db] {
        std::fs::write(file, "not for the worker").expect("write");
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        // Not vacuous: the same files are readable outside the sandbox.
        assert!(std::fs::read(file).is_ok());
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("address").port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());

    let output = cpd_registry()
        .arg("sandbox-check")
        .args(["--read".as_ref(), key.as_os_str()])
        .args(["--read".as_ref(), db.as_os_str()])
        .args(["--read", "/etc/passwd"])
        .args(["--connect", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(report.matches(": refused").count(), 4, "{report}");
    assert!(
        !report.contains("READ") && !report.contains("CONNECTED"),
        "{report}"
    );
    if nix::unistd::geteuid().is_root() {
        assert!(report.contains("user: nobody"), "{report}");
        assert!(
            report.contains("network namespace of its own: yes"),
            "{report}"
        );
    }
}
