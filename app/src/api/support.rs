//! What every server function needs from its request: the state, the caller, the
//! language, and a way to set cookies and statuses on the response.

use crate::AppError;
use crate::backend::auth::flows::CookieChange;
use crate::backend::auth::viewer::{self, Viewer};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::i18n::{Lang, request_lang};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// The request a server function is serving.
#[derive(Debug, Clone)]
pub struct Call {
    pub state: AppState,
    pub parts: Parts,
    pub meta: RequestMeta,
    pub lang: Lang,
}

pub fn call() -> Result<Call, AppError> {
    let state = use_context::<AppState>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("AppState missing from context")))?;
    let parts = use_context::<Parts>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("request parts missing from context")))?;
    let meta = RequestMeta::from_parts(&parts, &state.config);
    let lang = request_lang(&parts.headers);
    Ok(Call {
        state,
        parts,
        meta,
        lang,
    })
}

impl Call {
    /// The signed-in person, fully (second factor done if they have one).
    pub async fn viewer(&self) -> Result<Viewer, AppError> {
        match self.any_viewer().await? {
            Some(v) if !v.pending_second_factor => Ok(v),
            _ => Err(self.fail(AppError::Unauthenticated)),
        }
    }

    /// The signed-in person, even if the second factor is still owed.
    pub async fn any_viewer(&self) -> Result<Option<Viewer>, AppError> {
        Ok(viewer::load(&self.state, &self.parts.headers, &self.meta).await?)
    }

    pub fn apply(&self, change: &CookieChange) -> Result<(), AppError> {
        if let Some(cookie) = &change.set_cookie {
            let value = HeaderValue::from_str(cookie).map_err(AppError::internal)?;
            expect_context::<ResponseOptions>().append_header(header::SET_COOKIE, value);
        }
        Ok(())
    }

    /// Prepares an error for the response: API clients get the matching HTTP status (429
    /// with `Retry-After` when rate-limited). A plain form post is redirected back to its
    /// page with the error instead, so its status must stay a redirect.
    pub fn fail(&self, error: AppError) -> AppError {
        if !self.meta.wants_html
            && let Some(response) = use_context::<ResponseOptions>()
        {
            if let Ok(status) = StatusCode::from_u16(error.status()) {
                response.set_status(status);
            }
            if let AppError::RateLimited { retry_after_secs }
            | AppError::Busy { retry_after_secs } = &error
            {
                response.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
        }
        error
    }

    /// Sends the browser to `path` after a successful form post.
    pub fn redirect(&self, path: &str) {
        leptos_axum::redirect(path);
    }
}
