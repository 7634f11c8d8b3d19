//! Who is signed in on this request.

use super::session::{self, Session};
use super::users::{self, User};
use crate::backend::db::now_micros;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use http::HeaderMap;

#[derive(Debug, Clone)]
pub struct Viewer {
    pub session: Session,
    pub user: User,
    /// Signed in with the emailed code, but the second factor is still owed: such a
    /// session may only complete the second factor or sign out.
    pub pending_second_factor: bool,
}

/// The signed-in person, if the request carries a live session of an active account.
pub async fn load(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
) -> anyhow::Result<Option<Viewer>> {
    let Some(token) = session::token(headers, &state.config) else {
        return Ok(None);
    };
    let now = now_micros();
    let mut conn = state.db.pool.acquire().await?;
    let Some(session) = session::load(&mut conn, &state.db.records, &token, now).await? else {
        return Ok(None);
    };
    let Some(user_id) = session.user_id.clone() else {
        return Ok(None);
    };
    let Some(user) = users::by_id(&mut conn, &state.db.records, &user_id).await? else {
        return Ok(None);
    };
    if user.status != domain::AccountStatus::Active {
        return Ok(None);
    }
    session::touch(&mut conn, &state.db.records, &session, meta, now).await?;
    Ok(Some(Viewer {
        pending_second_factor: !session.second_factor_ok,
        session,
        user,
    }))
}

impl Viewer {
    /// This person, as the actor of an audit event.
    pub fn actor(&self) -> crate::backend::audit::Actor {
        crate::backend::audit::Actor::User {
            user_id: self.user.id.clone(),
            firm_id: self.user.firm_id.clone(),
        }
    }

    /// Records an event that changes nothing else (a refusal, an export) in a transaction
    /// of its own.
    pub async fn audit_alone(
        &self,
        state: &AppState,
        meta: &RequestMeta,
        action: crate::backend::audit::Action,
        target: &crate::backend::audit::Target,
    ) -> anyhow::Result<()> {
        let mut tx = state.db.begin().await?;
        self.audit(&mut tx, meta, action, target).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A link to a stored file for this person, its issue audited on `tx` (which this
    /// commits): every view or download of a certificate or report is on record.
    pub async fn audited_link(
        &self,
        state: &AppState,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        meta: &RequestMeta,
        spec: &crate::backend::storage::LinkSpec<'_>,
        action: crate::backend::audit::Action,
        target: &crate::backend::audit::Target,
    ) -> anyhow::Result<String> {
        let url = state.storage.link(spec).await?;
        self.audit(&mut tx, meta, action, target).await?;
        tx.commit().await?;
        Ok(url)
    }

    /// Records an event by this person in their firm's chain, on the caller's transaction.
    pub async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        meta: &RequestMeta,
        action: crate::backend::audit::Action,
        target: &crate::backend::audit::Target,
    ) -> anyhow::Result<()> {
        let ctx = crate::backend::audit::Context {
            firm_id: Some(self.user.firm_id.clone()),
            ip: meta.ip,
        };
        crate::backend::audit::record(conn, &self.actor(), action, target, &ctx).await?;
        Ok(())
    }
}
