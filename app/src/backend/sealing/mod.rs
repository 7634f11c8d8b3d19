//! Personal fields sealed one value at a time under their firm's data key.
//!
//! A name, an address, a birth date, a course title or a leave reason is stored as
//! `s1.` ‖ base64url(nonce ‖ AES-256-GCM ciphertext), with the firm, table, column and row
//! as associated data: a value copied to another row, column or firm does not open, and a
//! copy of the database (a dump, a backup's rows) holds none of them in clear. The firm's
//! key is the one its files are sealed with ([`crate::backend::storage::firm_key`]):
//! destroying it when the firm is purged makes every copy unreadable.
//!
//! Equality lookups that cannot know the firm (signing in by address) use a blind index:
//! an HMAC of the address under a key derived from the master key, never the address.
//!
//! Empty strings stay empty (they say nothing); NULL stays NULL.

pub mod state;

use crate::backend::crypto::{Key, Purpose};
use crate::backend::storage::firm_key;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a sealed value starts with (the format's version).
const PREFIX: &str = "s1.";

/// The label of the subkey rows are sealed under (files use the firm key otherwise).
const RECORDS: &[u8] = b"records";

/// Every sealed column, by table. The labels are part of each value's associated data and
/// must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    UserEmail,
    UserName,
    UserAdmissionDate,
    UserBirthDate,
    EntryTitle,
    EntryProvider,
    EntryNotes,
    LeaveReason,
    DeletionLabel,
    ImportContent,
    InvitationEmail,
    OutboxTo,
    OutboxSubject,
    OutboxText,
    OutboxHtml,
    ChallengeEmail,
    SessionIp,
    SessionAgent,
    CertificateName,
    HistorySummary,
}

impl Field {
    pub const ALL: [Field; 20] = [
        Field::UserEmail,
        Field::UserName,
        Field::UserAdmissionDate,
        Field::UserBirthDate,
        Field::EntryTitle,
        Field::EntryProvider,
        Field::EntryNotes,
        Field::LeaveReason,
        Field::DeletionLabel,
        Field::ImportContent,
        Field::InvitationEmail,
        Field::OutboxTo,
        Field::OutboxSubject,
        Field::OutboxText,
        Field::OutboxHtml,
        Field::ChallengeEmail,
        Field::SessionIp,
        Field::SessionAgent,
        Field::CertificateName,
        Field::HistorySummary,
    ];

    /// The table a value belongs to. A deleted entry or leave kept for undo
    /// (`entries_deleted`, `leaves_deleted`) keeps the value of its live row as it was.
    pub fn table(self) -> &'static str {
        match self {
            Field::UserEmail
            | Field::UserName
            | Field::UserAdmissionDate
            | Field::UserBirthDate => "users",
            Field::EntryTitle | Field::EntryProvider | Field::EntryNotes => "entries",
            Field::LeaveReason => "leaves",
            Field::DeletionLabel => "deletions",
            Field::ImportContent => "pending_imports",
            Field::InvitationEmail => "invitations",
            Field::OutboxTo | Field::OutboxSubject | Field::OutboxText | Field::OutboxHtml => {
                "outbox"
            }
            Field::ChallengeEmail => "otp_challenges",
            Field::SessionIp | Field::SessionAgent => "sessions",
            Field::CertificateName => "certificates",
            Field::HistorySummary => "history_imports",
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            Field::UserEmail => "email",
            Field::UserName => "full_name",
            Field::UserAdmissionDate => "admission_date",
            Field::UserBirthDate => "birth_date",
            Field::EntryTitle => "title",
            Field::EntryProvider => "provider",
            Field::EntryNotes => "notes",
            Field::LeaveReason => "reason",
            Field::DeletionLabel => "label",
            Field::ImportContent => "content",
            Field::InvitationEmail | Field::ChallengeEmail => "email",
            Field::OutboxTo => "to_addr",
            Field::OutboxSubject => "subject",
            Field::OutboxText => "text_body",
            Field::OutboxHtml => "html_body",
            Field::SessionIp => "ip",
            Field::SessionAgent => "user_agent",
            Field::CertificateName => "file_name",
            Field::HistorySummary => "summary",
        }
    }
}

