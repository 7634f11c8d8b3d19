//! The sign-in flows, from request to committed transaction. Server functions and routes
//! call these and only translate the result; every path writes its audit row in the same
//! transaction as its change, and failed attempts are committed too (they count).

use super::challenge::{self, Micros, Outcome, seconds_up};
use super::codes::{check_code_limits, code_error, email_error, rate_limited};
use super::otp::{self, Kind};
use super::rate_limit::{self, VERIFY_PER_IP};
use super::session::{self, Session};
use super::totp::{self, SecondFactor};
use super::users::{self, User};
use super::viewer::Viewer;
use crate::AppError;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::db::now_micros;
use crate::backend::mail::{enqueue_secret, templates};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::Records;
use crate::backend::state::AppState;
use crate::i18n::Lang;
use domain::Email;
use http::HeaderMap;
use sqlx::AnyConnection;

/// What the caller must do with the response.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CookieChange {
    /// A `Set-Cookie` value to send, if the session cookie changes.
    pub set_cookie: Option<String>,
}

fn ctx(meta: &RequestMeta, firm_id: Option<&str>) -> audit::Context {
    audit::Context {
        firm_id: firm_id.map(str::to_owned),
        ip: meta.ip,
    }
}

/// The browser's session (created if it has none), for binding a challenge to it.
async fn browser_session(
    state: &AppState,
    conn: &mut AnyConnection,
    headers: &HeaderMap,
    meta: &RequestMeta,
    now: Micros,
) -> anyhow::Result<(String, Option<String>)> {
    if let Some(token) = session::token(headers, &state.config)
        && let Some(existing) = session::load(conn, &state.db.records, &token, now).await?
    {
        return Ok((existing.id_hash, None));
    }
    let token = session::create(conn, &state.db.records, None, false, meta, now).await?;
    let cookie = session::set_cookie(&state.config, &token, session::ANONYMOUS_LIFETIME);
    Ok((session::hash(&token), Some(cookie)))
}

/// An invitation link the person opened and chose to accept: its id and token.
#[derive(Debug, Clone, Copy)]
pub struct ChosenInvitation<'a> {
    pub id: &'a str,
    pub token: &'a str,
}

/// Step 1: email a code and link to an address. The answer, and the work done, are the
/// same whether or not an account exists; the mail is sent later by the outbox worker.
/// With an invitation the person chose to accept, the code goes to the invited address and
/// the challenge carries the invitation (checked here by its token), so proving the
/// address accepts that invitation and no other.
pub async fn request_code(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    lang: Lang,
    email: &str,
    invitation: Option<ChosenInvitation<'_>>,
) -> Result<CookieChange, AppError> {
    let t = lang.texts();
    let (email, invitation_id) = match invitation {
        Some(chosen) => {
            let opened = crate::backend::firm::invitations::open(state, chosen.id, chosen.token)
                .await?
                .ok_or_else(|| AppError::invalid("email", t.invite_expired))?;
            let email = Email::parse(&opened.email).map_err(|e| email_error(t, e))?;
            (email, Some(opened.id))
        }
        None => (Email::parse(email).map_err(|e| email_error(t, e))?, None),
    };
    send_code(state, headers, meta, lang, &email, invitation_id.as_deref()).await
}

