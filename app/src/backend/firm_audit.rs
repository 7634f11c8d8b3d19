//! The firm's own audit log for its owners and admins: the verification of the firm's
//! chain, and its events with filters — on screen a page at a time, as CSV all of them.
//!
//! Pages are found by `seq` (keyset: "the 50 just older than #1234"), never by offset, so
//! a page costs the same deep in a long log; `audit_log`'s key `(chain, seq)` and the
//! index `(chain, action, seq)` serve them. People appear as the firm may see them: its
//! own people by name and address, anyone else without either.

use crate::AppError;
use crate::backend::audit::{Action, Target, checkpoint, verify};
use crate::backend::auth::viewer::Viewer;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::model::{AuditEvent, AuditFilter, AuditPage, AuditParty, AuditSubject};
use domain::Date;

/// Events on one screen, newest first.
pub const PAGE_SIZE: i64 = 50;

/// Events read at a time while the CSV streams.
const EXPORT_CHUNK: i64 = 500;

/// What an event can be done to whose stored id means nothing to a reader: the page names
/// the kind only.
const OPAQUE_KINDS: &[&str] = &[
    "entry",
    "certificate",
    "leave",
    "report",
    "firm",
    "firm_audit",
    "import",
    "history_import",
    "session",
    "challenge",
    "invitation",
    "deletion",
    "cleanup",
];

/// Kinds whose stored value is shown with the name (a year, a count).
const DETAILED_KINDS: &[&str] = &["log", "exemption", "objects", "schema"];

/// Every kind of [`AuditSubject::Thing`] the page may be given (each needs a name).
pub fn subject_kinds() -> impl Iterator<Item = &'static str> {
    OPAQUE_KINDS
        .iter()
        .chain(DETAILED_KINDS)
        .copied()
        .chain(["log_all"])
}

/// Owners and admins may see their firm's audit log (see [`crate::backend::authz`]).
pub async fn authorize(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: crate::i18n::Lang,
) -> Result<(), AppError> {
    crate::backend::firm::gate(
        state,
        viewer,
        meta,
        lang,
        crate::backend::authz::Act::ViewFirm,
    )
    .await
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) from microseconds since 1970.
pub fn timestamp(at_us: i64) -> String {
    let secs = at_us.div_euclid(1_000_000);
    let date = Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{date} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn day_start_us(text: &str) -> Option<i64> {
    Date::parse(text)
        .ok()
        .map(|d| d.to_unix_days() * 86_400 * 1_000_000)
}

/// Where a page of events starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// The newest events.
    Newest,
    /// The events just older than this `seq`.
    Before(i64),
    /// The events just newer than this `seq`.
    After(i64),
}

impl Cursor {
    /// From the page's query: `before` wins over `after`; neither is the newest page.
    pub fn from_query(before: Option<i64>, after: Option<i64>) -> Cursor {
        match (before, after) {
            (Some(seq), _) => Cursor::Before(seq),
            (None, Some(seq)) => Cursor::After(seq),
            (None, None) => Cursor::Newest,
        }
    }
}

/// The firm's events that match a filter.
#[derive(Debug, Clone)]
struct Matching {
    chain: String,
    from: i64,
    to: i64,
    /// Only when one is chosen, so the `(chain, action, seq)` index can serve it.
    action: Option<String>,
}

impl Matching {
    fn new(firm_id: &str, filter: &AuditFilter) -> Matching {
        let action = filter.action.trim();
        Matching {
            chain: firm_id.to_owned(),
            from: day_start_us(&filter.from).unwrap_or(i64::MIN),
            to: day_start_us(&filter.to).map_or(i64::MAX, |d| d + 86_400 * 1_000_000),
            action: (!action.is_empty()).then(|| action.to_owned()),
        }
    }

    /// The condition on `audit_log l`, and the number of the next free parameter.
    fn clause(&self) -> (&'static str, usize) {
        match self.action {
            Some(_) => (
                "l.chain = $1 AND l.at_us >= $2 AND l.at_us < $3 AND l.action = $4",
                5,
            ),
            None => ("l.chain = $1 AND l.at_us >= $2 AND l.at_us < $3", 4),
        }
    }
}

