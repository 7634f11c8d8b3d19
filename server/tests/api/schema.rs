//! The two migration folders must produce the same schema.

use crate::helpers::{Backend, fresh_database};
use app::backend::db::Db;
use std::collections::BTreeMap;

type Schema = BTreeMap<String, Vec<String>>;

async fn sqlite_schema(db: &Db) -> Schema {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
         ORDER BY m.name, p.name",
    )
    .fetch_all(&db.pool)
    .await
    .expect("sqlite schema");
    group(rows)
}

async fn postgres_schema(db: &Db) -> Schema {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
    .expect("postgres schema");
    group(rows)
}

fn group(rows: Vec<(String, String)>) -> Schema {
    let mut schema = Schema::new();
    for (table, column) in rows {
        schema.entry(table).or_default().push(column);
    }
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns() {
    if !crate::helpers::postgres_given(
        "schema::sqlite_and_postgres_migrations_define_the_same_tables_and_columns",
    ) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = crate::helpers::open_db(&fresh_database(Backend::Sqlite, dir.path()).await).await;
    let postgres =
        crate::helpers::open_db(&fresh_database(Backend::Postgres, dir.path()).await).await;
    sqlite.migrate().await.expect("migrate sqlite");
    postgres.migrate().await.expect("migrate postgres");

    let (s, p) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    assert!(s.contains_key("audit_log"), "{s:?}");
    assert_eq!(s, p);
}
