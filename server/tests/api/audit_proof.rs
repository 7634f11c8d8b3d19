//! The audit log can be proven: the database refuses changes, `audit verify` names the
//! first bad row after any edit, removal or insertion made behind the triggers' back, and a
//! consistent rewrite of the whole table fails on the signed checkpoints.

use crate::helpers::{Backend, TEST_SECRET, TestApp};
use crate::on_both_backends;
use app::backend::audit::verify::{self, Problem, Row};
use app::backend::audit::{self, Action, Actor, Target, checkpoint, retention};

fn master() -> [u8; 32] {
    hex::decode(TEST_SECRET)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

async fn report(app: &TestApp) -> verify::Report {
    let key = checkpoint::signing_key(&master()).verifying_key();
    let mut conn = app.db().pool.acquire().await.expect("conn");
    verify::verify(&mut conn, &key, None, &checkpoint::FileContents::default())
        .await
        .expect("verify runs")
}

/// A signed-in person's firm chain with a few events in it; returns the chain id.
async fn busy_chain(app: &TestApp) -> String {
    let anna = app.signed_in_browser("anna@firm.se").await;
    for title in ["One", "Two", "Three"] {
        anna.form(
            "/api/log/create_entry",
            &[
                ("date", "2026-03-01"),
                ("title", title),
                ("provider", ""),
                ("hours", "1"),
                ("category", "teacher-led"),
                ("topic", ""),
                ("notes", ""),
            ],
        )
        .await;
    }
    sqlx::query_scalar(&format!(
        "SELECT firm_id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("firm")
}

/// What someone with database access would do to get past the triggers.
async fn disable_triggers(app: &TestApp, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER USER"],
    };
    for sql in statements {
        sqlx::query(sql)
            .execute(&app.db().pool)
            .await
            .expect("disable triggers");
    }
}

async fn the_database_refuses_to_change_or_remove_audit_rows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    checkpoint::write(app.db(), &checkpoint::signing_key(&master()), None)
        .await
        .expect("checkpoint");
    for sql in [
        "UPDATE audit_log SET action = 'x' WHERE chain = $1",
        "DELETE FROM audit_log WHERE chain = $1",
        "UPDATE audit_checkpoints SET seq = seq WHERE chain = $1",
        "DELETE FROM audit_checkpoints WHERE chain = $1",
    ] {
        let result = sqlx::query(sql).bind(&chain).execute(&app.db().pool).await;
        let error = result.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert!(report(&app).await.ok());
    app.stop().await;
}
on_both_backends!(the_database_refuses_to_change_or_remove_audit_rows);

async fn verify_names_an_edited_a_removed_and_an_inserted_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    let clean = report(&app).await;
    assert!(clean.ok(), "{:?}", clean.problem);
    assert!(clean.chains.iter().any(|c| c.chain == chain && c.rows >= 5));
    disable_triggers(&app, backend).await;

    // Edited: a row's action is changed.
    sqlx::query("UPDATE audit_log SET action = 'log.entry_deleted' WHERE chain = $1 AND seq = 3")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("edit");
    assert_eq!(
        report(&app).await.problem,
        Some(Problem::Edited {
            chain: chain.clone(),
            seq: 3
        })
    );
    sqlx::query("UPDATE audit_log SET action = 'log.entry_created' WHERE chain = $1 AND seq = 3")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("undo");
    let row3: String =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE chain = $1 AND seq = 3")
            .bind(&chain)
            .fetch_one(&app.db().pool)
            .await
            .expect("row");
    assert_eq!(row3, "log.entry_created");
    assert!(report(&app).await.ok(), "restored");

    // Inserted: a made-up row at the end.
    sqlx::query(
        "INSERT INTO audit_log (chain, seq, at_us, actor_kind, actor_id, ip, action, target_kind, target_id, prev_hash, row_hash) \
         SELECT chain, seq + 1, at_us, actor_kind, actor_id, ip, 'log.entry_deleted', target_kind, target_id, row_hash, 'forged' \
         FROM audit_log WHERE chain = $1 AND seq = (SELECT MAX(seq) FROM audit_log WHERE chain = $1)",
    )
    .bind(&chain)
    .execute(&app.db().pool)
    .await
    .expect("insert");
    let last: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE chain = $1")
        .bind(&chain)
        .fetch_one(&app.db().pool)
        .await
        .expect("max");
    assert_eq!(
        report(&app).await.problem,
        Some(Problem::Edited {
            chain: chain.clone(),
            seq: last
        })
    );
    sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq = $2")
        .bind(&chain)
        .bind(last)
        .execute(&app.db().pool)
        .await
        .expect("remove the forgery");

    // Removed: a row in the middle.
    sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq = 2")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("delete");
    assert_eq!(
        report(&app).await.problem,
        Some(Problem::Missing {
            chain: chain.clone(),
            seq: 2,
            found: 3
        })
    );
    app.stop().await;
}
on_both_backends!(verify_names_an_edited_a_removed_and_an_inserted_row);

async fn a_consistent_rewrite_fails_on_the_signed_checkpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    let key = checkpoint::signing_key(&master());
    let signed = checkpoint::write(app.db(), &key, None)
        .await
        .expect("checkpoint");
    assert!(signed.iter().any(|c| c.chain == chain));
    disable_triggers(&app, backend).await;

    // Rewrite row 3 and every row after it with fresh, consistent hashes, and move the head.
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT chain, seq, at_us, actor_kind, actor_id, action, target_kind, target_id, prev_hash, row_hash, detail \
         FROM audit_log WHERE chain = $1 ORDER BY seq",
    )
    .bind(&chain)
    .fetch_all(&app.db().pool)
    .await
    .expect("rows");
    let mut prev = rows[1].row_hash.clone();
    for row in rows.iter_mut().skip(2) {
        if row.seq == 3 {
            row.action = "log.entry_deleted".into();
        }
        row.prev_hash = prev.clone();
        row.row_hash = row.computed_hash();
        prev = row.row_hash.clone();
        sqlx::query("UPDATE audit_log SET action = $1, prev_hash = $2, row_hash = $3 WHERE chain = $4 AND seq = $5")
            .bind(&row.action)
            .bind(&row.prev_hash)
            .bind(&row.row_hash)
            .bind(&chain)
            .bind(row.seq)
            .execute(&app.db().pool)
            .await
            .expect("rewrite");
    }
    sqlx::query("UPDATE audit_heads SET head_hash = $1 WHERE chain = $2")
        .bind(&prev)
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("head");
    let problem = report(&app).await.problem.expect("the rewrite is found");
    assert_eq!(problem.chain(), chain);
    assert!(
        matches!(problem, Problem::CheckpointMismatch { .. }),
        "{problem}"
    );

    // Forging the checkpoint too needs the key: a wrong signature is named as such.
    match backend {
        Backend::Sqlite => {
            sqlx::query("DROP TRIGGER audit_checkpoints_no_update")
                .execute(&app.db().pool)
                .await
        }
        Backend::Postgres => {
            sqlx::query("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
                .execute(&app.db().pool)
                .await
        }
    }
    .expect("disable");
    sqlx::query("UPDATE audit_checkpoints SET head_hash = $1 WHERE chain = $2")
        .bind(&prev)
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("forge");
    assert!(matches!(
        report(&app).await.problem,
        Some(Problem::BadSignature { .. })
    ));
    app.stop().await;
}
on_both_backends!(a_consistent_rewrite_fails_on_the_signed_checkpoint);