/// Binds a [`Matching`]'s parameters, in the order of its clause, to any sqlx query.
macro_rules! bind_matching {
    ($query:expr, $m:expr) => {{
        let q = $query.bind(&$m.chain).bind($m.from).bind($m.to);
        match &$m.action {
            Some(action) => q.bind(action),
            None => q,
        }
    }};
}

/// One stored event with the people it names, as far as the firm may see them.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    seq: i64,
    at_us: i64,
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: Option<String>,
    actor_email: Option<String>,
    actor_gone: Option<i64>,
    action: String,
    target_kind: String,
    target_id: Option<String>,
    subject_id: Option<String>,
    subject_name: Option<String>,
    subject_email: Option<String>,
    subject_gone: Option<i64>,
    invitation_id: Option<String>,
    invited: Option<String>,
    ip: Option<String>,
}

/// People are joined only within the firm (`firm_id = chain`): someone who has moved to
/// another firm keeps no name here. A one-time code names the person it was for.
const SELECT: &str = "SELECT l.seq, l.at_us, l.actor_kind, \
     a.id AS actor_id, a.full_name AS actor_name, a.email AS actor_email, a.deleted_at_us AS actor_gone, \
     l.action, l.target_kind, l.target_id, \
     t.id AS subject_id, t.full_name AS subject_name, t.email AS subject_email, t.deleted_at_us AS subject_gone, \
     i.id AS invitation_id, i.email AS invited, l.ip \
     FROM audit_log l \
     LEFT JOIN users a ON a.id = l.actor_id AND a.firm_id = l.chain \
     LEFT JOIN otp_challenges c ON l.target_kind = 'challenge' AND c.id = l.target_id \
     LEFT JOIN users t ON t.firm_id = l.chain AND t.id = CASE l.target_kind \
         WHEN 'user' THEN l.target_id WHEN 'challenge' THEN c.user_id END \
     LEFT JOIN invitations i ON l.target_kind = 'invitation' AND i.id = l.target_id AND i.firm_id = l.chain";

/// Up to `limit` matching events from `cursor`, newest first.
async fn fetch(
    state: &AppState,
    matching: &Matching,
    cursor: Cursor,
    limit: i64,
) -> Result<Vec<Row>, AppError> {
    let (clause, n) = matching.clause();
    let (bound, order, seq) = match cursor {
        Cursor::Newest => (String::new(), "DESC", None),
        Cursor::Before(seq) => (format!(" AND l.seq < ${n}"), "DESC", Some(seq)),
        Cursor::After(seq) => (format!(" AND l.seq > ${n}"), "ASC", Some(seq)),
    };
    let limit_at = n + usize::from(seq.is_some());
    let sql = format!("{SELECT} WHERE {clause}{bound} ORDER BY l.seq {order} LIMIT ${limit_at}");
    let query = bind_matching!(sqlx::query_as::<_, Row>(&sql), matching);
    let query = match seq {
        Some(seq) => query.bind(seq),
        None => query,
    };
    let mut rows = query.bind(limit).fetch_all(&state.db.pool).await?;
    if order == "ASC" {
        rows.reverse();
    }
    // The people are joined within the firm only: its key opens their names.
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &matching.chain)
        .await?;
    for row in &mut rows {
        row.open(&seal)?;
    }
    Ok(rows)
}