/// How names are listed once opened (the database cannot sort what it cannot read):
/// case-insensitively, then exactly, the same on both backends.
pub fn name_order(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_owned())
}

/// Whether a stored value has the sealed form (it may still fail to open).
pub fn looks_sealed(stored: &str) -> bool {
    stored.is_empty() || stored.starts_with(PREFIX)
}

/// One firm's cipher for its rows.
pub struct FirmSeal {
    firm_id: String,
    cipher: Aes256Gcm,
}

impl FirmSeal {
    /// Each part length-prefixed, so no two places share associated data.
    fn aad(&self, field: Field, row: &str) -> Vec<u8> {
        let mut aad = b"cpd-registry/record/v1".to_vec();
        for part in [&self.firm_id, field.table(), field.column(), row] {
            aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
            aad.extend_from_slice(part.as_bytes());
        }
        aad
    }

    /// `value` sealed for `field` of row `row`.
    pub fn seal(&self, field: Field, row: &str, value: &str) -> String {
        if value.is_empty() {
            return String::new();
        }
        let nonce: [u8; 12] = rand::random();
        let aad = self.aad(field, row);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: value.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn seal_opt(&self, field: Field, row: &str, value: Option<&str>) -> Option<String> {
        value.map(|v| self.seal(field, row, v))
    }

    /// The clear value of a stored one. A value in clear, or one sealed for another firm,
    /// row or column, is an error naming where it was (never the value).
    pub fn open(&self, field: Field, row: &str, stored: &str) -> anyhow::Result<String> {
        if stored.is_empty() {
            return Ok(String::new());
        }
        self.try_open(field, row, stored).with_context(|| {
            format!(
                "{}.{} of {row} is not sealed for its row (run `cpd-registry seal`, or the \
                 value was altered)",
                field.table(),
                field.column()
            )
        })
    }

    pub fn open_opt(
        &self,
        field: Field,
        row: &str,
        stored: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        stored.map(|s| self.open(field, row, s)).transpose()
    }

    /// `Some` only for a value sealed under this key for this place.
    pub fn try_open(&self, field: Field, row: &str, stored: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(stored.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let aad = self.aad(field, row);
        let clear = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()?;
        String::from_utf8(clear).ok()
    }
}

/// The keys rows are sealed with: each firm's (unwrapped once, then kept in memory) and
/// the blind index's.
pub struct Records {
    master: Key,
    email_index: Key,
    /// For rows of no firm (mail, sign-in challenges, sessions): short-lived, and sealed
    /// under a key derived from the master key.
    system: Arc<FirmSeal>,
    firms: Mutex<HashMap<String, Arc<FirmSeal>>>,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Records(<keys>)")
    }
}

/// Firms whose keys are kept unwrapped at once; past it the cache starts again.
const CACHED_FIRMS: usize = 10_000;

impl Records {
    pub fn new(master: &[u8; 32]) -> Records {
        Records {
            master: Key::from_bytes(*master),
            email_index: Key::derive(master, Purpose::EmailIndex),
            system: Arc::new(FirmSeal {
                firm_id: String::new(),
                cipher: crate::backend::storage::data_key::DataKey::from_bytes(
                    Key::derive(master, Purpose::SystemRecords).secret_bytes(),
                )
                .cipher(RECORDS),
            }),
            firms: Mutex::new(HashMap::new()),
        }
    }

    /// The cipher for `firm_id`'s rows; the firm's key is made if it has none yet.
    pub async fn firm(
        &self,
        conn: &mut sqlx::AnyConnection,
        firm_id: &str,
    ) -> anyhow::Result<Arc<FirmSeal>> {
        if let Some(seal) = self.existing(conn, firm_id).await? {
            return Ok(seal);
        }
        // Made now, on a transaction that may yet roll back: not kept in memory until it is
        // read back (a key kept from a rolled-back transaction would seal values no stored
        // key opens). A firm gets its key when it is made, so this is rare.
        let key = firm_key::get_or_create(conn, self.master.bytes(), firm_id).await?;
        Ok(Arc::new(FirmSeal {
            firm_id: firm_id.to_owned(),
            cipher: key.cipher(RECORDS),
        }))
    }