const YEAR_US: i64 = 365 * 86_400 * 1_000_000;

/// `cpd-registry audit verify [ARGS]` against the test's database: (exit code, stdout).
fn cli_verify(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    cli(&app.database_url, app.dir.path(), &all)
}

/// `cpd-registry ARGS` against a database and data directory: (exit code, stdout).
fn cli(database_url: &str, dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cpd-registry"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", dir)
        .env("APP_SECRET", TEST_SECRET)
        .env("RUST_LOG", "error")
        .output()
        .expect("run audit verify");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn checkpoint_file(app: &TestApp) -> std::path::PathBuf {
    app.dir.path().join("audit-checkpoints.jsonl")
}

async fn report_with_file(app: &TestApp) -> verify::Report {
    let key = checkpoint::signing_key(&master()).verifying_key();
    let file = checkpoint::read_file(&checkpoint_file(app)).expect("checkpoint file");
    let mut conn = app.db().pool.acquire().await.expect("conn");
    verify::verify(&mut conn, &key, None, &file)
        .await
        .expect("verify runs")
}

async fn rows_past_retention_leave_through_a_signed_purge(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let recent = busy_chain(&app).await;
    let key = checkpoint::signing_key(&master());
    let file = checkpoint_file(&app);
    // A chain with history: rows from eight and nine years ago, then one from today.
    let now = app::backend::db::now_micros();
    let old = audit::Context {
        firm_id: Some("old-firm".into()),
        ip: None,
    };
    let mut tx = app.db().begin().await.expect("tx");
    for (i, years) in [9, 9, 8].iter().enumerate() {
        audit::record_at(
            &mut tx,
            &Actor::System,
            Action::MigrationsApplied,
            &Target::new("schema", i.to_string()),
            &old,
            now - years * YEAR_US + i64::try_from(i).expect("small") * 1000,
        )
        .await
        .expect("old row");
    }
    audit::record(
        &mut tx,
        &Actor::System,
        Action::MigrationsApplied,
        &Target::new("schema", "new"),
        &old,
    )
    .await
    .expect("new row");
    tx.commit().await.expect("commit");
    checkpoint::write(app.db(), &key, Some(&file))
        .await
        .expect("checkpoint");

    // Asked to keep nothing, the purge still keeps 12 months: the recent chain is untouched.
    let removed = retention::purge_expired(app.db(), &key, Some(&file), 0, now)
        .await
        .expect("purge");
    assert_eq!(removed, 3, "only the rows older than the retention");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE chain = $1")
        .bind(&recent)
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert!(left >= 5, "{left}");
    // The chains go on from their anchors and still verify, with and without the file.
    let anna = app.signed_in_browser("anna@firm.se").await;
    assert_eq!(anna.whoami().await["email"], "anna@firm.se");
    let after = report(&app).await;
    assert!(after.ok(), "{:?}", after.problem);
    let after = report_with_file(&app).await;
    assert!(after.ok(), "{:?}", after.problem);
    let (code, out) = cli_verify(&app, &["--checkpoints", &file.display().to_string()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 purge(s)"), "{out}");
    // Any other removal is still refused.
    let error = sqlx::query("DELETE FROM audit_log WHERE chain = $1")
        .bind(&recent)
        .execute(&app.db().pool)
        .await
        .expect_err("refused")
        .to_string();
    assert!(error.contains("append-only"), "{error}");
    app.stop().await;
}
on_both_backends!(rows_past_retention_leave_through_a_signed_purge);

async fn a_forged_purge_of_yesterdays_rows_is_refused_and_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    let key = checkpoint::signing_key(&master());
    checkpoint::write(app.db(), &key, Some(&checkpoint_file(&app)))
        .await
        .expect("checkpoint");
    let anchor: String =
        sqlx::query_scalar("SELECT row_hash FROM audit_log WHERE chain = $1 AND seq = 3")
            .bind(&chain)
            .fetch_one(&app.db().pool)
            .await
            .expect("row 3");
    let now = app::backend::db::now_micros();
    let forge = |after_seq: i64, before_us: i64| {
        sqlx::query(
            "INSERT INTO audit_purges (chain, after_seq, anchor_hash, before_us, at_us) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(chain.clone())
        .bind(after_seq)
        .bind(anchor.clone())
        .bind(before_us)
        .bind(now)
    };
    // A plain INSERT of a purge of recent rows is refused by the database…
    let error = forge(3, now)
        .execute(&app.db().pool)
        .await
        .expect_err("a purge of recent rows")
        .to_string();
    assert!(error.contains("12 months"), "{error}");
    // …and one that claims an old horizon unlocks nothing: the rows are too young to go.
    forge(3, now - 10 * YEAR_US)
        .execute(&app.db().pool)
        .await
        .expect("an old-looking purge row");
    let error = sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq <= 3")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect_err("recent rows stay")
        .to_string();
    assert!(error.contains("append-only"), "{error}");

    // Someone who gets past every trigger forges the purge and removes the rows: verify
    // names the purge it cannot prove, with and without the checkpoint file.
    disable_triggers(&app, backend).await;
    sqlx::query("DELETE FROM audit_log WHERE chain = $1 AND seq <= 3")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("delete behind the triggers");
    let expected = Problem::UnprovenPurge {
        chain: chain.clone(),
        after_seq: 3,
    };
    assert_eq!(report(&app).await.problem, Some(expected.clone()));
    assert_eq!(report_with_file(&app).await.problem, Some(expected));
    let (code, out) = cli_verify(&app, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "chain {chain}: the purge of rows up to 3 is not signed"
        )),
        "{out}"
    );
    app.stop().await;
}
on_both_backends!(a_forged_purge_of_yesterdays_rows_is_refused_and_named);

