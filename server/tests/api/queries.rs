//! The log pages cost a fixed number of queries whatever the size of the log: counted
//! from sqlx's own statement events while the page data is loaded. sqlx runs SQLite
//! statements on its own worker thread, outside the test's subscriber, so the count runs on
//! PostgreSQL; the SQL is the same on both, and both must use the index.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::instrument::WithSubscriber;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Counts sqlx's per-statement events.
struct CountQueries(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

async fn queries_to_load(app: &TestApp, email: &str) -> usize {
    let mut conn = app.db().pool.acquire().await.expect("connection");
    let user = app::backend::auth::users::by_email(&mut conn, &app.db().records, email)
        .await
        .expect("query")
        .expect("user");
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(CountQueries(count.clone()));
    let data = app::backend::training::load(&mut conn, &app.db().records, &user)
        .with_subscriber(subscriber)
        .await
        .expect("load");
    assert!(!data.entries.is_empty());
    count.load(Ordering::SeqCst)
}

async fn add_entries(app: &TestApp, email: &str, n: usize) {
    let (user_id, firm_id): (String, String) =
        sqlx::query_as("SELECT id, firm_id FROM users WHERE email_index = $1")
            .bind(crate::helpers::email_index(email))
            .fetch_one(&app.db().pool)
            .await
            .expect("user");
    let seal = app
        .db()
        .records
        .firm_in(&app.db().pool, &firm_id)
        .await
        .expect("firm key");
    for i in 0..n {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO entries (id, user_id, firm_id, entry_date, title, provider, quarters, category, verifiable, topic, notes, created_at_us, updated_at_us) \
             VALUES ($1, $2, $3, $4, $5, '', 4, 'teacher-led', 1, NULL, '', 0, 0)",
        )
        .bind(&id)
        .bind(&user_id)
        .bind(&firm_id)
        .bind(format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1))
        .bind(seal.seal(app::backend::sealing::Field::EntryTitle, &id, "Course"))
        .execute(&app.db().pool)
        .await
        .expect("insert");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_costs_the_same_queries_for_5_or_500_entries() {
    if !crate::helpers::postgres_given(
        "queries::the_log_costs_the_same_queries_for_5_or_500_entries",
    ) {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    app.signed_in_browser("small@firm.se").await;
    app.signed_in_browser("large@firm.se").await;
    add_entries(&app, "small@firm.se", 5).await;
    add_entries(&app, "large@firm.se", 500).await;
    let small = queries_to_load(&app, "small@firm.se").await;
    let large = queries_to_load(&app, "large@firm.se").await;
    assert!(small > 0, "sqlx statement events are counted");
    assert_eq!(small, large, "queries must not grow with the log");
    assert!(large <= 3, "{large} queries");
    app.stop().await;
}

async fn the_log_is_read_through_its_index(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sql = "SELECT id FROM entries WHERE user_id = 'x' ORDER BY entry_date, title, id";
    let plan: Vec<String> = match backend {
        Backend::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&app.db().pool)
                    .await
                    .expect("plan");
            rows.into_iter().map(|r| r.3).collect()
        }
        Backend::Postgres => {
            let mut conn = app.db().pool.acquire().await.expect("conn");
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .expect("set");
            sqlx::query_scalar(&format!("EXPLAIN {sql}"))
                .fetch_all(&mut *conn)
                .await
                .expect("plan")
        }
    };
    let plan = plan.join("\n");
    assert!(plan.contains("entries_user_date"), "{plan}");
    app.stop().await;
}
on_both_backends!(the_log_is_read_through_its_index);
