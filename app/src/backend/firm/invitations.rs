//! Invitations by email: a link that expires after 7 days. Opening it shows which firm
//! invites the person and asks them to choose; choosing to join starts a sign-in bound to
//! that invitation (its id is stored on the code's challenge, after the link's token was
//! checked), and proving the address with the emailed code creates the person in that
//! firm. Nothing else ever puts a new person into a firm: a sign-in without the link makes
//! their own firm, whatever invitations exist for their address.

use crate::AppError;
use crate::backend::audit::{Action, Actor, Target};
use crate::backend::auth::rate_limit;
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::{Act, Role};
use crate::backend::crypto::{Key, Purpose, random_token};
use crate::backend::db::{known, new_id, now_micros};
use crate::backend::mail::{enqueue, templates};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, Records};
use crate::backend::state::AppState;
use crate::i18n::Lang;
use domain::Email;

pub const VALID_FOR_US: i64 = 7 * 24 * 3600 * 1_000_000;

fn link_key(state: &AppState) -> Key {
    Key::derive(state.master_key(), Purpose::InvitationLink)
}

/// Sends (or sends again) an invitation; a pending one to the same address is replaced.
pub async fn invite(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    email: &str,
    role: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    let role = match Role::parse(role) {
        Some(r @ (Role::Member | Role::Admin)) => r,
        _ => return Err(AppError::invalid("role", t.err_role_invite)),
    };
    super::gate(state, viewer, meta, lang, Act::Invite(role)).await?;
    // An invitation carries the firm's name, which a new firm's owner gives on the first
    // profile: until someone of the firm has saved one, it is only named after a domain.
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE firm_id = $1 AND profile_completed = 1",
    )
    .bind(&viewer.user.firm_id)
    .fetch_one(&state.db.pool)
    .await?;
    if named == 0 {
        return Err(AppError::invalid("email", t.err_invite_profile_first));
    }
    send(state, viewer, meta, lang, email, role).await
}

/// Records and mails an invitation the caller has already authorized. The authorization is
/// made again under the firm's owners lock (the one blocking, removing and role changes
/// take), from the sender's role and standing as they are now: an invitation sent while its
/// admin is being blocked is either withdrawn by the block or refused after it.
async fn send(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    email: &str,
    role: Role,
) -> Result<(), AppError> {
    let t = lang.texts();
    let email =
        Email::parse(email).map_err(|_| AppError::invalid("email", t.err_email_malformed))?;
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    super::members::lock_owners(&mut tx, viewer).await?;
    super::members::still_may(&mut tx, viewer, Act::Invite(role)).await?;
    // A firm being closed takes nobody in (closing takes the same lock and withdraws the
    // open invitations).
    if super::closing_day(&mut tx, &viewer.user.firm_id)
        .await?
        .is_some()
    {
        return Err(AppError::invalid("email", t.err_firm_closing));
    }
    // Caps per inviter, per firm (tighter in its first day), per network and in all, so the
    // invitation form is no mail relay: however many firms one network signs up, it gets
    // one network's allowance. The answer is the same for addresses with and without an
    // account (no enumeration): whoever holds an account learns from the link itself that
    // it cannot join (see `open`). A refusal counts nowhere (the transaction is dropped).
    let (firm, firm_created): (String, i64) =
        sqlx::query_as("SELECT name, created_at_us FROM firms WHERE id = $1")
            .bind(&viewer.user.firm_id)
            .fetch_one(&mut *tx)
            .await?;
    let network = meta.ip_bucket();
    let mut limits = vec![
        (rate_limit::INVITATIONS_PER_INVITER, viewer.user.id.as_str()),
        (
            rate_limit::INVITATIONS_PER_FIRM,
            viewer.user.firm_id.as_str(),
        ),
    ];
    if now - firm_created < rate_limit::NEW_FIRM_FOR {
        limits.push((
            rate_limit::INVITATIONS_NEW_FIRM,
            viewer.user.firm_id.as_str(),
        ));
    }
    limits.push((rate_limit::INVITATIONS_PER_NETWORK, network.as_str()));
    limits.push((rate_limit::INVITATIONS_GLOBAL, "all"));
    for (limit, key) in limits {
        if let Err(wait) = rate_limit::hit(&mut tx, limit, key, now).await? {
            return Err(AppError::RateLimited {
                retry_after_secs: wait,
            });
        }
    }
    sqlx::query(
        "UPDATE invitations SET revoked_at_us = $1 WHERE firm_id = $2 AND email_index = $3 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
    )
    .bind(now)
    .bind(&viewer.user.firm_id)
    .bind(state.db.records.email_index(email.as_str()))
    .execute(&mut *tx)
    .await
    ?;
    let id = new_id();
    let token = random_token(32);
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    sqlx::query(
        "INSERT INTO invitations (id, firm_id, email, email_index, role, token_mac, invited_by, created_at_us, expires_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&viewer.user.firm_id)
    .bind(seal.seal(Field::InvitationEmail, &id, email.as_str()))
    .bind(state.db.records.email_index(email.as_str()))
    .bind(role.as_str())
    .bind(link_key(state).mac(&[id.as_bytes(), token.as_bytes()]))
    .bind(&viewer.user.id)
    .bind(now)
    .bind(now + VALID_FOR_US)
    .execute(&mut *tx)
    .await
    ?;
    let inviter = if viewer.user.full_name.is_empty() {
        viewer.user.email.clone()
    } else {
        viewer.user.full_name.clone()
    };
    let link = format!(
        "{}/invite?i={id}&t={token}",
        state.config.http.public_url.as_str()
    );
    enqueue(
        &mut tx,
        &state.db.records,
        &templates::invitation(lang, email.as_str(), &firm, &inviter, &link),
    )
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::MemberInvited,
            &Target::new("invitation", &id),
        )
        .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(())
}

