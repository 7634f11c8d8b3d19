//! Signed checkpoints: now and then the head of each audit chain (its last `seq` and row
//! hash) is signed with an ed25519 key derived from the master key, stored in the database
//! and appended to a file outside it. Whoever rewrites the whole log, hashes and all, cannot
//! sign the new heads.

use crate::backend::crypto::{Key, Purpose};
use crate::backend::db::{Db, now_micros};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Checkpoint {
    pub chain: String,
    pub seq: i64,
    pub head_hash: String,
    pub at_us: i64,
    /// ed25519 signature over [`message`], hex.
    pub signature: String,
}

/// The signed bytes: a version tag, then each field length-prefixed.
pub fn message(chain: &str, seq: i64, head_hash: &str, at_us: i64) -> Vec<u8> {
    let mut out = b"cpd-audit-checkpoint-v1".to_vec();
    for part in [
        chain.as_bytes(),
        &seq.to_be_bytes(),
        head_hash.as_bytes(),
        &at_us.to_be_bytes(),
    ] {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

impl Checkpoint {
    pub fn signature_ok(&self, key: &VerifyingKey) -> bool {
        let Ok(bytes) = hex::decode(&self.signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        key.verify(
            &message(&self.chain, self.seq, &self.head_hash, self.at_us),
            &signature,
        )
        .is_ok()
    }
}

/// The checkpoint key, derived from the master key (never stored).
pub fn signing_key(master: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&Key::derive(master, Purpose::AuditCheckpoint).secret_bytes())
}

/// The public key, hex: what an auditor checks signatures against.
pub fn public_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

pub async fn load(conn: &mut sqlx::AnyConnection, chain: &str) -> anyhow::Result<Vec<Checkpoint>> {
    Ok(sqlx::query_as(
        "SELECT chain, seq, head_hash, at_us, signature FROM audit_checkpoints WHERE chain = $1 ORDER BY seq",
    )
    .bind(chain)
    .fetch_all(&mut *conn)
    .await?)
}

/// Signs the head of every chain that moved since its last checkpoint; appends each new
/// checkpoint to `file` (JSON lines) as well, and notes (once) in `audit_checkpointing`
/// that checkpoints exist. Returns what was signed.
pub async fn write(
    db: &Db,
    key: &SigningKey,
    file: Option<&Path>,
) -> anyhow::Result<Vec<Checkpoint>> {
    let mut tx = db.begin().await?;
    let heads: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT h.chain, h.seq, h.head_hash FROM audit_heads h \
         WHERE h.seq > COALESCE((SELECT MAX(c.seq) FROM audit_checkpoints c WHERE c.chain = h.chain), 0) \
         ORDER BY h.chain",
    )
    .fetch_all(&mut *tx)
    .await?;
    let at_us = now_micros();
    let mut written = Vec::with_capacity(heads.len());
    for (chain, seq, head_hash) in heads {
        let signature = hex::encode(
            key.sign(&message(&chain, seq, &head_hash, at_us))
                .to_bytes(),
        );
        sqlx::query(
            "INSERT INTO audit_checkpoints (chain, seq, head_hash, at_us, signature) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&chain)
        .bind(seq)
        .bind(&head_hash)
        .bind(at_us)
        .bind(&signature)
        .execute(&mut *tx)
        .await?;
        written.push(Checkpoint {
            chain,
            seq,
            head_hash,
            at_us,
            signature,
        });
    }
    if !written.is_empty() {
        // Once and for good: from now on there must be a checkpoint file (see `audit verify`).
        sqlx::query(
            "INSERT INTO audit_checkpointing (id, since_us) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(at_us)
        .execute(&mut *tx)
        .await?;
    }
    if let (Some(path), false) = (file, written.is_empty()) {
        let mut lines = String::new();
        for c in &written {
            lines.push_str(&serde_json::to_string(c)?);
            lines.push('\n');
        }
        append_lines(path, lines).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// A recorded retention purge: rows up to `after_seq` of `chain` were removed, and the chain
/// goes on from `anchor_hash`. Signed with the checkpoint key, so a purge row written by
/// anyone without the key proves nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Purge {
    pub chain: String,
    pub after_seq: i64,
    pub anchor_hash: String,
    /// Every removed row was written before this time.
    pub before_us: i64,
    pub at_us: i64,
    pub signature: String,
}

/// The signed bytes of a purge: its own version tag, so a checkpoint's signature can never
/// be passed off as a purge's.
pub fn purge_message(
    chain: &str,
    after_seq: i64,
    anchor_hash: &str,
    before_us: i64,
    at_us: i64,
) -> Vec<u8> {
    let mut out = b"cpd-audit-purge-v1".to_vec();
    for part in [
        chain.as_bytes(),
        &after_seq.to_be_bytes(),
        anchor_hash.as_bytes(),
        &before_us.to_be_bytes(),
        &at_us.to_be_bytes(),
    ] {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

impl Purge {
    pub fn signed(
        key: &SigningKey,
        chain: &str,
        after_seq: i64,
        anchor_hash: &str,
        before_us: i64,
        at_us: i64,
    ) -> Purge {
        let signature = hex::encode(
            key.sign(&purge_message(
                chain,
                after_seq,
                anchor_hash,
                before_us,
                at_us,
            ))
            .to_bytes(),
        );
        Purge {
            chain: chain.to_owned(),
            after_seq,
            anchor_hash: anchor_hash.to_owned(),
            before_us,
            at_us,
            signature,
        }
    }

    pub fn signature_ok(&self, key: &VerifyingKey) -> bool {
        let Ok(bytes) = hex::decode(&self.signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        key.verify(
            &purge_message(
                &self.chain,
                self.after_seq,
                &self.anchor_hash,
                self.before_us,
                self.at_us,
            ),
            &signature,
        )
        .is_ok()
    }
}

pub async fn load_purges(
    conn: &mut sqlx::AnyConnection,
    chain: &str,
) -> anyhow::Result<Vec<Purge>> {
    Ok(sqlx::query_as(
        "SELECT chain, after_seq, anchor_hash, before_us, at_us, signature FROM audit_purges WHERE chain = $1 ORDER BY after_seq",
    )
    .bind(chain)
    .fetch_all(&mut *conn)
    .await?)
}

/// One line of the checkpoint file: a signed chain head, or a signed purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FileRecord {
    Purge {
        /// Always `"purge"`: tells the line apart at a glance.
        kind: String,
        #[serde(flatten)]
        purge: Purge,
    },
    Checkpoint(Checkpoint),
}

/// What the file outside the database holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileContents {
    pub checkpoints: Vec<Checkpoint>,
    pub purges: Vec<Purge>,
}

/// Appends lines to the checkpoint file and syncs it (off the async runtime).
pub async fn append_lines(path: &Path, lines: String) -> anyhow::Result<()> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        f.write_all(lines.as_bytes())?;
        f.sync_all()
    })
    .await??;
    Ok(())
}

/// The records in a file written by [`write`] and the retention purge. A file that does not
/// exist is an error: whoever names the file expects it to be there (deleting it must not
/// make a check pass).
pub fn read_file(path: &Path) -> anyhow::Result<FileContents> {
    let text = std::fs::read_to_string(path)?;
    let mut contents = FileContents::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str(line)? {
            FileRecord::Purge { purge, .. } => contents.purges.push(purge),
            FileRecord::Checkpoint(c) => contents.checkpoints.push(c),
        }
    }
    Ok(contents)
}
