//! The tables a backup holds, read from the database itself (so a new migration is backed
//! up without a change here), parents before children, and how each column's values are
//! carried: the two backends name their types differently but store the same values.

use crate::backend::db::{Backend, Db};
use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet};

/// How a column's values are read, written and carried in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Bool,
    Real,
    Blob,
}

impl Kind {
    /// From a declared type (SQLite's affinity rules, PostgreSQL's type names).
    fn of(declared: &str) -> Kind {
        let t = declared.to_ascii_lowercase();
        if t.contains("bool") {
            Kind::Bool
        } else if t.contains("int") {
            Kind::Int
        } else if t.contains("blob") || t.contains("bytea") {
            Kind::Blob
        } else if t.contains("real")
            || t.contains("floa")
            || t.contains("doub")
            || t.contains("numeric")
        {
            Kind::Real
        } else {
            Kind::Text
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<(String, Kind)>,
}

impl Table {
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Only our own plain names are ever put into SQL text.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every table but sqlx's own, parents (tables others reference) first.
pub async fn tables(db: &Db, conn: &mut sqlx::AnyConnection) -> anyhow::Result<Vec<Table>> {
    let (columns_sql, references_sql) = match db.backend {
        Backend::Sqlite => (
            "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
             ORDER BY m.name, p.cid",
            "SELECT m.name, f.\"table\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table'",
        ),
        Backend::Postgres => (
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
             ORDER BY table_name, ordinal_position",
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c \
             JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema()",
        ),
    };
    let rows: Vec<(String, String, String)> = sqlx::query_as(columns_sql)
        .fetch_all(&mut *conn)
        .await
        .context("reading the tables")?;
    let mut by_name: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for (table, column, declared) in rows {
        anyhow::ensure!(
            plain(&table) && plain(&column),
            "unexpected name {table}.{column}"
        );
        by_name
            .entry(table)
            .or_default()
            .push((column, Kind::of(&declared)));
    }
    let references: Vec<(String, String)> = sqlx::query_as(references_sql)
        .fetch_all(&mut *conn)
        .await
        .context("reading the foreign keys")?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (child, parent) in references {
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    // Kahn's order: a table comes once everything it references has come.
    let mut ordered = Vec::new();
    let mut placed = BTreeSet::new();
    while placed.len() < by_name.len() {
        let next: Vec<String> = by_name
            .keys()
            .filter(|t| !placed.contains(*t))
            .filter(|t| {
                parents.get(*t).is_none_or(|ps| {
                    ps.iter()
                        .all(|p| placed.contains(p) || !by_name.contains_key(p))
                })
            })
            .cloned()
            .collect();
        anyhow::ensure!(!next.is_empty(), "the foreign keys form a cycle");
        for name in next {
            placed.insert(name.clone());
            let columns = by_name.get(&name).cloned().unwrap_or_default();
            ordered.push(Table { name, columns });
        }
    }
    Ok(ordered)
}

/// The newest migration applied.
pub async fn version(conn: &mut sqlx::AnyConnection) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = TRUE",
    )
    .fetch_one(&mut *conn)
    .await
    .context("reading the schema version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_the_same_kinds_on_both_backends() {
        for (sqlite, postgres, kind) in [
            ("TEXT", "text", Kind::Text),
            ("INTEGER", "bigint", Kind::Int),
            ("BIGINT", "integer", Kind::Int),
            ("BOOLEAN", "boolean", Kind::Bool),
            ("BLOB", "bytea", Kind::Blob),
            ("REAL", "double precision", Kind::Real),
        ] {
            assert_eq!(Kind::of(sqlite), kind, "{sqlite}");
            assert_eq!(Kind::of(postgres), kind, "{postgres}");
        }
    }

    #[test]
    fn only_plain_names_reach_sql() {
        assert!(plain("audit_log"));
        for bad in ["", "a\"b", "Users", "x; DROP", "a b"] {
            assert!(!plain(bad), "{bad}");
        }
    }
}
