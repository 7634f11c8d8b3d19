//! The security policy, data processing terms and sub-processor list: the promises of
//! the published policy and DPA, in our own words.

use crate::i18n::{Section, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn PolicyPage(title: &'static str, sections: &'static [Section]) -> impl IntoView {
    view! {
        <Title text=title/>
        <article class="max-w-3xl space-y-6">
            <h1 class="text-3xl font-bold tracking-tight">{title}</h1>
            {sections
                .iter()
                .map(|section| {
                    view! {
                        <section class="space-y-2">
                            <h2 class="text-xl font-semibold">{section.heading}</h2>
                            {section.paragraphs.iter().map(|p| view! { <p class="text-slate-700">{*p}</p> }).collect_view()}
                        </section>
                    }
                })
                .collect_view()}
        </article>
    }
}

#[component]
pub fn Security() -> impl IntoView {
    let t = use_texts();
    view! { <PolicyPage title=t.security_title sections=t.security_sections/> }
}

#[component]
pub fn DataProcessing() -> impl IntoView {
    let t = use_texts();
    view! { <PolicyPage title=t.data_processing_title sections=t.data_processing_sections/> }
}

#[component]
pub fn SubProcessors() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.subprocessors_title/>
        <article class="max-w-4xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.subprocessors_title}</h1>
            <p class="text-slate-700">{t.subprocessors_intro}</p>
            <div class="overflow-x-auto">
                <table class="w-full border-collapse text-left text-sm">
                    <caption class="sr-only">{t.subprocessors_title}</caption>
                    <thead>
                        <tr class="border-b border-slate-300">
                            {t.subprocessors_columns.iter().map(|c| view! { <th scope="col" class="py-2 pr-4 font-semibold">{*c}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {t.subprocessors_rows
                            .iter()
                            .map(|row| {
                                view! {
                                    <tr class="border-b border-slate-200">
                                        <th scope="row" class="py-2 pr-4 font-medium">{row[0]}</th>
                                        {row[1..].iter().map(|cell| view! { <td class="py-2 pr-4">{*cell}</td> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="text-slate-700">{t.subprocessors_notice}</p>
        </article>
    }
}
