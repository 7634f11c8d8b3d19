//! Whether a database's personal fields are sealed, and `cpd-registry seal`: the resumable
//! command that seals a database written by an earlier version in place.
//!
//! `record_sealing` holds one state: `plain` (a database from before sealing, with rows),
//! `sealing` (the command began) or `sealed`. The server starts only on `sealed`: on a
//! half-sealed database some values would be in clear and some not.
//!
//! The command works table by table in batches of rows, each batch its own transaction, in
//! key order. A value that already opens for its row is left as it is, so a run stopped
//! anywhere (a crash, Ctrl-C) is finished by running it again.

use super::{Field, FirmSeal};
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::backup::progress::Progress;
use crate::backend::db::{Db, now_micros};
use anyhow::Context as _;
use sqlx::Row as _;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Plain,
    Sealing,
    Sealed,
}

pub async fn current(db: &Db) -> anyhow::Result<State> {
    let state: String = sqlx::query_scalar("SELECT state FROM record_sealing WHERE id = 1")
        .fetch_one(&db.pool)
        .await
        .context("reading whether the records are sealed")?;
    match state.as_str() {
        "plain" => Ok(State::Plain),
        "sealing" => Ok(State::Sealing),
        "sealed" => Ok(State::Sealed),
        other => anyhow::bail!("record_sealing has an unknown state {other:?}"),
    }
}

/// Refuses a database whose personal fields are not all sealed, saying what to run.
pub async fn require_sealed(db: &Db) -> anyhow::Result<()> {
    match current(db).await? {
        State::Sealed => Ok(()),
        State::Plain => anyhow::bail!(
            "this database was written by an earlier version and its personal fields are not \
             sealed yet: run `cpd-registry seal` once (it can be stopped and run again), then \
             start the server"
        ),
        State::Sealing => anyhow::bail!(
            "sealing this database's personal fields was begun and not finished: run \
             `cpd-registry seal` again to finish it, then start the server"
        ),
    }
}

/// One table's sealed columns and where each row's firm comes from.
struct Table {
    name: &'static str,
    /// The key columns, in order (batches follow them).
    keys: &'static [&'static str],
    /// The column naming the row in each value's associated data.
    row: &'static str,
    /// SQL for the row's firm.
    firm: &'static str,
    fields: &'static [Field],
}

const BY_USER: &str = "(SELECT u.firm_id FROM users u WHERE u.id = t.user_id)";

const TABLES: &[Table] = &[
    Table {
        name: "users",
        keys: &["id"],
        row: "id",
        firm: "t.firm_id",
        fields: &[
            Field::UserEmail,
            Field::UserName,
            Field::UserAdmissionDate,
            Field::UserBirthDate,
        ],
    },
    Table {
        name: "entries",
        keys: &["id"],
        row: "id",
        firm: "t.firm_id",
        fields: &[Field::EntryTitle, Field::EntryProvider, Field::EntryNotes],
    },
    Table {
        name: "entries_deleted",
        keys: &["batch", "id"],
        row: "id",
        firm: "t.firm_id",
        fields: &[Field::EntryTitle, Field::EntryProvider, Field::EntryNotes],
    },
    Table {
        name: "leaves",
        keys: &["id"],
        row: "id",
        firm: BY_USER,
        fields: &[Field::LeaveReason],
    },
    Table {
        name: "leaves_deleted",
        keys: &["batch", "id"],
        row: "id",
        firm: BY_USER,
        fields: &[Field::LeaveReason],
    },
    Table {
        name: "deletions",
        keys: &["batch"],
        row: "batch",
        firm: BY_USER,
        fields: &[Field::DeletionLabel],
    },
    Table {
        name: "pending_imports",
        keys: &["id"],
        row: "id",
        firm: BY_USER,
        fields: &[Field::ImportContent],
    },
];

const BATCH: i64 = 500;

/// What a run of [`seal_all`] did.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub sealed_values: u64,
    /// Rows of no firm (a person already purged): they cannot be read and are left.
    pub orphans: u64,
}

