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
    /// SQL for the row's firm; `None` for rows of no firm (under the system key).
    firm: Option<&'static str>,
    fields: &'static [Field],
    /// The blind-index column kept beside a sealed address, and which field it indexes.
    index: Option<(&'static str, Field)>,
}

const BY_USER: &str = "(SELECT u.firm_id FROM users u WHERE u.id = t.user_id)";

const TABLES: &[Table] = &[
    Table {
        name: "users",
        keys: &["id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[
            Field::UserEmail,
            Field::UserName,
            Field::UserAdmissionDate,
            Field::UserBirthDate,
        ],
        index: Some(("email_index", Field::UserEmail)),
    },
    Table {
        name: "entries",
        keys: &["id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::EntryTitle, Field::EntryProvider, Field::EntryNotes],
        index: None,
    },
    Table {
        name: "entries_deleted",
        keys: &["batch", "id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::EntryTitle, Field::EntryProvider, Field::EntryNotes],
        index: None,
    },
    Table {
        name: "leaves",
        keys: &["id"],
        row: "id",
        firm: Some(BY_USER),
        fields: &[Field::LeaveReason],
        index: None,
    },
    Table {
        name: "leaves_deleted",
        keys: &["batch", "id"],
        row: "id",
        firm: Some(BY_USER),
        fields: &[Field::LeaveReason],
        index: None,
    },
    Table {
        name: "deletions",
        keys: &["batch"],
        row: "batch",
        firm: Some(BY_USER),
        fields: &[Field::DeletionLabel],
        index: None,
    },
    Table {
        name: "pending_imports",
        keys: &["id"],
        row: "id",
        firm: Some(BY_USER),
        fields: &[Field::ImportContent],
        index: None,
    },
    Table {
        name: "certificates",
        keys: &["id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::CertificateName],
        index: None,
    },
    Table {
        name: "certificates_deleted",
        keys: &["batch", "id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::CertificateName],
        index: None,
    },
    Table {
        name: "history_imports",
        keys: &["id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::HistorySummary],
        index: None,
    },
    Table {
        name: "invitations",
        keys: &["id"],
        row: "id",
        firm: Some("t.firm_id"),
        fields: &[Field::InvitationEmail],
        index: Some(("email_index", Field::InvitationEmail)),
    },
    Table {
        name: "outbox",
        keys: &["id"],
        row: "id",
        firm: None,
        fields: &[
            Field::OutboxTo,
            Field::OutboxSubject,
            Field::OutboxText,
            Field::OutboxHtml,
        ],
        index: Some(("to_index", Field::OutboxTo)),
    },
    Table {
        name: "otp_challenges",
        keys: &["id"],
        row: "id",
        firm: None,
        fields: &[Field::ChallengeEmail],
        index: Some(("email_index", Field::ChallengeEmail)),
    },
    Table {
        name: "sessions",
        keys: &["id_hash"],
        row: "id_hash",
        firm: None,
        fields: &[Field::SessionIp, Field::SessionAgent],
        index: None,
    },
];

const BATCH: i64 = 500;

/// What a run of [`seal_all`] did.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: u64,
    pub sealed_values: u64,
    /// Rows of no firm (of a person already purged): nothing can read them; removed.
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
    // Rate limits and lockouts named addresses in clear (`email:ADDRESS`); they now name
    // the blind index. The old ones are short-lived counters: dropped, not converted.
    for (table, column) in [
        ("rate_events", "bucket"),
        ("rate_buckets", "bucket"),
        ("lockouts", "subject"),
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE {column} LIKE '%@%'"))
            .execute(&db.pool)
            .await
            .with_context(|| format!("dropping {table} that name an address"))?;
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
            // Rows of no firm: a constant the reader below tells apart from a missing firm.
            firm = table.firm.unwrap_or("'-'"),
            name = table.name,
            filter = if first {
                String::new()
            } else {
                format!("WHERE {after}")
            },
        )
    };
    let indexed = usize::from(table.index.is_some());
    let sets = table
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} = ${}", f.column(), i + 1))
        .chain(
            table
                .index
                .map(|(column, _)| format!("{column} = ${}", table.fields.len() + 1)),
        )
        .collect::<Vec<_>>()
        .join(", ");
    let first_key = table.fields.len() + 1 + indexed;
    let wheres = table
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ${}", first_key + i))
        .collect::<Vec<_>>()
        .join(" AND ");
    let update = format!("UPDATE {} SET {sets} WHERE {wheres}", table.name);
    let delete = format!(
        "DELETE FROM {} WHERE {}",
        table.name,
        table
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(" AND ")
    );
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
            let seal = match (table.firm, firm) {
                (None, _) => None,
                (Some(_), None) => {
                    // Of a person already purged (an undo copy left behind): nothing can
                    // read it, and nothing may stay in clear, so it goes.
                    let mut query = sqlx::query(&delete);
                    for k in &key {
                        query = query.bind(k.clone());
                    }
                    query.execute(&mut *tx).await?;
                    total.orphans += 1;
                    last = Some(key);
                    continue;
                }
                (Some(_), Some(firm)) => Some(match seals.get(&firm) {
                    Some(seal) => seal.clone(),
                    None => {
                        let seal = db.records.firm(&mut tx, &firm).await?;
                        seals.insert(firm.clone(), seal.clone());
                        seal
                    }
                }),
            };
            let seal: &FirmSeal = seal.as_deref().unwrap_or(db.records.system());
            let mut values: Vec<Option<String>> = Vec::with_capacity(table.fields.len());
            let mut changed = false;
            let mut indexed_value = None;
            for (i, field) in table.fields.iter().enumerate() {
                let stored: Option<String> = row.try_get(table.keys.len() + 1 + i)?;
                let (clear, value) = match stored {
                    None => (None, None),
                    Some(s) => match seal.try_open(*field, &row_name, &s) {
                        Some(clear) => (Some(clear), Some(s)),
                        None if s.is_empty() => (Some(s.clone()), Some(s)),
                        None => {
                            changed = true;
                            total.sealed_values += 1;
                            let sealed = seal.seal(*field, &row_name, &s);
                            (Some(s), Some(sealed))
                        }
                    },
                };
                if table.index.is_some_and(|(_, f)| f == *field) {
                    indexed_value = clear;
                }
                values.push(value);
            }
            // The index is always written: a run stopped after the values were sealed
            // finishes it here. An address already let go (empty) has none.
            changed |= table.index.is_some();
            if changed {
                let mut query = sqlx::query(&update);
                for value in values {
                    query = query.bind(value);
                }
                if table.index.is_some() {
                    query = query.bind(
                        indexed_value
                            .filter(|v| !v.is_empty())
                            .map(|v| db.records.email_index(&v)),
                    );
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
