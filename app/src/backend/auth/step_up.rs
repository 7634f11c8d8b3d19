//! Confirming it is the person again before a sensitive change: changing the sign-in
//! address, adding the authenticator app, and ending other sessions. A stolen session
//! cookie alone must not be enough to take the account over. The person proves themselves
//! with their authenticator app if they have one, else with a code emailed to their address
//! (bound to this browser's session, like a sign-in code); the session may then make such
//! changes for ten minutes. A wrong code from the app counts towards the one lockout of the
//! app's codes (as at sign-in); a wrong emailed code towards the step-up's own.

use super::challenge::Micros;
use super::otp::{self, Kind};
use super::viewer::Viewer;
use super::{codes, lockouts, session, totp, users};
use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::db::now_micros;
use crate::backend::mail::{enqueue_secret, templates};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Lang;
use domain::Email;

/// How long a confirmation allows sensitive changes.
pub const FRESH_FOR: Micros = 10 * 60 * 1_000_000;

/// Whether this session confirmed it is the person within the last ten minutes.
pub fn is_fresh(viewer: &Viewer, now: Micros) -> bool {
    viewer
        .session
        .stepped_up_until
        .is_some_and(|until| until > now)
}

/// Refuses a sensitive change unless the session was confirmed recently.
pub fn require(viewer: &Viewer, lang: Lang) -> Result<(), AppError> {
    if is_fresh(viewer, now_micros()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "step_up",
            lang.texts().err_step_up_needed,
        ))
    }
}

/// Emails a confirmation code to the person (for those without an authenticator app).
pub async fn request_code(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<(), AppError> {
    let t = lang.texts();
    let email = Email::parse(&viewer.user.email).map_err(|e| codes::email_error(t, e))?;
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    codes::check_code_limits(&mut tx, state, meta, &email, now).await?;
    let issued = otp::issue(
        &mut tx,
        state.master_key(),
        &state.db.records,
        otp::For {
            kind: Kind::SignIn,
            email: email.as_str(),
            user_id: Some(&viewer.user.id),
            invitation_id: None,
            browser_session: &viewer.session.id_hash,
        },
        now,
    )
    .await?;
    enqueue_secret(
        &mut tx,
        &state.db.records,
        &templates::step_up_code(lang, email.as_str(), &issued.code),
        now + super::challenge::TTL,
    )
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::StepUpRequested,
            &Target::new("challenge", &issued.id),
        )
        .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(())
}

/// Checks the code (from the app, or emailed) and, if right, confirms the session.
pub async fn confirm(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    code: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    let now = now_micros();
    let user = &viewer.user;
    let mut tx = state.db.begin().await?;
    let with_app = users::has_second_factor(&mut tx, &user.id).await?;
    // A guess at the app's code counts where every other such guess counts (sign-in,
    // enrolment, removal): one lockout, not one per place it can be typed.
    let subject = if with_app {
        totp::lockout_subject(&user.id)
    } else {
        format!("step-up:{}", user.id)
    };
    if let Some(wait) = lockouts::admit(&mut tx, meta, &[&subject], now).await? {
        tx.commit().await?;
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let refusal = if with_app {
        match totp::verify(&mut tx, state.master_key(), &user.id, code, now).await? {
            Some(_) => None,
            None => Some(AppError::invalid("code", t.err_totp_wrong)),
        }
    } else {
        let stored = otp::latest_for_browser(
            &mut tx,
            &state.db.records,
            Kind::SignIn,
            &viewer.session.id_hash,
        )
        .await?
        .filter(|s| s.user_id.as_deref() == Some(user.id.as_str()));
        match stored {
            None => Some(AppError::invalid("code", t.err_no_code)),
            Some(stored) => {
                let matches = stored.code_matches(state.master_key(), code);
                let outcome = otp::submit(&mut tx, &stored, now, matches).await?;
                codes::code_error(t, outcome)
            }
        }
    };
    if let Some(error) = refusal {
        lockouts::fail(&mut tx, &[&subject], now).await?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::StepUpFailed,
                &Target::new("user", &user.id),
            )
            .await?;
        tx.commit().await?;
        return Err(error);
    }
    lockouts::clear(&mut tx, &subject).await?;
    session::step_up(&mut tx, &viewer.session.id_hash, now + FRESH_FOR).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::SteppedUp,
            &Target::new("user", &user.id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}
