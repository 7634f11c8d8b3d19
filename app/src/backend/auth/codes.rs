//! What every emailed code shares (sign-in, confirming it is you, a new address): the
//! limits checked before one is sent, and the sentences for a refused address or code.

use super::challenge::{self, Micros, Outcome};
use super::otp;
use super::rate_limit::{self, CODE_REQUESTS_GLOBAL, CODE_REQUESTS_PER_IP};
use crate::AppError;
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::Texts;
use domain::{Email, EmailError};
use sqlx::AnyConnection;

/// The message for an address that is not one.
pub fn email_error(t: &Texts, error: EmailError) -> AppError {
    let message = match error {
        EmailError::Empty => t.err_email_empty,
        EmailError::Malformed => t.err_email_malformed,
        EmailError::TooLong => t.err_email_too_long,
    };
    AppError::invalid("email", message)
}

pub fn rate_limited(seconds: u64) -> AppError {
    AppError::RateLimited {
        retry_after_secs: seconds,
    }
}

/// The error a person sees for a code that was not accepted (`None` when it was).
pub fn code_error(t: &Texts, outcome: Outcome) -> Option<AppError> {
    let message = match outcome {
        Outcome::Accepted => return None,
        Outcome::Wrong { remaining } => t.err_code_wrong.replace("{n}", &remaining.to_string()),
        Outcome::Exhausted => t.err_code_exhausted.to_owned(),
        Outcome::Expired => t.err_code_expired.to_owned(),
        Outcome::Spent => t.err_code_spent.to_owned(),
    };
    Some(AppError::invalid("code", message))
}

/// Before any code goes out: the sender's IP is within its limit, and the address has
/// not had a code too recently (both sign-in and change-of-address codes count).
pub async fn check_code_limits(
    conn: &mut AnyConnection,
    state: &AppState,
    meta: &RequestMeta,
    email: &Email,
    now: Micros,
) -> Result<(), AppError> {
    let per_ip = rate_limit::Limit {
        limit: state.config.mail.codes_per_ip_hour,
        ..CODE_REQUESTS_PER_IP
    };
    if let Err(wait) = rate_limit::hit(conn, per_ip, &meta.ip_bucket(), now).await? {
        return Err(rate_limited(wait));
    }
    if let Err(wait) = rate_limit::hit(conn, CODE_REQUESTS_GLOBAL, "all", now).await? {
        return Err(rate_limited(wait));
    }
    // The address's throttle is read, then a code is stored: under the address's own lock,
    // so parallel requests cannot all see "none sent yet".
    rate_limit::lock(
        conn,
        &format!("send:{}", state.db.records.email_index(email.as_str())),
        now,
    )
    .await?;
    let sent = otp::sent_times(conn, &state.db.records, email.as_str(), now).await?;
    challenge::may_send(&sent, now, state.config.code_throttle()).map_err(rate_limited)
}