/// How many events match, all of them or only those newer than `above`.
async fn count(state: &AppState, matching: &Matching, above: Option<i64>) -> Result<u64, AppError> {
    let (clause, n) = matching.clause();
    let sql = match above {
        Some(_) => format!("SELECT COUNT(*) FROM audit_log l WHERE {clause} AND l.seq > ${n}"),
        None => format!("SELECT COUNT(*) FROM audit_log l WHERE {clause}"),
    };
    let query = bind_matching!(sqlx::query_scalar::<_, i64>(&sql), matching);
    let query = match above {
        Some(seq) => query.bind(seq),
        None => query,
    };
    let n: i64 = query.fetch_one(&state.db.pool).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A person the firm may see, from the joined `users` row (absent: not in the firm).
fn person(name: Option<&String>, email: Option<&String>, gone: Option<i64>) -> AuditParty {
    let name = name.cloned().unwrap_or_default();
    match (email, gone) {
        (Some(email), None) => AuditParty::Member {
            name,
            email: email.clone(),
        },
        (Some(_), Some(_)) => AuditParty::Former { name },
        (None, _) => AuditParty::Former {
            name: String::new(),
        },
    }
}

impl Row {
    fn open(&mut self, seal: &crate::backend::sealing::FirmSeal) -> anyhow::Result<()> {
        use crate::backend::sealing::Field;
        let open = |id: &Option<String>, field: Field, value: &mut Option<String>| {
            if let (Some(id), Some(stored)) = (id, value.as_deref()) {
                *value = Some(seal.open(field, id, stored)?);
            }
            anyhow::Ok(())
        };
        open(&self.actor_id, Field::UserName, &mut self.actor_name)?;
        open(&self.actor_id, Field::UserEmail, &mut self.actor_email)?;
        open(&self.subject_id, Field::UserName, &mut self.subject_name)?;
        open(&self.subject_id, Field::UserEmail, &mut self.subject_email)?;
        open(
            &self.invitation_id,
            Field::InvitationEmail,
            &mut self.invited,
        )?;
        Ok(())
    }

    fn actor(&self) -> AuditParty {
        match self.actor_kind.as_str() {
            "system" => AuditParty::System,
            "anonymous" => AuditParty::Anonymous,
            _ => person(
                self.actor_name.as_ref(),
                self.actor_email.as_ref(),
                self.actor_gone,
            ),
        }
    }

    fn subject(&self) -> AuditSubject {
        let kind = self.target_kind.as_str();
        let id = self.target_id.clone().unwrap_or_default();
        let thing = |kind: &str, detail: String| AuditSubject::Thing {
            kind: kind.to_owned(),
            detail,
        };
        match kind {
            "user" => AuditSubject::Person {
                person: person(
                    self.subject_name.as_ref(),
                    self.subject_email.as_ref(),
                    self.subject_gone,
                ),
            },
            "challenge" if self.subject_id.is_some() => AuditSubject::Person {
                person: person(
                    self.subject_name.as_ref(),
                    self.subject_email.as_ref(),
                    self.subject_gone,
                ),
            },
            "invitation" if self.invited.is_some() => AuditSubject::Invitation {
                email: self.invited.clone().unwrap_or_default(),
            },
            "log" if id == "all" => thing("log_all", String::new()),
            k if DETAILED_KINDS.contains(&k) => thing(k, id),
            k if OPAQUE_KINDS.contains(&k) => thing(k, String::new()),
            // A kind this version does not know: shown as stored.
            k => thing(k, id),
        }
    }

    fn event(&self) -> AuditEvent {
        AuditEvent {
            seq: self.seq,
            at: timestamp(self.at_us),
            actor: self.actor(),
            action: self.action.clone(),
            subject: self.subject(),
            ip: self.ip.clone().unwrap_or_default(),
        }
    }

    /// The CSV's columns: seq, time_utc, actor, action, target, ip (codes and ids as
    /// stored, for a spreadsheet or a script).
    fn csv_cells(&self) -> [String; 6] {
        let actor = match (
            self.actor_name.as_ref().filter(|n| !n.is_empty()),
            self.actor_email.as_ref(),
        ) {
            (Some(name), Some(email)) => format!("{name} <{email}>"),
            (None, Some(email)) => email.clone(),
            _ => self.actor_kind.clone(),
        };
        let target = match &self.target_id {
            Some(id) => format!("{} {id}", self.target_kind),
            None => self.target_kind.clone(),
        };
        [
            self.seq.to_string(),
            timestamp(self.at_us),
            actor,
            self.action.clone(),
            target,
            self.ip.clone().unwrap_or_default(),
        ]
    }
}

/// The page: the chain's verification, the actions in the log (for the filter) and one
/// page of the matching events from `cursor`, with where it stands among them.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    filter: &AuditFilter,
    cursor: Cursor,
) -> Result<AuditPage, AppError> {
    let firm = &viewer.user.firm_id;
    let key = checkpoint::signing_key(state.master_key()).verifying_key();
    let mut conn = state.db.pool.acquire().await?;
    let report = verify::verify(
        &mut conn,
        &key,
        Some(firm),
        &checkpoint::FileContents::default(),
    )
    .await?;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT action FROM audit_log WHERE chain = $1 ORDER BY action",
    )
    .bind(firm)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);

    let matching = Matching::new(firm, filter);
    let mut rows = fetch(state, &matching, cursor, PAGE_SIZE).await?;
    // Past either end (a stale link, or fewer newer events than a page): the newest page.
    let short = usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    let past_newest = matches!(cursor, Cursor::After(_)) && rows.len() < short;
    if cursor != Cursor::Newest && (rows.is_empty() || past_newest) {
        rows = fetch(state, &matching, Cursor::Newest, PAGE_SIZE).await?;
    }
    let total = count(state, &matching, None).await?;
    let (first, newer, older) = match (rows.first(), rows.last()) {
        (Some(top), Some(bottom)) => {
            let above = count(state, &matching, Some(top.seq)).await?;
            let last = above + rows.len() as u64;
            (
                above + 1,
                (above > 0).then_some(top.seq),
                (last < total).then_some(bottom.seq),
            )
        }
        _ => (0, None, None),
    };
    Ok(AuditPage {
        intact: report.ok(),
        problem: report.problem.map(|p| p.to_string()),
        rows_checked: report.chains.iter().map(|c| c.rows).sum(),
        checkpoints: report.chains.iter().map(|c| c.checkpoints as u64).sum(),
        public_key: checkpoint::public_key_hex(&key),
        actions,
        events: rows.iter().map(Row::event).collect(),
        total,
        first,
        newer,
        older,
    })
}

