//! The audit log: one append-only chain of events per firm.
//!
//! Every change of data and every security event calls [`record`] on the same connection
//! (transaction) as the change itself, so either both are written or neither is.
//!
//! Rows are hash-chained: `row_hash = SHA-256(canonical bytes ‖ prev_hash)`. The canonical
//! bytes hold ids and codes only (no names, emails or IP addresses), so erasing a person's
//! personal data never breaks the chain. Appends to one chain are serialized by updating
//! its row in `audit_heads` first, which locks it (PostgreSQL) or takes the single writer
//! lock (SQLite) until the transaction ends; that also makes `seq` gapless.

pub mod checkpoint;
pub mod retention;
pub mod verify;

use crate::backend::db::now_micros;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::net::IpAddr;

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The application itself (start-up, migrations, background jobs).
    System,
    /// Someone not signed in (e.g. asking for a sign-in code).
    Anonymous,
    /// A signed-in person.
    User { user_id: String, firm_id: String },
}

impl Actor {
    fn kind(&self) -> &'static str {
        match self {
            Actor::System => "system",
            Actor::Anonymous => "anonymous",
            Actor::User { .. } => "user",
        }
    }

    fn user_id(&self) -> Option<&str> {
        match self {
            Actor::User { user_id, .. } => Some(user_id),
            _ => None,
        }
    }
}

/// Declares [`Action`] from one list, so every action has its stored code and is in
/// [`Action::ALL`] (which the audit log page's names are checked against).
macro_rules! actions {
    ($($variant:ident => $code:literal,)+) => {
        /// What was done. The string form is stored and must never change for an existing event.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($variant,)+
        }

        impl Action {
            /// Every action the application writes.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $code,)+
                }
            }

            /// The action stored as `code`, if the application writes it.
            pub fn from_code(code: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.as_str() == code)
            }
        }
    };
}

actions! {
    MigrationsApplied => "system.migrations_applied",
    BackupMade => "system.backup_made",
    BackupRestored => "system.backup_restored",
    RecordsSealed => "system.records_sealed",
    SignInCodeRequested => "auth.code_requested",
    SignInFailed => "auth.sign_in_failed",
    SignInLockedOut => "auth.locked_out",
    SignedIn => "auth.signed_in",
    SecondFactorRequired => "auth.second_factor_required",
    SecondFactorFailed => "auth.second_factor_failed",
    AccountCreated => "account.created",
    SignedOut => "auth.signed_out",
    SignedOutEverywhere => "auth.signed_out_everywhere",
    SessionRevoked => "auth.session_revoked",
    TotpEnrolmentStarted => "auth.totp_enrolment_started",
    TotpEnrolled => "auth.totp_enrolled",
    TotpRemoved => "auth.totp_removed",
    RecoveryCodeUsed => "auth.recovery_code_used",
    RecoveryCodesSaved => "auth.recovery_codes_saved",
    StepUpRequested => "auth.step_up_requested",
    StepUpFailed => "auth.step_up_failed",
    SteppedUp => "auth.stepped_up",
    ProfileUpdated => "account.profile_updated",
    EmailChangeRequested => "account.email_change_requested",
    EmailChanged => "account.email_changed",
    EntryCreated => "log.entry_created",
    EntryUpdated => "log.entry_updated",
    EntryDeleted => "log.entry_deleted",
    EntriesImported => "log.entries_imported",
    EntriesExported => "log.entries_exported",
    LeaveAdded => "log.leave_added",
    LeaveDeleted => "log.leave_deleted",
    ExemptionRecorded => "log.exemption_recorded",
    ExemptionRemoved => "log.exemption_removed",
    AccessDenied => "access.denied",
    AuditExported => "firm.audit_exported",
    MemberInvited => "firm.member_invited",
    InvitationRevoked => "firm.invitation_revoked",
    InvitationAccepted => "firm.invitation_accepted",
    RoleChanged => "firm.role_changed",
    MemberBlocked => "firm.member_blocked",
    MemberUnblocked => "firm.member_unblocked",
    MemberRemoved => "firm.member_removed",
    FirmSettingsChanged => "firm.settings_changed",
    MemberLogViewed => "firm.member_log_viewed",
    OverviewExported => "firm.overview_exported",
    CertificateUploaded => "certificate.uploaded",
    CertificateRefused => "certificate.refused",
    CertificateLinkIssued => "certificate.link_issued",
    CertificateDeleted => "certificate.deleted",
    OrphanObjectsRemoved => "storage.orphans_removed",
    ExpiredDataRemoved => "system.expired_data_removed",
    ReportRequested => "report.requested",
    ReportGenerated => "report.generated",
    ReportFailed => "report.failed",
    ReportLinkIssued => "report.link_issued",
    ReportDeleted => "report.deleted",
    DeletionUndone => "deletion.undone",
    DeletionFinal => "deletion.final",
    AccountDeletionRequested => "account.deletion_requested",
    AccountDeletionCancelled => "account.deletion_cancelled",
    AccountPurged => "account.purged",
    ExportRequested => "export.requested",
    ExportMade => "export.made",
    ExportLinkIssued => "export.link_issued",
    ProcessingRestricted => "account.processing_restricted",
    RestrictionLifted => "account.restriction_lifted",
    AccountCorrected => "account.corrected",
    FirmTerminationRequested => "firm.termination_requested",
    FirmTerminationCancelled => "firm.termination_cancelled",
    FirmPurged => "firm.purged",
    HistoryStaged => "history.staged",
    HistoryCancelled => "history.cancelled",
    HistoryConfirmed => "history.confirmed",
    HistoryImported => "history.imported",
    RetentionJobRan => "system.retention_job_ran",
    LegalHoldSet => "account.legal_hold_set",
    LegalHoldLifted => "account.legal_hold_lifted",
}

