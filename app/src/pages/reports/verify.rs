//! `/verify/:id`: public. Anyone holding a report (an auditor, a regulator) learns whether
//! we issued it and can check their file against it. Shows no personal data: the date,
//! the pages and the SHA-256 identify the file without describing the person.

use crate::api::reports::verify_report;
use crate::components::file_pick::FilePick;
use crate::components::icons::Icon;
use crate::i18n::use_lang;
use crate::model::VerifyCheck;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn VerifyReport() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let found = Resource::new(move || id.clone(), verify_report);
    // Only the response to an upload carries a check (see the `POST /verify/{id}` route);
    // nothing in the URL can put a verdict on this page.
    let check = use_context::<VerifyCheck>();
    let body = move || {
        let check = check.clone();
        Suspend::new(async move {
            let Ok(Some(v)) = found.await else {
                return view! {
                    <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900" data-testid="verify-outcome">{t.verify_not_found}</p>
                }
                .into_any();
            };
            let uploaded = match &check {
                Some(VerifyCheck::Match { uploaded_sha256 }) => Some(uploaded_sha256.clone()),
                Some(VerifyCheck::Mismatch { uploaded_sha256 }) => uploaded_sha256.clone(),
                _ => None,
            };
            let outcome = check.map(|c| match c {
                VerifyCheck::Match { .. } => (
                    "border-green-300 bg-green-50 text-green-900",
                    t.verify_match,
                ),
                VerifyCheck::Mismatch {
                    uploaded_sha256: Some(_),
                } => ("border-red-300 bg-red-50 text-red-900", t.verify_mismatch),
                VerifyCheck::Mismatch {
                    uploaded_sha256: None,
                } => ("border-red-300 bg-red-50 text-red-900", t.verify_too_large),
                VerifyCheck::Empty => (
                    "border-amber-300 bg-amber-50 text-amber-900",
                    t.verify_empty,
                ),
                VerifyCheck::Limited => (
                    "border-amber-300 bg-amber-50 text-amber-900",
                    t.verify_too_many,
                ),
            });
            view! {
                <p role="status" class="rounded border border-slate-300 bg-white p-3">
                    {t.verify_found.replace("{date}", &lang.date_text(&v.issued)).replace("{pages}", &lang.count(usize::try_from(v.pages).unwrap_or(usize::MAX), t.pages_one, t.pages_other))}
                </p>
                {outcome.map(|(class, text)| view! {
                    <p role="alert" class=format!("rounded border p-3 font-semibold {class}") data-testid="verify-outcome">{text}</p>
                })}
                <dl class="space-y-2">
                    <dt class="font-medium">{t.verify_id}</dt>
                    <dd class="break-all font-mono text-sm">{v.id.clone()}</dd>
                    <dt class="font-medium">{t.verify_sha}</dt>
                    <dd class="break-all font-mono text-sm" data-testid="verify-sha">{v.sha256.clone()}</dd>
                    {uploaded.map(|sha| view! {
                        <dt class="font-medium">{t.verify_uploaded_sha}</dt>
                        <dd class="break-all font-mono text-sm" data-testid="verify-uploaded-sha">{sha}</dd>
                    })}
                </dl>
                <form method="post" action=format!("/verify/{}", v.id) enctype="multipart/form-data" class="space-y-3 rounded border border-slate-200 bg-white p-4">
                    <FilePick id="verify-file" name="file" label=t.verify_file accept="application/pdf,.pdf" icon=Icon::FilePdf/>
                    <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.verify_check}</button>
                </form>
                <p class="text-sm text-slate-600">{t.verify_command}</p>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.verify_heading/>
        <section class="max-w-2xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.verify_heading}</h1>
            <p class="text-slate-700">{t.verify_privacy}</p>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
