//! The one error type the application shows to people.
//!
//! Which error to use where: domain code returns its own small typed errors (`HoursError`);
//! server-side plumbing uses `anyhow::Error` with `.context(..)`; every server function
//! returns `Result<T, AppError>`. An internal failure becomes [`AppError::Internal`] through
//! [`AppError::internal`], which logs the cause on the server and sends the browser nothing
//! but the variant: no SQL, no paths, no secrets ever cross the wire.

use crate::i18n::Texts;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// The account was blocked by its firm.
    #[error("account blocked")]
    Blocked,
    /// A field failed validation; `field` names it and `message` is safe to show.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    /// Several fields failed validation, each named with what to do (in form order).
    #[error("{} fields are invalid", errors.len())]
    InvalidFields { errors: Vec<FieldError> },
    /// The request itself was malformed (bad arguments, wrong encoding).
    #[error("bad request")]
    BadRequest,
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work: try again shortly.
    #[error("busy; retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// The browser could not reach the server (only ever built on the client).
    #[error("network error")]
    Network,
    #[error("internal error")]
    Internal,
}

/// One wrong field of a form and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collects every wrong field of a form, so one submission gets every message at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The value, or `None` with the problem noted.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was wrong; one field's error or all of them otherwise.
    pub fn finish(mut self) -> Result<(), AppError> {
        match self.0.len() {
            0 => Ok(()),
            1 => {
                let only = self.0.remove(0);
                Err(AppError::Invalid {
                    field: only.field,
                    message: only.message,
                })
            }
            _ => Err(AppError::InvalidFields { errors: self.0 }),
        }
    }
}

impl AppError {
    /// A course's problems as the form's error: every wrong field with its sentence.
    pub fn entry(t: &Texts, errors: &domain::EntryErrors) -> AppError {
        let mut problems = Problems::default();
        for (field, problem) in &errors.0 {
            problems.add(field.name(), t.entry_problem(*problem));
        }
        problems.finish().err().unwrap_or(AppError::BadRequest)
    }

    /// Every field this error names, with its message (none for other errors).
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid { field, message } => vec![FieldError {
                field: field.clone(),
                message: message.clone(),
            }],
            AppError::InvalidFields { errors } => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// The message for the field `name`, if this error names it.
    pub fn message_for(&self, name: &str) -> Option<String> {
        self.field_errors()
            .into_iter()
            .find(|e| e.field == name)
            .map(|e| e.message)
    }

    /// Logs an internal failure with its full cause and returns the opaque variant.
    #[cfg(feature = "ssr")]
    pub fn internal(error: impl Into<anyhow::Error>) -> AppError {
        let error = error.into();
        tracing::error!(error = format!("{error:#}"), "internal error");
        AppError::Internal
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message a person sees, in their language.
    pub fn user_message(&self, texts: &Texts) -> String {
        match self {
            AppError::NotFound => texts.error_not_found.to_owned(),
            AppError::Unauthenticated => texts.error_unauthenticated.to_owned(),
            AppError::Forbidden => texts.error_forbidden.to_owned(),
            AppError::Blocked => texts.error_blocked.to_owned(),
            AppError::Invalid { message, .. } => message.clone(),
            AppError::InvalidFields { errors } => texts
                .err_fields_to_fix
                .replace("{n}", &errors.len().to_string()),
            AppError::BadRequest => texts.error_bad_request.to_owned(),
            AppError::RateLimited { retry_after_secs } => texts
                .err_rate_limited_wait
                .replace("{n}", &retry_after_secs.to_string()),
            AppError::Busy { retry_after_secs } => texts
                .error_busy
                .replace("{n}", &retry_after_secs.to_string()),
            AppError::Network => texts.error_network.to_owned(),
            AppError::Internal => texts.error_internal.to_owned(),
        }
    }

    /// The HTTP status for API clients and plain form posts.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::Blocked => 403,
            AppError::Invalid { .. } | AppError::InvalidFields { .. } => 422,
            AppError::BadRequest => 400,
            AppError::RateLimited { .. } => 429,
            AppError::Busy { .. } => 503,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }
}

// The one conversion of server-side failures: `?` on a database call or on anything with
// `.context(..)` logs the cause (inside the request's span) and yields `Internal`.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError::internal(error)
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::internal(error)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed or missing arguments: the request's fault, never ours.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Network,
            // Anything else is a fault on one side or the other; its text may hold
            // internals, so it is logged (on the server) and never shown.
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, SV};

    #[test]
    fn server_fn_internals_never_reach_the_message() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "relation \"users\" does not exist".into(),
        ));
        assert_eq!(err, AppError::Internal);
        assert!(!err.user_message(&EN).contains("users"));
        let round_trip = AppError::de(err.ser());
        assert_eq!(round_trip, AppError::Internal);
    }

    #[test]
    fn bad_arguments_are_a_bad_request() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(err.status(), 400);
        assert_ne!(err.user_message(&SV), err.user_message(&EN));
    }
}