/// What it was done to: a kind and, where there is one, an id; and, for a few events, a
/// detail (codes and keyed hashes only, never a name or an address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: Option<String>,
    pub detail: Option<String>,
}

impl Target {
    pub fn new(kind: &'static str, id: impl Into<String>) -> Target {
        Target {
            kind,
            id: Some(id.into()),
            detail: None,
        }
    }

    pub fn kind(kind: &'static str) -> Target {
        Target {
            kind,
            id: None,
            detail: None,
        }
    }

    pub fn with_detail(self, detail: impl Into<String>) -> Target {
        Target {
            detail: Some(detail.into()),
            ..self
        }
    }
}

/// Where the event happened. `firm_id` picks the chain (firm-less events use the system
/// chain); `ip` is stored for investigation but kept out of the hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub firm_id: Option<String>,
    pub ip: Option<IpAddr>,
}

/// The chain that holds events without a firm.
pub const SYSTEM_CHAIN: &str = "system";

/// A written audit row's position in its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub chain: String,
    pub seq: i64,
    pub row_hash: String,
}

/// Appends one event. Call it on the transaction that makes the change.
#[tracing::instrument(skip(conn, ctx), fields(action = action.as_str()))]
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: Action,
    target: &Target,
    ctx: &Context,
) -> anyhow::Result<Recorded> {
    record_at(conn, actor, action, target, ctx, now_micros()).await
}

