//! Proving the audit log: every chain is walked from its start (or its retention anchor) to
//! its head; each row must follow the one before (gapless `seq`, `prev_hash`), hash to its
//! own `row_hash`, and agree with every signed checkpoint. A consistent rewrite of the
//! whole table still fails: the checkpoints' signatures need the key, which the database
//! never holds. The first problem found is named.

use super::ChainedFields;
use super::checkpoint::{self, Checkpoint, FileContents, Purge};
use super::retention::MIN_RETENTION_DAYS;
use ed25519_dalek::VerifyingKey;
use futures_util::TryStreamExt;
use std::fmt;

/// One row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Row {
    pub chain: String,
    pub seq: i64,
    pub at_us: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    pub prev_hash: String,
    pub row_hash: String,
    pub detail: Option<String>,
}

impl Row {
    pub fn computed_hash(&self) -> String {
        ChainedFields {
            chain: &self.chain,
            seq: self.seq,
            at: self.at_us,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id.as_deref(),
            action: &self.action,
            target_kind: &self.target_kind,
            target_id: self.target_id.as_deref(),
            detail: self.detail.as_deref(),
        }
        .hash(&self.prev_hash)
    }
}

/// Where a chain starts after old rows were removed under the retention rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The last removed row; the chain continues with `after_seq + 1`.
    pub after_seq: i64,
    /// That row's hash: the next row's `prev_hash`.
    pub hash: String,
}

/// What is wrong, at the first place it is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing {
        chain: String,
        seq: i64,
        found: i64,
    },
    Edited {
        chain: String,
        seq: i64,
    },
    Broken {
        chain: String,
        seq: i64,
    },
    BadSignature {
        chain: String,
        seq: i64,
    },
    CheckpointMismatch {
        chain: String,
        seq: i64,
    },
    Truncated {
        chain: String,
        seq: i64,
        last: i64,
    },
    Head {
        chain: String,
        head: i64,
        last: i64,
    },
    /// A purge whose signature does not hold: rows were removed by someone without the key.
    UnprovenPurge {
        chain: String,
        after_seq: i64,
    },
    /// A signed purge of rows younger than the minimum retention.
    PurgeTooRecent {
        chain: String,
        after_seq: i64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing { chain, seq, found } => write!(
                f,
                "chain {chain}: row {seq} is missing (the next row found is {found})"
            ),
            Problem::Edited { chain, seq } => write!(
                f,
                "chain {chain}: row {seq} does not match its hash (changed after it was written)"
            ),
            Problem::Broken { chain, seq } => write!(
                f,
                "chain {chain}: row {seq} does not follow row {} (its prev_hash differs)",
                seq - 1
            ),
            Problem::BadSignature { chain, seq } => write!(
                f,
                "chain {chain}: the checkpoint at row {seq} has an invalid signature"
            ),
            Problem::CheckpointMismatch { chain, seq } => write!(
                f,
                "chain {chain}: row {seq} differs from the signed checkpoint (the log was rewritten)"
            ),
            Problem::Truncated { chain, seq, last } => write!(
                f,
                "chain {chain}: a checkpoint signed row {seq} but the chain ends at row {last} (rows were removed)"
            ),
            Problem::Head { chain, head, last } => write!(
                f,
                "chain {chain}: the chain head is at row {head} but the last row is {last}"
            ),
            Problem::UnprovenPurge { chain, after_seq } => write!(
                f,
                "chain {chain}: the purge of rows up to {after_seq} is not signed by our key (a forged purge: the rows were removed without authority)"
            ),
            Problem::PurgeTooRecent { chain, after_seq } => write!(
                f,
                "chain {chain}: the purge of rows up to {after_seq} removed rows younger than the minimum retention"
            ),
        }
    }
}

