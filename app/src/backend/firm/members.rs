//! The firm's people: list, role changes (and handing ownership over), block, unblock,
//! remove. A firm always keeps an owner; a blocked or removed person's sessions end at once.

use super::{gate, permit};
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::authz::{Act, Role, allowed};
use crate::backend::db::{known, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, name_order};
use crate::backend::state::AppState;
use crate::i18n::Lang;
use crate::model::{InvitationView, MemberView, Members};
use domain::AccountStatus;

/// The people and open invitations of the viewer's firm.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<Members, AppError> {
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    let me = viewer.user.role;
    let people: Vec<PersonRow> = sqlx::query_as(
        "SELECT id, email, full_name, title, role, status, deletion_due_at_us, restricted_at_us, legal_hold FROM users \
         WHERE firm_id = $1 AND deleted_at_us IS NULL",
    )
    .bind(&viewer.user.firm_id)
    .fetch_all(&state.db.pool)
    .await?;
    let now = now_micros();
    let invited: Vec<InvitationRow> = sqlx::query_as(
        "SELECT id, email, role, expires_at_us FROM invitations \
         WHERE firm_id = $1 AND accepted_at_us IS NULL AND revoked_at_us IS NULL ORDER BY created_at_us DESC",
    )
    .bind(&viewer.user.firm_id)
    .fetch_all(&state.db.pool)
    .await
    ?;
    let removed: Vec<RemovedRow> = sqlx::query_as(
        "SELECT id, full_name, role, deletion_due_at_us FROM users \
         WHERE firm_id = $1 AND deleted_at_us IS NOT NULL",
    )
    .bind(&viewer.user.firm_id)
    .fetch_all(&state.db.pool)
    .await?;
    // The names are sealed: opened and sorted here.
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    let mut people = people
        .into_iter()
        .map(|mut p| {
            p.email = seal.open(Field::UserEmail, &p.id, &p.email)?;
            p.full_name = seal.open(Field::UserName, &p.id, &p.full_name)?;
            Ok(p)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    people.sort_by_cached_key(|p| (name_order(&p.full_name), p.email.clone()));
    let mut removed = removed
        .into_iter()
        .map(|mut r| {
            r.full_name = seal.open(Field::UserName, &r.id, &r.full_name)?;
            Ok(r)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    removed.sort_by_cached_key(|r| (name_order(&r.full_name), r.id.clone()));
    // What the viewer may do to each person is decided here, from `authz`, never by the page.
    let all = [Role::Member, Role::Admin, Role::Owner];
    let removed = removed
        .into_iter()
        .map(|r| Ok((known(&r.role, Role::parse, "role", &r.id)?, r)))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .filter(|(role, _)| allowed(me, Act::Manage(*role)))
        .map(|(_, r)| crate::model::RemovedView {
            id: r.id,
            full_name: r.full_name,
            deletion_due: r.deletion_due_at_us.map(crate::backend::erasure::due_day),
        })
        .collect();
    Ok(Members {
        removed,
        invite_roles: [Role::Member, Role::Admin]
            .into_iter()
            .filter(|r| allowed(me, Act::Invite(*r)))
            .collect(),
        people: people
            .into_iter()
            .map(|p| {
                let is_me = p.id == viewer.user.id;
                let role = known(&p.role, Role::parse, "role", &p.id)?;
                let status = known(&p.status, AccountStatus::parse, "status", &p.id)?;
                let roles = if is_me {
                    Vec::new()
                } else {
                    all.into_iter()
                        .filter(|to| {
                            allowed(
                                me,
                                Act::ChangeRole {
                                    from: role,
                                    to: *to,
                                },
                            )
                        })
                        .collect()
                };
                Ok(MemberView {
                    may_manage: !is_me && allowed(me, Act::Manage(role)),
                    restricted: p.restricted_at_us.is_some(),
                    legal_hold: p.legal_hold,
                    roles,
                    is_me,
                    id: p.id,
                    email: p.email,
                    full_name: p.full_name,
                    title: p.title,
                    role,
                    status,
                    deletion_due: p.deletion_due_at_us.map(crate::backend::erasure::due_day),
                })
            })
            .collect::<anyhow::Result<_>>()?,
        invitations: invited
            .into_iter()
            .map(|i| {
                Ok(InvitationView {
                    expires: crate::backend::firm_audit::timestamp(i.expires_at_us)[..10]
                        .to_owned(),
                    expired: i.expires_at_us <= now,
                    role: known(&i.role, Role::parse, "role", &i.id)?,
                    email: seal.open(Field::InvitationEmail, &i.id, &i.email)?,
                    id: i.id,
                })
            })
            .collect::<anyhow::Result<_>>()?,
    })
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    email: String,
    full_name: String,
    title: String,
    role: String,
    status: String,
    deletion_due_at_us: Option<i64>,
    restricted_at_us: Option<i64>,
    legal_hold: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RemovedRow {
    id: String,
    full_name: String,
    role: String,
    deletion_due_at_us: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    email: String,
    role: String,
    expires_at_us: i64,
}

/// One person of the viewer's firm: (role, status). Anyone else is "not found".
async fn target(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    id: &str,
) -> Result<(Role, AccountStatus), AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT role, status FROM users WHERE id = $1 AND firm_id = $2 AND deleted_at_us IS NULL",
    )
    .bind(id)
    .bind(&viewer.user.firm_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (role, status) = row.ok_or(AppError::NotFound)?;
    Ok((
        known(&role, Role::parse, "role", id)?,
        known(&status, AccountStatus::parse, "status", id)?,
    ))
}

/// Serializes changes of who owns and administers a firm: the count of owners read next
/// stays true until the transaction ends, so two owners demoting or blocking each other at
/// once cannot both succeed and leave the firm without one.
/// Invitations take it too: one sent while its sender is blocked or demoted is sent
/// before (and withdrawn by) that change, or refused after it.
pub(crate) async fn lock_owners(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
) -> Result<(), AppError> {
    crate::backend::auth::rate_limit::lock(
        conn,
        &format!("owners:{}", viewer.user.firm_id),
        now_micros(),
    )
    .await
    .map_err(AppError::from)
}

/// Withdraws the open invitations someone sent: an admin who is blocked, removed or no
/// longer an admin does not keep bringing people in.
async fn revoke_invitations_by(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    inviter: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE invitations SET revoked_at_us = $1 WHERE invited_by = $2 AND firm_id = $3 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
    )
    .bind(now_micros())
    .bind(inviter)
    .bind(&viewer.user.firm_id)
    .execute(&mut *conn)
    .await
    ?;
    Ok(())
}

/// Withdraws the open invitations `inviter` sent that `role` may not send: whoever is made
/// an admin (an owner handing ownership over, or demoted) keeps only invitations of members,
/// whoever is made a member none.
async fn revoke_invitations_beyond(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    inviter: &str,
    role: Role,
) -> Result<(), AppError> {
    for invited in [Role::Member, Role::Admin] {
        if crate::backend::authz::allowed(role, Act::Invite(invited)) {
            continue;
        }
        sqlx::query(
            "UPDATE invitations SET revoked_at_us = $1 WHERE invited_by = $2 AND firm_id = $3 AND role = $4 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
        )
        .bind(now_micros())
        .bind(inviter)
        .bind(&viewer.user.firm_id)
        .bind(invited.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The acting person's own role, read again under the lock: someone demoted or blocked a
/// moment ago acts no more with the rights they had.
pub(super) async fn still_may(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    act: Act,
) -> Result<(), AppError> {
    let (role, status) = target(conn, viewer, &viewer.user.id).await?;
    if status != AccountStatus::Active {
        return Err(AppError::Forbidden);
    }
    crate::backend::authz::authorize(role, act)
}

async fn other_active_owners(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    except: &str,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE firm_id = $1 AND role = 'owner' AND status = 'active' AND deleted_at_us IS NULL AND deletion_due_at_us IS NULL AND id <> $2",
    )
    .bind(&viewer.user.firm_id)
    .bind(except)
    .fetch_one(&mut *conn)
    .await
    .map_err(AppError::from)
}

/// Gives `id` the role `role`. Making someone owner hands ownership over: the acting owner
/// becomes an admin unless another owner remains.
pub async fn change_role(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    role: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    let to = Role::parse(role).ok_or_else(|| AppError::invalid("role", t.err_role_member))?;
    // Members are refused before anything about the target is looked up.
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    // Read and authorize before the write transaction: `gate` may write its own audit row.
    let mut conn = state.db.pool.acquire().await?;
    let (from, _) = target(&mut conn, viewer, id).await?;
    drop(conn);
    permit(state, viewer, meta, Act::ChangeRole { from, to }).await?;
    let mut tx = state.db.begin().await?;
    lock_owners(&mut tx, viewer).await?;
    still_may(&mut tx, viewer, Act::ChangeRole { from, to }).await?;
    // Read again under the lock: the role may have changed since it was authorized.
    let (current, status) = target(&mut tx, viewer, id).await?;
    if current != from {
        return Err(AppError::invalid("role", t.err_changed_meanwhile));
    }
    if to == Role::Owner && status != AccountStatus::Active {
        return Err(AppError::invalid("role", t.err_owner_must_be_active));
    }
    if from == Role::Owner
        && to != Role::Owner
        && other_active_owners(&mut tx, viewer, id).await? == 0
    {
        return Err(AppError::invalid("role", t.err_last_owner));
    }
    revoke_invitations_beyond(&mut tx, viewer, id, to).await?;
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(to.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if to == Role::Owner && id != viewer.user.id {
        // Handing over: the previous owner stays on as an admin, and keeps only the
        // invitations an admin may send.
        sqlx::query("UPDATE users SET role = 'admin' WHERE id = $1")
            .bind(&viewer.user.id)
            .execute(&mut *tx)
            .await?;
        revoke_invitations_beyond(&mut tx, viewer, &viewer.user.id, Role::Admin).await?;
    }
    viewer
        .audit(&mut tx, meta, Action::RoleChanged, &Target::new("user", id))
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// What [`set_access`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Block,
    Unblock,
    Remove,
}

/// Blocks, unblocks or removes `id`. Blocking and removing end every session at once.
pub async fn set_access(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    access: Access,
) -> Result<(), AppError> {
    let t = lang.texts();
    let (mut tx, role) = managed_member(state, viewer, meta, lang, id, || Ok(())).await?;
    if role == Role::Owner
        && access != Access::Unblock
        && other_active_owners(&mut tx, viewer, id).await? == 0
    {
        return Err(AppError::invalid("id", t.err_last_owner));
    }
    // Someone kept by law stays listed, so the hold can be seen and lifted.
    if access == Access::Remove {
        let held: Option<Option<String>> =
            sqlx::query_scalar("SELECT legal_hold FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if held.flatten().is_some() {
            return Err(AppError::invalid("id", t.err_remove_while_held));
        }
    }
    let now = now_micros();
    let (sql, action) = match access {
        Access::Block => (
            "UPDATE users SET status = 'blocked' WHERE id = $1",
            Action::MemberBlocked,
        ),
        Access::Unblock => (
            "UPDATE users SET status = 'active' WHERE id = $1",
            Action::MemberUnblocked,
        ),
        // The address is freed (it may be invited again); the person's records stay with
        // the firm under their id.
        Access::Remove => (
            "UPDATE users SET status = 'blocked', deleted_at_us = $2, email = '', email_index = NULL WHERE id = $1",
            Action::MemberRemoved,
        ),
    };
    let query = sqlx::query(sql).bind(id);
    let query = if access == Access::Remove {
        query.bind(now)
    } else {
        query
    };
    query.execute(&mut *tx).await?;
    if access != Access::Unblock {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        revoke_invitations_by(&mut tx, viewer, id).await?;
    }
    viewer
        .audit(&mut tx, meta, action, &Target::new("user", id))
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// The way into every change an administrator makes to another person of the firm: the
/// firm's gate, never oneself, the person found in this firm, the actor allowed to manage
/// their role (and `confirmed`, a step-up the change may need); then, under the owners
/// lock, the actor's standing and the person's role read again. The transaction and the
/// person's role.
pub(crate) async fn managed_member(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    confirmed: impl FnOnce() -> Result<(), AppError>,
) -> Result<(sqlx::Transaction<'static, sqlx::Any>, Role), AppError> {
    let t = lang.texts();
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    if id == viewer.user.id {
        return Err(AppError::invalid("id", t.err_not_yourself));
    }
    let mut conn = state.db.pool.acquire().await?;
    let (role, _) = target(&mut conn, viewer, id).await?;
    drop(conn);
    permit(state, viewer, meta, Act::Manage(role)).await?;
    confirmed()?;
    let mut tx = state.db.begin().await?;
    lock_owners(&mut tx, viewer).await?;
    still_may(&mut tx, viewer, Act::Manage(role)).await?;
    if target(&mut tx, viewer, id).await?.0 != role {
        return Err(AppError::invalid("id", t.err_changed_meanwhile));
    }
    Ok((tx, role))
}

/// An owner or admin asks for a member's account and data to be deleted after the hold,
/// or cancels that (`cancel`). Who may is decided as for removing them.
pub async fn set_deletion(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    cancel: bool,
) -> Result<(), AppError> {
    use crate::backend::erasure::{self, RequestedBy};
    let t = lang.texts();
    if let Some(role) = removed_role(state, viewer, id).await? {
        return set_removed_deletion(state, viewer, meta, lang, id, role, cancel).await;
    }
    // Deleting someone's data cannot be undone: the administrator confirms it is them, as
    // for the person's own request (a stolen admin session cannot queue deletions).
    let confirmed = || match cancel {
        true => Ok(()),
        false => crate::backend::auth::step_up::require(viewer, lang),
    };
    let (mut tx, role) = managed_member(state, viewer, meta, lang, id, confirmed).await?;
    if role == Role::Owner
        && !cancel
        && !erasure::leaves_an_owner(&mut tx, &viewer.user.firm_id, id).await?
    {
        return Err(AppError::invalid("id", t.err_last_owner));
    }
    let changed = if cancel {
        erasure::unschedule(&mut tx, id, &viewer.user.firm_id, RequestedBy::Firm).await?
    } else {
        erasure::schedule(&mut tx, &state.db.records, id, RequestedBy::Firm)
            .await?
            .1
    };
    audit_deletion(tx, viewer, meta, id, cancel, changed).await
}

/// The role of `id` if they are someone the viewer's firm removed (and still holds).
async fn removed_role(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Option<Role>, AppError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM users WHERE id = $1 AND firm_id = $2 AND deleted_at_us IS NOT NULL",
    )
    .bind(id)
    .bind(&viewer.user.firm_id)
    .fetch_optional(&state.db.pool)
    .await?;
    role.map(|r| known(&r, Role::parse, "role", id).map_err(AppError::from))
        .transpose()
}

/// [`set_deletion`] for someone the firm removed: the same rights and confirmation, and
/// nobody to mail (their address was let go at the removal).
async fn set_removed_deletion(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    role: Role,
    cancel: bool,
) -> Result<(), AppError> {
    use crate::backend::erasure::{self, RequestedBy};
    gate(state, viewer, meta, lang, Act::ViewFirm).await?;
    permit(state, viewer, meta, Act::Manage(role)).await?;
    if !cancel {
        crate::backend::auth::step_up::require(viewer, lang)?;
    }
    let mut tx = state.db.begin().await?;
    lock_owners(&mut tx, viewer).await?;
    still_may(&mut tx, viewer, Act::Manage(role)).await?;
    let changed = if cancel {
        erasure::unschedule(&mut tx, id, &viewer.user.firm_id, RequestedBy::Firm).await?
    } else {
        erasure::schedule_quietly(&mut tx, id, RequestedBy::Firm).await?
    };
    audit_deletion(tx, viewer, meta, id, cancel, changed).await
}

/// Audits a deletion asked for or cancelled, if anything `changed`, and commits.
async fn audit_deletion(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
    cancel: bool,
    changed: bool,
) -> Result<(), AppError> {
    if changed {
        let action = if cancel {
            Action::AccountDeletionCancelled
        } else {
            Action::AccountDeletionRequested
        };
        viewer
            .audit(&mut tx, meta, action, &Target::new("user", id))
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}