/// What the CSV stream writes next.
enum Step {
    Header,
    Rows(Cursor),
    Done,
}

/// Every matching event as CSV, newest first, streamed a chunk at a time (memory stays
/// flat however long the log). The export is audited before it starts.
pub async fn export(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    filter: &AuditFilter,
) -> Result<impl futures_util::Stream<Item = anyhow::Result<bytes::Bytes>> + Send + 'static, AppError>
{
    viewer
        .audit_alone(
            state,
            meta,
            Action::AuditExported,
            &Target::kind("firm_audit"),
        )
        .await?;
    Ok(csv_stream(state.clone(), &viewer.user.firm_id, filter))
}

/// The firm's matching events as CSV, newest first, a chunk at a time (not audited: the
/// caller records why it is read).
pub fn csv_stream(
    state: AppState,
    firm_id: &str,
    filter: &AuditFilter,
) -> impl futures_util::Stream<Item = anyhow::Result<bytes::Bytes>> + Send + 'static {
    let matching = Matching::new(firm_id, filter);
    futures_util::stream::try_unfold(Step::Header, move |step| {
        let state = state.clone();
        let matching = matching.clone();
        async move {
            match step {
                Step::Header => {
                    let out = crate::backend::csv_out::CsvOut::new(&[
                        "seq", "time_utc", "actor", "action", "target", "ip",
                    ])?;
                    Ok(Some((out.finish()?.into(), Step::Rows(Cursor::Newest))))
                }
                Step::Rows(cursor) => {
                    let rows = fetch(&state, &matching, cursor, EXPORT_CHUNK)
                        .await
                        .map_err(|e| anyhow::anyhow!("reading the audit log: {e}"))?;
                    let Some(last) = rows.last() else {
                        return Ok(None);
                    };
                    let next = if rows.len() < usize::try_from(EXPORT_CHUNK).unwrap_or(0) {
                        Step::Done
                    } else {
                        Step::Rows(Cursor::Before(last.seq))
                    };
                    let mut out = crate::backend::csv_out::CsvOut::without_header();
                    for row in &rows {
                        out.row(row.csv_cells())?;
                    }
                    Ok(Some((out.finish()?.into(), next)))
                }
                Step::Done => Ok(None),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn timestamps_are_utc_seconds() {
        assert_eq!(timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1_795_432_938_954_000), "2026-11-23 11:22:18");
    }

    #[test]
    fn every_action_and_subject_has_a_name_in_both_languages() {
        for lang in Lang::ALL {
            let t = lang.texts();
            for action in Action::ALL {
                let code = action.as_str();
                let name = t.audit_action_names.iter().find(|(c, _)| *c == code);
                assert!(
                    name.is_some_and(|(_, n)| !n.trim().is_empty() && *n != code),
                    "{code} has no name in {lang:?}"
                );
            }
            // No name for a code the application does not write (a typo would hide one).
            for (code, _) in t.audit_action_names {
                assert!(Action::from_code(code).is_some(), "{code} in {lang:?}");
            }
            assert_eq!(t.audit_action_names.len(), Action::ALL.len(), "{lang:?}");
            for kind in subject_kinds() {
                assert!(
                    t.audit_subject_names
                        .iter()
                        .any(|(k, n)| *k == kind && !n.is_empty()),
                    "{kind} has no name in {lang:?}"
                );
            }
        }
        let mut codes: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Action::ALL.len(), "every code is one action's");
    }

    fn row(actor_kind: &str, target_kind: &str, target_id: Option<&str>) -> Row {
        Row {
            seq: 1,
            at_us: 0,
            actor_kind: actor_kind.into(),
            actor_id: None,
            actor_name: None,
            actor_email: None,
            actor_gone: None,
            action: "x.y".into(),
            target_kind: target_kind.into(),
            target_id: target_id.map(Into::into),
            subject_id: None,
            subject_name: None,
            subject_email: None,
            subject_gone: None,
            invitation_id: None,
            invited: None,
            ip: None,
        }
    }

    #[test]
    fn people_are_shown_as_the_firm_may_see_them_and_ids_are_not() {
        let mut r = row("user", "user", Some("u2"));
        r.actor_name = Some("Anna".into());
        r.actor_email = Some("anna@firm.se".into());
        r.subject_id = Some("u2".into());
        r.subject_name = Some("Bo".into());
        r.subject_email = Some("removed+u2@invalid".into());
        r.subject_gone = Some(5);
        let e = r.event();
        assert_eq!(
            e.actor,
            AuditParty::Member {
                name: "Anna".into(),
                email: "anna@firm.se".into()
            }
        );
        assert_eq!(
            e.subject,
            AuditSubject::Person {
                person: AuditParty::Former { name: "Bo".into() }
            }
        );
        // Not in the firm (moved elsewhere): neither name nor address.
        let e = row("user", "user", Some("u3")).event();
        assert_eq!(e.actor, AuditParty::Former { name: "".into() });
        assert_eq!(
            row("system", "firm", None).event().actor,
            AuditParty::System
        );
        let thing = |kind: &str, id: &str| row("anonymous", kind, Some(id)).event().subject;
        let words = |kind: &str, detail: &str| AuditSubject::Thing {
            kind: kind.into(),
            detail: detail.into(),
        };
        assert_eq!(thing("entry", "0193-ab"), words("entry", ""));
        assert_eq!(thing("challenge", "c1"), words("challenge", ""));
        assert_eq!(thing("exemption", "2026"), words("exemption", "2026"));
        assert_eq!(thing("log", "all"), words("log_all", ""));
        assert_eq!(thing("log", "2025"), words("log", "2025"));
        // A kind this version does not know keeps what was stored.
        assert_eq!(thing("robot", "r1"), words("robot", "r1"));
    }
}