async fn a_chain_deleted_whole_is_found_by_the_checkpoint_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    let key = checkpoint::signing_key(&master());
    let file = checkpoint_file(&app);
    checkpoint::write(app.db(), &key, Some(&file))
        .await
        .expect("checkpoint");
    // Remove the chain, its head and its checkpoints from the database.
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER audit_checkpoints_no_delete",
        ],
        Backend::Postgres => &[
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER",
        ],
    };
    for sql in statements {
        sqlx::query(sql)
            .execute(&app.db().pool)
            .await
            .expect("disable");
    }
    for table in ["audit_log", "audit_checkpoints", "audit_heads"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE chain = $1"))
            .bind(&chain)
            .execute(&app.db().pool)
            .await
            .expect("delete the chain");
    }
    // The database alone (the chains checked without the file) cannot tell; the file can.
    assert!(report(&app).await.ok());
    let problem = report_with_file(&app).await.problem.expect("found");
    assert_eq!(problem.chain(), chain);
    assert!(matches!(problem, Problem::Truncated { .. }), "{problem}");
    let path = file.display().to_string();
    let (code, out) = cli_verify(&app, &["--checkpoints", &path]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("chain {chain}: a checkpoint signed row")),
        "{out}"
    );
    // An emptied file fails too: the database's other checkpoints are not in it.
    let kept = std::fs::read(&file).expect("file");
    checkpoint::write(app.db(), &key, None)
        .await
        .expect("a checkpoint only in the database");
    std::fs::write(&file, b"").expect("empty the file");
    let (code, out) = cli_verify(&app, &["--checkpoints", &path]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("is in the database but not in"), "{out}");
    std::fs::write(&file, kept).expect("restore");
    // Without the file there is no evidence: a named file that is missing fails the check.
    std::fs::remove_file(&file).expect("remove the file");
    let (code, out) = cli_verify(&app, &["--checkpoints", &path]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("cannot be read"), "{out}");
    // From the review: without `--checkpoints`, removing the default file and every
    // checkpoint from the database passed. The database still shows that checkpoints were
    // signed, so the file is asked for, by name.
    sqlx::query("DELETE FROM audit_checkpoints")
        .execute(&app.db().pool)
        .await
        .expect("delete every checkpoint");
    let (code, out) = cli_verify(&app, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("the checkpoint file {path} cannot be read")),
        "{out}"
    );
    assert!(out.contains("checkpoints were signed from"), "{out}");
    assert!(out.contains("result: NOT intact"), "{out}");
    app.stop().await;
}
on_both_backends!(a_chain_deleted_whole_is_found_by_the_checkpoint_file);