/// Issues and queues a sign-in code (bound to this browser and, if any, to the invitation).
async fn send_code(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    lang: Lang,
    email: &Email,
    invitation_id: Option<&str>,
) -> Result<CookieChange, AppError> {
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    check_code_limits(&mut tx, state, meta, email, now).await?;
    let (browser, set_cookie) = browser_session(state, &mut tx, headers, meta, now).await?;
    let user = users::by_email(&mut tx, &state.db.records, email.as_str()).await?;
    let issued = otp::issue(
        &mut tx,
        state.master_key(),
        &state.db.records,
        otp::For {
            kind: Kind::SignIn,
            email: email.as_str(),
            user_id: user.as_ref().map(|u| u.id.as_str()),
            invitation_id,
            browser_session: &browser,
        },
        now,
    )
    .await?;
    let link = format!(
        "{}/sign-in/link?c={}&t={}",
        state.config.http.public_url, issued.id, issued.link_token
    );
    let mail = templates::sign_in_code(lang, email.as_str(), &issued.code, &link, user.is_none());
    enqueue_secret(&mut tx, &state.db.records, &mail, now + challenge::TTL).await?;
    audit::record(
        &mut tx,
        &Actor::Anonymous,
        Action::SignInCodeRequested,
        &Target::new("challenge", &issued.id),
        &ctx(meta, user.as_ref().map(|u| u.firm_id.as_str())),
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(CookieChange { set_cookie })
}

/// "Send a new code" on the code page: a fresh code to the address this browser asked
/// for last, replacing the old one (throttled like any request) and keeping its invitation.
pub async fn resend(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<CookieChange, AppError> {
    let t = lang.texts();
    let now = now_micros();
    let latest = {
        let mut conn = state.db.pool.acquire().await?;
        let Some(token) = session::token(headers, &state.config) else {
            return Err(AppError::invalid("code", t.err_no_code));
        };
        let Some(browser) = session::load(&mut conn, &state.db.records, &token, now).await? else {
            return Err(AppError::invalid("code", t.err_no_code));
        };
        let latest =
            otp::latest_for_browser(&mut conn, &state.db.records, Kind::SignIn, &browser.id_hash)
                .await?;
        latest.ok_or_else(|| AppError::invalid("code", t.err_no_code))?
    };
    let email = Email::parse(&latest.email).map_err(|e| email_error(t, e))?;
    send_code(
        state,
        headers,
        meta,
        lang,
        &email,
        latest.invitation_id.as_deref(),
    )
    .await
}

/// What proves the address: the typed code, or the emailed link.
#[derive(Debug)]
pub enum Proof<'a> {
    Code(&'a str),
    Link {
        challenge_id: &'a str,
        token: &'a str,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub cookie: CookieChange,
    pub needs_second_factor: bool,
    pub new_account: bool,
    pub profile_completed: bool,
}

/// Step 2: the code or link. On success the browser's session is replaced by a new one
/// (new id) that belongs to the person; a new address gets an account first.
pub async fn verify(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    lang: Lang,
    proof: Proof<'_>,
) -> Result<SignedIn, AppError> {
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    // A refusal keeps what it counted (the rate limit, the lockout, the attempt): the
    // transaction is committed before the refusal is returned.
    let (browser, stored) =
        match proven_challenge(&mut tx, state, headers, meta, lang, proof, now).await? {
            Ok(proven) => proven,
            Err(refusal) => {
                tx.commit().await?;
                return Err(refusal);
            }
        };
    let (user, new_account) =
        account_for(&mut tx, &state.db.records, &stored, meta, lang, now).await?;
    if user.status != domain::AccountStatus::Active {
        tx.commit().await?;
        return Err(AppError::Blocked);
    }
    let needs_second_factor = users::has_second_factor(&mut tx, &user.id).await?;
    session::delete(&mut tx, &browser.id_hash).await?;
    let token = session::create(
        &mut tx,
        &state.db.records,
        Some(&user.id),
        !needs_second_factor,
        meta,
        now,
    )
    .await?;
    let action = if needs_second_factor {
        Action::SecondFactorRequired
    } else {
        Action::SignedIn
    };
    let actor = Actor::User {
        user_id: user.id.clone(),
        firm_id: user.firm_id.clone(),
    };
    audit::record(
        &mut tx,
        &actor,
        action,
        &Target::new("session", &session::hash(&token)[..16]),
        &ctx(meta, Some(&user.firm_id)),
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn {
        cookie: CookieChange {
            set_cookie: Some(session::set_cookie(
                &state.config,
                &token,
                if needs_second_factor {
                    session::PENDING_LIFETIME
                } else {
                    session::LIFETIME
                },
            )),
        },
        needs_second_factor,
        new_account,
        profile_completed: user.profile_completed,
    })
}

/// The browser's session and the challenge the proof answers, once the proof is right:
/// rate limited per network, bound to the browser that asked, locked out after repeated
/// failures (each one counted and audited). The inner error is a refusal whose counting
/// must be committed; the outer one is a failure of the database.
async fn proven_challenge(
    tx: &mut AnyConnection,
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    lang: Lang,
    proof: Proof<'_>,
    now: Micros,
) -> Result<Result<(Session, otp::StoredChallenge), AppError>, AppError> {
    let t = lang.texts();
    if let Err(wait) = rate_limit::hit(tx, VERIFY_PER_IP, &meta.ip_bucket(), now).await? {
        return Ok(Err(rate_limited(wait)));
    }
    let browser = match session::token(headers, &state.config) {
        Some(token) => session::load(tx, &state.db.records, &token, now).await?,
        None => None,
    };
    let Some(browser) = browser else {
        return Ok(Err(match proof {
            Proof::Code(_) => AppError::invalid("code", t.err_no_code),
            Proof::Link { .. } => AppError::invalid("code", t.err_other_browser),
        }));
    };
    let stored = match proof {
        Proof::Code(_) => {
            otp::latest_for_browser(tx, &state.db.records, Kind::SignIn, &browser.id_hash).await
        }
        Proof::Link { challenge_id, .. } => {
            otp::by_id(tx, &state.db.records, Kind::SignIn, challenge_id).await
        }
    }?;
    let Some(stored) = stored else {
        return Ok(Err(AppError::invalid("code", t.err_no_code)));
    };
    // A link opened in another browser (or by a mail scanner) proves nothing and costs
    // the challenge nothing: the person can still use it where they asked.
    if stored.browser_session != browser.id_hash {
        return Ok(Err(AppError::invalid("code", t.err_other_browser)));
    }
    // Keyed by the address's blind index: the lockouts table holds no address.
    let email_subject = format!("email:{}", state.db.records.email_index(&stored.email));
    let ip_subject = format!("ip:{}", meta.ip_bucket());
    let subjects = [email_subject.as_str(), ip_subject.as_str()];
    let firm_of_target = match &stored.user_id {
        Some(id) => users::by_id(tx, &state.db.records, id)
            .await?
            .map(|u| u.firm_id),
        None => None,
    };
    if let Some(wait) = super::lockouts::check(tx, &subjects, now).await? {
        audit::record(
            tx,
            &Actor::Anonymous,
            Action::SignInLockedOut,
            &Target::new("challenge", &stored.id),
            &ctx(meta, firm_of_target.as_deref()),
        )
        .await?;
        return Ok(Err(rate_limited(seconds_up(wait))));
    }
    let matches = match proof {
        Proof::Code(code) => stored.code_matches(state.master_key(), code),
        Proof::Link { token, .. } => stored.link_matches(state.master_key(), token),
    };
    let outcome = otp::submit(tx, &stored, now, matches).await?;
    if let Some(error) = code_error(t, outcome) {
        if matches!(outcome, Outcome::Wrong { .. } | Outcome::Exhausted) {
            super::lockouts::fail(tx, &subjects, now).await?;
            audit::record(
                tx,
                &Actor::Anonymous,
                Action::SignInFailed,
                &Target::new("challenge", &stored.id),
                &ctx(meta, firm_of_target.as_deref()),
            )
            .await?;
            state.metrics.sign_in_failed();
        }
        return Ok(Err(error));
    }
    super::lockouts::clear(tx, &email_subject).await?;
    Ok(Ok((browser, stored)))
}

/// The account of the address that proved itself, and whether it is new: a new address
/// joins the firm of exactly the invitation its sign-in was started from, or gets a firm
/// of its own; never another firm's.
async fn account_for(
    tx: &mut AnyConnection,
    records: &Records,
    stored: &otp::StoredChallenge,
    meta: &RequestMeta,
    lang: Lang,
    now: Micros,
) -> Result<(User, bool), AppError> {
    if let Some(user) = users::by_email(tx, records, &stored.email).await? {
        return Ok((user, false));
    }
    let invitation = match &stored.invitation_id {
        Some(id) => Some(
            crate::backend::firm::invitations::accept(tx, records, id, &stored.email, now)
                .await?
                .ok_or_else(|| AppError::invalid("code", lang.texts().invite_expired))?,
        ),
        None => None,
    };
    let user = match &invitation {
        Some(inv) => {
            users::create_in_firm(
                tx,
                records,
                &stored.email,
                lang.code(),
                &inv.firm_id,
                &inv.role,
                &inv.rule_set,
                now,
            )
            .await?
        }
        None => users::create_with_firm(tx, records, &stored.email, lang.code(), now).await?,
    };
    if let Some(inv) = &invitation {
        crate::backend::firm::invitations::audit_accepted(tx, &user.id, inv, meta).await?;
    }
    let actor = Actor::User {
        user_id: user.id.clone(),
        firm_id: user.firm_id.clone(),
    };
    audit::record(
        tx,
        &actor,
        Action::AccountCreated,
        &Target::new("user", &user.id),
        &ctx(meta, Some(&user.firm_id)),
    )
    .await?;
    Ok((user, true))
}

/// Step 3 (only with an authenticator app): the TOTP or a recovery code. On success the
/// session id changes again.
pub async fn verify_second_factor(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    code: &str,
) -> Result<CookieChange, AppError> {
    let t = lang.texts();
    if !viewer.pending_second_factor {
        return Ok(CookieChange::default());
    }
    let now = now_micros();
    let user = &viewer.user;
    let mut tx = state.db.begin().await?;
    let subject = totp::lockout_subject(&user.id);
    if let Some(wait) = super::lockouts::admit(&mut tx, meta, &[&subject], now).await? {
        tx.commit().await?;
        return Err(rate_limited(wait));
    }
    let Some(factor) = totp::verify(&mut tx, state.master_key(), &user.id, code, now).await? else {
        super::lockouts::fail(&mut tx, &[&subject], now).await?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::SecondFactorFailed,
                &Target::new("user", &user.id),
            )
            .await?;
        tx.commit().await?;
        return Err(AppError::invalid("code", t.err_totp_wrong));
    };
    super::lockouts::clear(&mut tx, &subject).await?;
    if factor == SecondFactor::RecoveryCode {
        viewer
            .audit(
                &mut tx,
                meta,
                Action::RecoveryCodeUsed,
                &Target::new("user", &user.id),
            )
            .await?;
    }
    session::delete(&mut tx, &viewer.session.id_hash).await?;
    let token =
        session::create(&mut tx, &state.db.records, Some(&user.id), true, meta, now).await?;
    session::mark_second_factor(&mut tx, &session::hash(&token), now).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::SignedIn,
            &Target::new("session", &session::hash(&token)[..16]),
        )
        .await?;
    tx.commit().await?;
    Ok(CookieChange {
        set_cookie: Some(session::set_cookie(
            &state.config,
            &token,
            session::LIFETIME,
        )),
    })
}

/// Ends this session, or all of the person's sessions.
pub async fn sign_out(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    everywhere: bool,
) -> Result<CookieChange, AppError> {
    if everywhere {
        // Ending every other session is what an intruder with a stolen cookie would do
        // to lock the person out: it needs a fresh confirmation.
        super::step_up::require(viewer, lang)?;
    }
    let user = &viewer.user;
    let mut tx = state.db.begin().await?;
    if everywhere {
        session::delete_all_for_user(&mut tx, &user.id).await?;
    } else {
        session::delete(&mut tx, &viewer.session.id_hash).await?;
    }
    let action = if everywhere {
        Action::SignedOutEverywhere
    } else {
        Action::SignedOut
    };
    viewer
        .audit(&mut tx, meta, action, &Target::new("user", &user.id))
        .await?;
    tx.commit().await?;
    Ok(CookieChange {
        set_cookie: Some(session::clear_cookie(&state.config)),
    })
}

/// Ends one of the person's other sessions (the id is the session's public handle).
pub async fn revoke_session(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    handle: &str,
) -> Result<(), AppError> {
    super::step_up::require(viewer, lang)?;
    let user = &viewer.user;
    let mut tx = state.db.begin().await?;
    let sessions =
        session::list_for_user(&mut tx, &state.db.records, &user.id, now_micros()).await?;
    let Some(target) = sessions
        .iter()
        .find(|s| public_handle(&s.id_hash) == handle)
    else {
        return Err(AppError::NotFound);
    };
    if !session::delete_for_user(&mut tx, &user.id, &target.id_hash).await? {
        return Err(AppError::NotFound);
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::SessionRevoked,
            &Target::new("session", handle),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the sessions page shows in place of the stored hash: its first 16 hex digits.
/// Knowing it lets you do nothing but name the session to its owner.
pub fn public_handle(id_hash: &str) -> String {
    id_hash.chars().take(16).collect()
}