/// [`record`] at a given time. Only for bringing in history with its own dates (and for
/// tests of retention): rows of one chain must still come in time order.
pub async fn record_at(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: Action,
    target: &Target,
    ctx: &Context,
    at: i64,
) -> anyhow::Result<Recorded> {
    let chain = match actor {
        Actor::User { firm_id, .. } => firm_id.clone(),
        _ => ctx
            .firm_id
            .clone()
            .unwrap_or_else(|| SYSTEM_CHAIN.to_owned()),
    };
    sqlx::query("INSERT INTO audit_heads (chain, seq, head_hash) VALUES ($1, 0, '') ON CONFLICT (chain) DO NOTHING")
        .bind(&chain)
        .execute(&mut *conn)
        .await
        .context("creating the audit chain head")?;
    let (seq, prev_hash): (i64, String) = sqlx::query_as(
        "UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, head_hash",
    )
    .bind(&chain)
    .fetch_one(&mut *conn)
    .await
    .context("advancing the audit chain")?;
    let row = ChainedFields {
        chain: &chain,
        seq,
        at,
        actor_kind: actor.kind(),
        actor_id: actor.user_id(),
        action: action.as_str(),
        target_kind: target.kind,
        target_id: target.id.as_deref(),
        detail: target.detail.as_deref(),
    };
    let row_hash = row.hash(&prev_hash);
    // Authentication and authorization events also go to the `security` log target, so an
    // operator can route them apart. Ids only, like the chain.
    if action.as_str().starts_with("auth.") || action.as_str().starts_with("access.") {
        tracing::info!(
            target: "security",
            action = action.as_str(),
            actor = actor.user_id().unwrap_or(actor.kind()),
            chain = %chain,
            target_kind = target.kind,
            target_id = target.id.as_deref().unwrap_or(""),
            "security event"
        );
    }
    sqlx::query(
        "INSERT INTO audit_log (chain, seq, at_us, actor_kind, actor_id, ip, action, target_kind, target_id, prev_hash, row_hash, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&chain)
    .bind(seq)
    .bind(at)
    .bind(actor.kind())
    .bind(actor.user_id())
    .bind(ctx.ip.map(|ip| ip.to_string()))
    .bind(action.as_str())
    .bind(target.kind)
    .bind(target.id.as_deref())
    .bind(&prev_hash)
    .bind(&row_hash)
    .bind(target.detail.as_deref())
    .execute(&mut *conn)
    .await
    .context("writing the audit row")?;
    sqlx::query("UPDATE audit_heads SET head_hash = $1 WHERE chain = $2")
        .bind(&row_hash)
        .bind(&chain)
        .execute(&mut *conn)
        .await
        .context("moving the audit chain head")?;
    Ok(Recorded {
        chain,
        seq,
        row_hash,
    })
}

/// The fields that are hashed, in a fixed order.
#[derive(Debug)]
pub struct ChainedFields<'a> {
    pub chain: &'a str,
    pub seq: i64,
    pub at: i64,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: Option<&'a str>,
    /// Absent on most rows, and then not in the bytes at all (so rows written before the
    /// field existed hash as they did).
    pub detail: Option<&'a str>,
}

impl ChainedFields<'_> {
    /// Canonical bytes: a version tag, then each field length-prefixed (so no two different
    /// rows can serialize alike), integers big-endian, absent values as a 0xFF marker.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"cpd-audit-v1");
        let mut text = |value: Option<&str>| match value {
            Some(v) => {
                out.extend_from_slice(&u32::try_from(v.len()).unwrap_or(u32::MAX).to_be_bytes());
                out.extend_from_slice(v.as_bytes());
            }
            None => out.push(0xFF),
        };
        text(Some(self.chain));
        text(Some(&self.seq.to_string()));
        text(Some(&self.at.to_string()));
        text(Some(self.actor_kind));
        text(self.actor_id);
        text(Some(self.action));
        text(Some(self.target_kind));
        text(self.target_id);
        if let Some(detail) = self.detail {
            text(Some("detail"));
            text(Some(detail));
        }
        out
    }

    pub fn hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.canonical_bytes());
        hasher.update(prev_hash.as_bytes());
        hex::encode(hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(actor_id: Option<&'a str>, target_id: Option<&'a str>) -> ChainedFields<'a> {
        ChainedFields {
            chain: "system",
            seq: 1,
            at: 1_700_000_000_000_000,
            actor_kind: "user",
            actor_id,
            action: "x.y",
            target_kind: "entry",
            target_id,
            detail: None,
        }
    }

    #[test]
    fn a_detail_is_hashed_and_its_absence_keeps_the_old_bytes() {
        let plain = fields(None, Some("u1"));
        let bytes = plain.canonical_bytes();
        assert!(bytes.ends_with(b"u1"), "no detail, nothing appended");
        let detailed = ChainedFields {
            detail: Some("full_name 00:11"),
            ..fields(None, Some("u1"))
        };
        let other = ChainedFields {
            detail: Some("full_name 00:12"),
            ..fields(None, Some("u1"))
        };
        assert_ne!(plain.hash(""), detailed.hash(""));
        assert_ne!(detailed.hash(""), other.hash(""));
    }

    #[test]
    fn moving_a_value_between_fields_changes_the_hash() {
        let a = fields(Some("ab"), None).hash("");
        let b = fields(None, Some("ab")).hash("");
        assert_ne!(a, b);
    }

    #[test]
    fn the_hash_depends_on_the_previous_row() {
        assert_ne!(fields(None, None).hash(""), fields(None, None).hash("00"));
        assert_eq!(fields(None, None).hash("00").len(), 64);
    }
}