/// Seals every personal field not sealed yet, then marks the database sealed.
pub async fn seal_all(db: &Db, progress: &mut Progress) -> anyhow::Result<Summary> {
    if current(db).await? == State::Sealed {
        return Ok(Summary::default());
    }
    sqlx::query(
        "UPDATE record_sealing SET state = 'sealing', changed_at_us = $1 \
         WHERE id = 1 AND state = 'plain'",
    )
    .bind(now_micros())
    .execute(&db.pool)
    .await
    .context("marking the sealing begun")?;
    let mut total = Summary::default();
    let mut rows_total = 0u64;
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name))
            .fetch_one(&db.pool)
            .await?;
        rows_total += u64::try_from(n).unwrap_or(0);
    }
    progress.totals(rows_total, 0);
    let mut seals: HashMap<String, Arc<FirmSeal>> = HashMap::new();
    for table in TABLES {
        seal_table(db, table, &mut seals, &mut total, progress).await?;
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE record_sealing SET state = 'sealed', changed_at_us = $1 WHERE id = 1")
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &Actor::System,
        Action::RecordsSealed,
        &Target::new("database", "records").with_detail(format!(
            "{} rows, {} values sealed",
            total.rows, total.sealed_values
        )),
        &audit::Context::default(),
    )
    .await?;
    tx.commit().await?;
    progress.finish(0);
    Ok(total)
}

async fn seal_table(
    db: &Db,
    table: &Table,
    seals: &mut HashMap<String, Arc<FirmSeal>>,
    total: &mut Summary,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let keys = table.keys.join(", ");
    let columns = table
        .fields
        .iter()
        .map(|f| f.column())
        .collect::<Vec<_>>()
        .join(", ");
    let after = if table.keys.len() == 1 {
        format!("{keys} > $1")
    } else {
        format!("({keys}) > ($1, $2)")
    };
    let select = |first: bool| {
        format!(
            "SELECT {keys}, {firm} AS firm_of_row, {columns} FROM {name} t {filter} \
             ORDER BY {keys} LIMIT {BATCH}",
            firm = table.firm,
            name = table.name,
            filter = if first {
                String::new()
            } else {
                format!("WHERE {after}")
            },
        )
    };
    let sets = table
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} = ${}", f.column(), i + 1))
        .chain(
            (table.name == "users").then(|| format!("email_index = ${}", table.fields.len() + 1)),
        )
        .collect::<Vec<_>>()
        .join(", ");
    let first_key = table.fields.len() + 1 + usize::from(table.name == "users");
    let wheres = table
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ${}", first_key + i))
        .collect::<Vec<_>>()
        .join(" AND ");
    let update = format!("UPDATE {} SET {sets} WHERE {wheres}", table.name);
    let mut last: Option<Vec<String>> = None;
    loop {
        let mut tx = db.begin().await?;
        let select = select(last.is_none());
        let mut query = sqlx::query(&select);
        for key in last.iter().flatten() {
            query = query.bind(key.clone());
        }
        let rows = query
            .fetch_all(&mut *tx)
            .await
            .with_context(|| format!("reading {}", table.name))?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(());
        }
        let n = rows.len();
        for row in &rows {
            let key: Vec<String> = (0..table.keys.len())
                .map(|i| row.try_get::<String, _>(i))
                .collect::<Result<_, _>>()?;
            let row_name: String = row.try_get(table.row)?;
            let firm: Option<String> = row.try_get("firm_of_row")?;
            total.rows += 1;
            let Some(firm) = firm else {
                total.orphans += 1;
                last = Some(key);
                continue;
            };
            let seal = match seals.get(&firm) {
                Some(seal) => seal.clone(),
                None => {
                    let seal = db.records.firm(&mut tx, &firm).await?;
                    seals.insert(firm.clone(), seal.clone());
                    seal
                }
            };
            let mut values: Vec<Option<String>> = Vec::with_capacity(table.fields.len());
            let mut changed = false;
            let mut email = None;
            for (i, field) in table.fields.iter().enumerate() {
                let stored: Option<String> = row.try_get(table.keys.len() + 1 + i)?;
                let value = match stored {
                    None => None,
                    Some(s) => match seal.try_open(*field, &row_name, &s) {
                        Some(clear) => {
                            if *field == Field::UserEmail {
                                email = Some(clear);
                            }
                            Some(s)
                        }
                        None if s.is_empty() => Some(s),
                        None => {
                            changed = true;
                            total.sealed_values += 1;
                            if *field == Field::UserEmail {
                                email = Some(s.clone());
                            }
                            Some(seal.seal(*field, &row_name, &s))
                        }
                    },
                };
                values.push(value);
            }
            if table.name == "users" {
                // The index is always written: a run stopped after the values were sealed
                // finishes it here.
                changed = true;
            }
            if changed {
                let mut query = sqlx::query(&update);
                for value in values {
                    query = query.bind(value);
                }
                if table.name == "users" {
                    query = query.bind(email.as_deref().map(|e| db.records.email_index(e)));
                }
                for k in &key {
                    query = query.bind(k.clone());
                }
                query
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("sealing a row of {}", table.name))?;
            }
            last = Some(key);
        }
        tx.commit().await?;
        progress.rows_done(u64::try_from(n).unwrap_or(0), 0);
    }
}