impl Problem {
    pub fn chain(&self) -> &str {
        match self {
            Problem::Missing { chain, .. }
            | Problem::Edited { chain, .. }
            | Problem::Broken { chain, .. }
            | Problem::BadSignature { chain, .. }
            | Problem::CheckpointMismatch { chain, .. }
            | Problem::Truncated { chain, .. }
            | Problem::Head { chain, .. }
            | Problem::UnprovenPurge { chain, .. }
            | Problem::PurgeTooRecent { chain, .. } => chain,
        }
    }
}

/// A verified chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: String,
    pub rows: u64,
    pub last_seq: i64,
    pub checkpoints: usize,
}

/// Walks one chain. `rows` must come in `seq` order; `checkpoints` are that chain's.
pub struct ChainWalk {
    chain: String,
    expected_seq: i64,
    prev_hash: String,
    rows: u64,
    checkpoints: Vec<Checkpoint>,
}

impl ChainWalk {
    pub fn new(
        chain: &str,
        anchor: Option<Anchor>,
        mut checkpoints: Vec<Checkpoint>,
        key: &VerifyingKey,
    ) -> Result<ChainWalk, Problem> {
        for c in &checkpoints {
            if !c.signature_ok(key) {
                return Err(Problem::BadSignature {
                    chain: chain.to_owned(),
                    seq: c.seq,
                });
            }
        }
        checkpoints.sort_by_key(|c| c.seq);
        // A checkpoint that signed the anchor row itself must agree with the anchor.
        if let Some(a) = &anchor
            && let Some(c) = checkpoints.iter().find(|c| c.seq == a.after_seq)
            && c.head_hash != a.hash
        {
            return Err(Problem::CheckpointMismatch {
                chain: chain.to_owned(),
                seq: c.seq,
            });
        }
        let (expected_seq, prev_hash) = match anchor {
            Some(a) => (a.after_seq + 1, a.hash),
            None => (1, String::new()),
        };
        // Checkpoints older than the anchor cover rows removed under a proven purge.
        checkpoints.retain(|c| c.seq >= expected_seq);
        Ok(ChainWalk {
            chain: chain.to_owned(),
            expected_seq,
            prev_hash,
            rows: 0,
            checkpoints,
        })
    }

    pub fn push(&mut self, row: &Row) -> Result<(), Problem> {
        let chain = || self.chain.clone();
        if row.seq != self.expected_seq {
            return Err(Problem::Missing {
                chain: chain(),
                seq: self.expected_seq,
                found: row.seq,
            });
        }
        if row.prev_hash != self.prev_hash {
            return Err(Problem::Broken {
                chain: chain(),
                seq: row.seq,
            });
        }
        if row.computed_hash() != row.row_hash {
            return Err(Problem::Edited {
                chain: chain(),
                seq: row.seq,
            });
        }
        if let Some(c) = self.checkpoints.iter().find(|c| c.seq == row.seq)
            && c.head_hash != row.row_hash
        {
            return Err(Problem::CheckpointMismatch {
                chain: chain(),
                seq: row.seq,
            });
        }
        self.prev_hash = row.row_hash.clone();
        self.expected_seq += 1;
        self.rows += 1;
        Ok(())
    }

    /// Ends the walk: every checkpoint must lie within the chain, and the head row must
    /// be the last one.
    pub fn finish(self, head: Option<(i64, String)>) -> Result<ChainReport, Problem> {
        let last = self.expected_seq - 1;
        if let Some(c) = self.checkpoints.iter().find(|c| c.seq > last) {
            return Err(Problem::Truncated {
                chain: self.chain,
                seq: c.seq,
                last,
            });
        }
        if let Some((head_seq, head_hash)) = head
            && (head_seq != last || (last > 0 && head_hash != self.prev_hash))
        {
            return Err(Problem::Head {
                chain: self.chain,
                head: head_seq,
                last,
            });
        }
        Ok(ChainReport {
            chain: self.chain,
            rows: self.rows,
            last_seq: last,
            checkpoints: self.checkpoints.len(),
        })
    }
}