/// Sends a pending invitation again, with a new link and 7 more days.
pub async fn resend(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
) -> Result<(), AppError> {
    super::gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    let (email, role) = pending(state, viewer, id).await?;
    super::permit(state, viewer, meta, Act::Invite(role)).await?;
    send(state, viewer, meta, lang, &email, role).await
}

/// Withdraws a pending invitation: its link stops working.
pub async fn revoke(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
) -> Result<(), AppError> {
    super::gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    let (_, role) = pending(state, viewer, id).await?;
    super::permit(state, viewer, meta, Act::Invite(role)).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE invitations SET revoked_at_us = $1 WHERE id = $2 AND firm_id = $3")
        .bind(now_micros())
        .bind(id)
        .bind(&viewer.user.firm_id)
        .execute(&mut *tx)
        .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::InvitationRevoked,
            &Target::new("invitation", id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// (email, role) of one of the viewer's firm's open invitations.
async fn pending(state: &AppState, viewer: &Viewer, id: &str) -> Result<(String, Role), AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT email, role FROM invitations WHERE id = $1 AND firm_id = $2 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
    )
    .bind(id)
    .bind(&viewer.user.firm_id)
    .fetch_optional(&state.db.pool)
    .await
    ?;
    let (email, role) = row.ok_or(AppError::NotFound)?;
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    Ok((
        seal.open(Field::InvitationEmail, id, &email)?,
        known(&role, Role::parse, "role", id)?,
    ))
}

/// An open invitation whose link was genuine: what the person is asked to accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub id: String,
    pub email: String,
    pub firm_name: String,
    pub role: Role,
    /// The address already has an account (in some firm): it cannot join by this link.
    pub has_account: bool,
}

/// The invitation behind a link, if the link is genuine and the invitation still open.
pub async fn open(state: &AppState, id: &str, token: &str) -> anyhow::Result<Option<Opened>> {
    let row: Option<(String, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT i.token_mac, i.expires_at_us, i.email, i.role, f.name, i.firm_id \
         FROM invitations i JOIN firms f ON f.id = i.firm_id \
         WHERE i.id = $1 AND i.accepted_at_us IS NULL AND i.revoked_at_us IS NULL",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some((mac, expires, email, role, firm_name, firm_id)) = row else {
        return Ok(None);
    };
    let genuine =
        expires > now_micros() && link_key(state).verify(&[id.as_bytes(), token.as_bytes()], &mac);
    if !genuine {
        return Ok(None);
    }
    let mut conn = state.db.pool.acquire().await?;
    let email = state.db.records.firm(&mut conn, &firm_id).await?.open(
        Field::InvitationEmail,
        id,
        &email,
    )?;
    let taken =
        crate::backend::auth::users::email_taken(&mut conn, &state.db.records, &email).await?;
    Ok(Some(Opened {
        id: id.to_owned(),
        email,
        firm_name,
        role: known(&role, Role::parse, "role", id)?,
        has_account: taken,
    }))
}

/// Whether an invitation link is genuine and still open.
pub async fn link_is_open(state: &AppState, id: &str, token: &str) -> anyhow::Result<bool> {
    Ok(open(state, id, token).await?.is_some())
}

/// An invitation accepted by the address it was sent to.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub id: String,
    pub firm_id: String,
    pub role: String,
    pub rule_set: String,
}

/// At the sign-in of a new address that chose to join: accepts exactly the invitation its
/// challenge was bound to, if it is still open and was sent to that address. The claim is
/// one conditional UPDATE, so two sign-ins cannot both accept it.
pub async fn accept(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    id: &str,
    email: &str,
    now: i64,
) -> anyhow::Result<Option<Accepted>> {
    let claimed = sqlx::query(
        "UPDATE invitations SET accepted_at_us = $1 \
         WHERE id = $2 AND email_index = $3 AND accepted_at_us IS NULL AND revoked_at_us IS NULL AND expires_at_us > $1",
    )
    .bind(now)
    .bind(id)
    .bind(records.email_index(email))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(None);
    }
    let (firm_id, role, rule_set): (String, String, String) = sqlx::query_as(
        "SELECT i.firm_id, i.role, f.default_rule_set FROM invitations i JOIN firms f ON f.id = i.firm_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Accepted {
        id: id.to_owned(),
        firm_id,
        role,
        rule_set,
    }))
}

/// Records the acceptance in the firm's chain.
pub async fn audit_accepted(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    accepted: &Accepted,
    meta: &RequestMeta,
) -> anyhow::Result<()> {
    crate::backend::audit::record(
        conn,
        &Actor::User {
            user_id: user_id.to_owned(),
            firm_id: accepted.firm_id.clone(),
        },
        Action::InvitationAccepted,
        &Target::new("invitation", &accepted.id),
        &crate::backend::audit::Context {
            firm_id: Some(accepted.firm_id.clone()),
            ip: meta.ip,
        },
    )
    .await?;
    Ok(())
}