    /// The cipher for `firm_id`'s rows if the firm has a key; never makes one (a firm whose
    /// key was destroyed stays without).
    pub async fn existing(
        &self,
        conn: &mut sqlx::AnyConnection,
        firm_id: &str,
    ) -> anyhow::Result<Option<Arc<FirmSeal>>> {
        if let Some(seal) = self.cached(firm_id) {
            return Ok(Some(seal));
        }
        let Some(key) = firm_key::get(conn, self.master.bytes(), firm_id).await? else {
            return Ok(None);
        };
        let seal = Arc::new(FirmSeal {
            firm_id: firm_id.to_owned(),
            cipher: key.cipher(RECORDS),
        });
        let mut firms = self.firms.lock().unwrap_or_else(|e| e.into_inner());
        if firms.len() >= CACHED_FIRMS {
            firms.clear();
        }
        firms.insert(firm_id.to_owned(), seal.clone());
        Ok(Some(seal))
    }

    /// [`Records::firm`], taking a connection from `pool` only when the key is not in memory.
    pub async fn firm_in(
        &self,
        pool: &sqlx::AnyPool,
        firm_id: &str,
    ) -> anyhow::Result<Arc<FirmSeal>> {
        if let Some(seal) = self.cached(firm_id) {
            return Ok(seal);
        }
        let mut conn = pool.acquire().await.context("opening a connection")?;
        self.firm(&mut conn, firm_id).await
    }

    fn cached(&self, firm_id: &str) -> Option<Arc<FirmSeal>> {
        self.firms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(firm_id)
            .cloned()
    }

    /// The cipher for rows of no firm: queued mail, sign-in challenges, sessions.
    pub fn system(&self) -> &FirmSeal {
        &self.system
    }

    /// Drops a firm's key from memory (its key was destroyed).
    pub fn forget(&self, firm_id: &str) {
        self.firms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(firm_id);
    }

    /// The blind index of a (normalised) address: what `users.email_index` holds.
    pub fn email_index(&self, email: &str) -> String {
        self.email_index.mac(&[b"email", email.as_bytes()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(firm: &str) -> FirmSeal {
        FirmSeal {
            firm_id: firm.to_owned(),
            cipher: crate::backend::storage::data_key::DataKey::from_bytes([9u8; 32])
                .cipher(RECORDS),
        }
    }

    #[test]
    fn a_value_opens_only_where_it_was_sealed() {
        let a = seal("firm-a");
        let stored = a.seal(Field::UserName, "u1", "Anna Andersson");
        assert!(stored.starts_with(PREFIX));
        assert!(!stored.contains("Anna"));
        assert_eq!(
            a.open(Field::UserName, "u1", &stored).expect("opens"),
            "Anna Andersson"
        );
        // Another row, column, table or firm: refused.
        assert!(a.try_open(Field::UserName, "u2", &stored).is_none());
        assert!(a.try_open(Field::UserEmail, "u1", &stored).is_none());
        assert!(a.try_open(Field::EntryTitle, "u1", &stored).is_none());
        assert!(
            seal("firm-b")
                .try_open(Field::UserName, "u1", &stored)
                .is_none()
        );
        // A value in clear, or altered, is an error that does not echo the value.
        let error = a.open(Field::UserName, "u1", "Anna").expect_err("in clear");
        assert!(!format!("{error:#}").contains("Anna"));
        let mut altered = stored.clone();
        altered.pop();
        altered.push(if stored.ends_with('A') { 'B' } else { 'A' });
        assert!(a.open(Field::UserName, "u1", &altered).is_err());
        // Two seals of one value differ (a random nonce): equal values are not visible.
        assert_ne!(stored, a.seal(Field::UserName, "u1", "Anna Andersson"));
        assert_eq!(a.seal(Field::UserName, "u1", ""), "");
        assert_eq!(a.open(Field::UserName, "u1", "").expect("empty"), "");
    }

    #[test]
    fn the_blind_index_is_keyed() {
        let one = Records::new(&[1u8; 32]);
        let two = Records::new(&[2u8; 32]);
        assert_eq!(one.email_index("a@b.se"), one.email_index("a@b.se"));
        assert_ne!(one.email_index("a@b.se"), one.email_index("c@b.se"));
        assert_ne!(one.email_index("a@b.se"), two.email_index("a@b.se"));
        assert!(!one.email_index("a@b.se").contains("a@b"));
    }
}
