use crate::i18n::use_texts;
use crate::pages::quick_check::QuickCheck;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Home() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.product/>
        <div class="grid gap-8 lg:grid-cols-2">
            <section aria-labelledby="home-title" class="space-y-4">
                <h1 id="home-title" class="text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">
                    {t.home_title}
                </h1>
                <p class="text-lg text-slate-700">{t.home_intro}</p>
                <ul class="list-disc space-y-2 pl-5 text-slate-700">
                    {t.home_points.iter().map(|point| view! { <li>{*point}</li> }).collect_view()}
                </ul>
            </section>
            <QuickCheck/>
        </div>
    }
}
