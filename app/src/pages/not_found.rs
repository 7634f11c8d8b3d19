use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <Title text=t.not_found_title/>
        <section class="max-w-2xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.not_found_title}</h1>
            <p class="text-slate-700">{t.not_found_body}</p>
            <A href="/" attr:class="inline-block rounded bg-indigo-700 px-4 py-2 font-semibold text-white focus-ring">
                {t.not_found_home}
            </A>
        </section>
    }
}
