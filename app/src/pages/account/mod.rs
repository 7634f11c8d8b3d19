//! The signed-in person's own pages.

mod data;
mod leave;
pub(crate) mod profile;
mod security;

pub use data::YourData;
pub use leave::Leave;
pub use profile::Profile;
pub use security::AccountSecurity;

use crate::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::components::A;

/// Shown instead of a personal page when nobody is signed in (or on any other failure).
#[component]
pub fn NeedsSignIn(error: AppError) -> impl IntoView {
    let t = use_texts();
    // Signing in from here comes back here.
    let here = crate::page_url::PageUrl::current().here();
    let sign_in = format!("/sign-in{}", crate::api::preferences::next_query(&here));
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
    }
    view! {
        <div class="max-w-lg space-y-4">
            <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{error.user_message(t)}</p>
            <A href=sign_in attr:class="inline-block rounded bg-indigo-700 px-4 py-2 font-semibold text-white focus-ring">{t.nav_sign_in}</A>
        </div>
    }
}