/// The result of verifying some chains: the good ones, and the first problem if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub chains: Vec<ChainReport>,
    pub problem: Option<Problem>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// The anchor of a chain from its purges (database and file): the newest one, once every
/// purge is proven (signed by our key, and only of rows past the minimum retention).
pub fn anchor_from(
    chain: &str,
    purges: &[Purge],
    key: &VerifyingKey,
) -> Result<Option<Anchor>, Problem> {
    let min_age = i64::from(MIN_RETENTION_DAYS) * 86_400 * 1_000_000;
    for p in purges {
        if !p.signature_ok(key) || p.chain != chain {
            return Err(Problem::UnprovenPurge {
                chain: chain.to_owned(),
                after_seq: p.after_seq,
            });
        }
        if p.before_us > p.at_us - min_age {
            return Err(Problem::PurgeTooRecent {
                chain: chain.to_owned(),
                after_seq: p.after_seq,
            });
        }
    }
    Ok(purges.iter().max_by_key(|p| p.after_seq).map(|p| Anchor {
        after_seq: p.after_seq,
        hash: p.anchor_hash.clone(),
    }))
}

/// Verifies `chains` (every chain when `None`) in the database, streaming rows. `file` is
/// what the checkpoint file outside the database holds: its chains must all be in the
/// database, and its checkpoints and purges are checked like the database's own.
pub async fn verify(
    conn: &mut sqlx::AnyConnection,
    key: &VerifyingKey,
    only: Option<&str>,
    file: &FileContents,
) -> anyhow::Result<Report> {
    let mut chains: Vec<String> = sqlx::query_scalar(
        "SELECT chain FROM audit_heads UNION SELECT DISTINCT chain FROM audit_log ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    // A chain the file knows but the database lacks was removed whole: walking it (with no
    // rows) fails on its checkpoints.
    for known in file
        .checkpoints
        .iter()
        .map(|c| &c.chain)
        .chain(file.purges.iter().map(|p| &p.chain))
    {
        if !chains.contains(known) {
            chains.push(known.clone());
        }
    }
    chains.sort();
    if let Some(one) = only {
        chains.retain(|c| c == one);
    }
    let mut report = Report {
        chains: Vec::new(),
        problem: None,
    };
    for chain in chains {
        let mut checkpoints = checkpoint::load(conn, &chain).await?;
        checkpoints.extend(
            file.checkpoints
                .iter()
                .filter(|c| c.chain == chain)
                .cloned(),
        );
        let mut purges = checkpoint::load_purges(conn, &chain).await?;
        for p in file.purges.iter().filter(|p| p.chain == chain) {
            if !purges.contains(p) {
                purges.push(p.clone());
            }
        }
        let anchor = match anchor_from(&chain, &purges, key) {
            Ok(a) => a,
            Err(p) => {
                report.problem = Some(p);
                return Ok(report);
            }
        };
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, head_hash FROM audit_heads WHERE chain = $1")
                .bind(&chain)
                .fetch_optional(&mut *conn)
                .await?;
        let mut walk = match ChainWalk::new(&chain, anchor, checkpoints, key) {
            Ok(w) => w,
            Err(p) => {
                report.problem = Some(p);
                return Ok(report);
            }
        };
        let mut rows = sqlx::query_as::<_, Row>(
            "SELECT chain, seq, at_us, actor_kind, actor_id, action, target_kind, target_id, prev_hash, row_hash, detail \
             FROM audit_log WHERE chain = $1 ORDER BY seq",
        )
        .bind(&chain)
        .fetch(&mut *conn);
        let mut failed = None;
        while let Some(row) = rows.try_next().await? {
            if let Err(p) = walk.push(&row) {
                failed = Some(p);
                break;
            }
        }
        drop(rows);
        match failed.map_or_else(|| walk.finish(head), Err) {
            Ok(chain_report) => report.chains.push(chain_report),
            Err(p) => {
                report.problem = Some(p);
                return Ok(report);
            }
        }
    }
    Ok(report)
}
