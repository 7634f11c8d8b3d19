//! The page for anything a person can reach that is not there for them: an unknown address,
//! and, rendered by the file routes, a certificate or report that is not theirs, or a file
//! link that expired or was changed. Always an app page in their language with a way on:
//! to their dashboard when signed in, to the start page and sign-in when not.

use crate::api::auth::current_user;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

/// Why a file route answers with this page (put in context by the server's route).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No such page or file, or not this person's (the two are not told apart).
    NotFound,
    /// A signed file link that has expired or was altered.
    LinkExpired,
    /// The person may not do this (their role).
    Forbidden,
}

impl Problem {
    pub fn status(self) -> u16 {
        match self {
            Problem::NotFound => 404,
            Problem::LinkExpired | Problem::Forbidden => 403,
        }
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let problem = use_context::<Problem>().unwrap_or(Problem::NotFound);
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(problem.status())
    {
        response.set_status(status);
    }
    let t = use_texts();
    let (title, body) = match problem {
        Problem::NotFound => (t.not_found_title, t.not_found_body),
        Problem::LinkExpired => (t.link_expired_title, t.link_expired_body),
        Problem::Forbidden => (t.forbidden_title, t.forbidden_body),
    };
    let me = Resource::new(|| (), |_| current_user());
    let ways = move || {
        Suspend::new(async move {
            let signed_in = matches!(me.await, Ok(Some(_)));
            let primary =
                "inline-block rounded bg-indigo-700 px-4 py-2 font-semibold text-white focus-ring";
            let secondary = "inline-block rounded border border-slate-400 px-4 py-2 focus-ring";
            if signed_in {
                view! {
                    <a href="/dashboard" class=primary>{t.not_found_dashboard}</a>
                    <a href="/log" class=secondary>{t.not_found_log}</a>
                }
                .into_any()
            } else {
                view! {
                    <a href="/" class=primary>{t.not_found_home}</a>
                    <a href="/sign-in" class=secondary>{t.nav_sign_in}</a>
                }
                .into_any()
            }
        })
    };
    view! {
        <Title text=title/>
        <section class="max-w-2xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{title}</h1>
            <p class="text-slate-700">{body}</p>
            <div class="flex flex-wrap gap-3"><Suspense fallback=|| ()>{ways}</Suspense></div>
        </section>
    }
}
