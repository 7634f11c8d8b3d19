use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::audit::{self, Action, Actor, ChainedFields, SYSTEM_CHAIN, Target};

type Row = (
    String,
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
);

async fn chain(app: &TestApp, chain: &str) -> Vec<Row> {
    sqlx::query_as(
        "SELECT chain, seq, at_us, actor_kind, actor_id, action, target_kind, target_id, prev_hash, row_hash \
         FROM audit_log WHERE chain = $1 ORDER BY seq",
    )
    .bind(chain)
    .fetch_all(&app.db().pool)
    .await
    .expect("audit rows")
}

fn recompute(row: &Row) -> String {
    ChainedFields {
        chain: &row.0,
        seq: row.1,
        at: row.2,
        actor_kind: &row.3,
        actor_id: row.4.as_deref(),
        action: &row.5,
        target_kind: &row.6,
        target_id: row.7.as_deref(),
    }
    .hash(&row.8)
}

async fn start_up_migrations_are_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rows = chain(&app, SYSTEM_CHAIN).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, 1);
    assert_eq!(rows[0].5, "system.migrations_applied");
    assert_eq!(rows[0].8, "", "the first row has no predecessor");
    app.stop().await;
}
on_both_backends!(start_up_migrations_are_audited);

async fn audit_rows_share_the_fate_of_their_transaction(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let firm = uuid::Uuid::now_v7().to_string();
    let actor = Actor::User {
        user_id: uuid::Uuid::now_v7().to_string(),
        firm_id: firm.clone(),
    };
    let ctx = audit::Context {
        firm_id: Some(firm.clone()),
        ip: Some("192.0.2.7".parse().expect("ip")),
    };

    // Rolled back: neither the row nor the chain head survives.
    let mut tx = app.db().pool.begin().await.expect("begin");
    audit::record(
        &mut tx,
        &actor,
        Action::MigrationsApplied,
        &Target::kind("test"),
        &ctx,
    )
    .await
    .expect("record");
    tx.rollback().await.expect("rollback");
    assert!(chain(&app, &firm).await.is_empty());

    // Committed: gapless, and each row links to the one before.
    let mut tx = app.db().pool.begin().await.expect("begin");
    for n in 0..3 {
        audit::record(
            &mut tx,
            &actor,
            Action::MigrationsApplied,
            &Target::new("test", n.to_string()),
            &ctx,
        )
        .await
        .expect("record");
    }
    tx.commit().await.expect("commit");
    let rows = chain(&app, &firm).await;
    assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(rows[0].8, "");
    for pair in rows.windows(2) {
        assert_eq!(
            pair[1].8, pair[0].9,
            "prev_hash links to the previous row_hash"
        );
    }
    for row in &rows {
        assert_eq!(
            recompute(row),
            row.9,
            "row hash is reproducible from the stored fields"
        );
    }
    app.stop().await;
}
on_both_backends!(audit_rows_share_the_fate_of_their_transaction);

async fn concurrent_appends_keep_the_chain_gapless(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let firm = uuid::Uuid::now_v7().to_string();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let pool = app.db().pool.clone();
        let firm = firm.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor::User {
                user_id: "u".into(),
                firm_id: firm,
            };
            for _ in 0..5 {
                let mut tx = pool.begin().await.expect("begin");
                audit::record(
                    &mut tx,
                    &actor,
                    Action::MigrationsApplied,
                    &Target::kind("t"),
                    &audit::Context::default(),
                )
                .await
                .expect("record");
                tx.commit().await.expect("commit");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let rows = chain(&app, &firm).await;
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<i64>>()
    );
    for pair in rows.windows(2) {
        assert_eq!(pair[1].8, pair[0].9);
    }
    app.stop().await;
}
on_both_backends!(concurrent_appends_keep_the_chain_gapless);

async fn data_survives_a_restart_and_migrations_are_not_reapplied(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    app.restart().await;
    let rows = chain(&app, SYSTEM_CHAIN).await;
    assert_eq!(
        rows.len(),
        1,
        "a restart with nothing to migrate writes no audit row"
    );
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.stop().await;
}
on_both_backends!(data_survives_a_restart_and_migrations_are_not_reapplied);