/// A fresh instance, with nothing old enough to have been signed, verifies without a
/// checkpoint file; once its audit log holds rows older than the checkpoint interval (which
/// a running server would have signed), a missing file fails the check, by name.
async fn audit_verify_wants_the_checkpoint_file_once_there_must_be_one(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::helpers::fresh_database(backend, dir.path()).await;
    let file = dir.path().join("audit-checkpoints.jsonl");
    let (code, out) = cli(&url, dir.path(), &["migrate"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = cli(&url, dir.path(), &["audit", "verify"]);
    assert_eq!(code, Some(0), "a fresh instance verifies: {out}");
    assert!(out.contains("result: intact"), "{out}");
    assert!(!file.exists());

    // An event from two hours ago (the interval is an hour), never signed.
    let db = crate::helpers::open_db(&url).await;
    let mut tx = db.begin().await.expect("tx");
    audit::record_at(
        &mut tx,
        &Actor::System,
        Action::MigrationsApplied,
        &Target::new("schema", "old"),
        &audit::Context {
            firm_id: Some("old-firm".into()),
            ip: None,
        },
        app::backend::db::now_micros() - 2 * 3600 * 1_000_000,
    )
    .await
    .expect("an old row");
    tx.commit().await.expect("commit");
    db.pool.close().await;
    let (code, out) = cli(&url, dir.path(), &["audit", "verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "the checkpoint file {} cannot be read",
            file.display()
        )),
        "{out}"
    );
    assert!(out.contains("older than the checkpoint interval"), "{out}");

    // Signing the chains writes the file, and the check passes again.
    let (code, out) = cli(&url, dir.path(), &["audit", "checkpoint"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(file.exists());
    let (code, out) = cli(&url, dir.path(), &["audit", "verify"]);
    assert_eq!(code, Some(0), "{out}");
    // Removed again, it is missed: the database holds the checkpoints.
    std::fs::remove_file(&file).expect("remove");
    let (code, out) = cli(&url, dir.path(), &["audit", "verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("signed checkpoint(s)"), "{out}");
}
on_both_backends!(audit_verify_wants_the_checkpoint_file_once_there_must_be_one);

async fn owners_see_their_firms_log_and_its_verification_members_do_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chain = busy_chain(&app).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let page: serde_json::Value = anna
        .form(
            "/api/firm/get_audit",
            &[("action", ""), ("from", ""), ("to", "")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["intact"], true, "{page}");
    let events = page["events"].as_array().expect("events");
    assert!(
        events.iter().any(|e| {
            e["action"] == "log.entry_created" && e["actor"]["email"] == "anna@firm.se"
        })
    );
    let filtered: serde_json::Value = anna
        .form(
            "/api/firm/get_audit",
            &[("action", "auth.signed_in"), ("from", ""), ("to", "")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(
        filtered["events"]
            .as_array()
            .expect("events")
            .iter()
            .all(|e| e["action"] == "auth.signed_in")
    );
    let html = anna.page("/firm/audit").await;
    assert!(html.contains("The log is intact."), "{html}");
    let csv = anna.get("/firm/audit.csv?action=log.entry_created").await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("csv");
    assert!(
        csv.starts_with("seq,time_utc,actor,action,target,ip\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4, "three entries: {csv}");
    // Another firm's owner sees only their own chain.
    let bo = app.signed_in_browser("bo@other.se").await;
    let theirs: serde_json::Value = bo
        .form(
            "/api/firm/get_audit",
            &[("action", ""), ("from", ""), ("to", "")],
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(!theirs.to_string().contains("anna@firm.se"));
    // A member is refused, and the refusal is audited.
    sqlx::query(&format!(
        "UPDATE users SET role = 'member' WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .execute(&app.db().pool)
    .await
    .expect("demote");
    let refused = anna
        .form(
            "/api/firm/get_audit",
            &[("action", ""), ("from", ""), ("to", "")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(anna.get("/firm/audit.csv").await.status(), 403);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "access.denied"));
    assert!(actions.iter().any(|a| a == "firm.audit_exported"));
    // Tampering shows on the page too.
    sqlx::query(&format!(
        "UPDATE users SET role = 'owner' WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .execute(&app.db().pool)
    .await
    .expect("promote");
    disable_triggers(&app, backend).await;
    sqlx::query("UPDATE audit_log SET target_id = 'x' WHERE chain = $1 AND seq = 2")
        .bind(&chain)
        .execute(&app.db().pool)
        .await
        .expect("tamper");
    let html = anna.page("/firm/audit").await;
    assert!(html.contains("row 2 does not match its hash"), "{html}");
    app.stop().await;
}
on_both_backends!(owners_see_their_firms_log_and_its_verification_members_do_not);
