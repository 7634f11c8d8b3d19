//! "Your data": download everything the registry holds about you, as one ZIP made in the
//! background. The page shows each archive's progress and refreshes itself while one is
//! being made (with or without JavaScript).

use super::NeedsSignIn;
use crate::api::account::{RequestExport, list_exports};
use crate::components::form::{ErrorBox, Notice, Submit, use_form_error, use_query_flag};
use crate::i18n::use_lang;
use crate::model::ExportView;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn YourData() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let exports = Resource::new(|| (), |_| list_exports());
    let error = use_form_error::<RequestExport>();
    let requested = use_query_flag("requested");
    let body = move || {
        Suspend::new(async move {
            let page = match exports.await {
                Ok(page) => page,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let list = page.items;
            let busy = list.iter().any(ExportView::in_progress);
            view! {
                {busy.then(|| view! { <meta http-equiv="refresh" content="2"/> })}
                {if page.stepped_up {
                    view! {
                        <form method="post" action=RequestExport::url()>
                            <Submit label=t.export_button/>
                        </form>
                    }
                    .into_any()
                } else {
                    view! { <p><a href="/account/security#confirm" class="underline focus-ring">{t.export_step_up_first}</a></p> }.into_any()
                }}
                {(!list.is_empty()).then(|| view! {
                    <ul class="space-y-3" aria-label=t.export_list>
                        {list.into_iter().map(|e| view! { <ExportRow e/> }).collect_view()}
                    </ul>
                })}
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.export_title/>
        <section class="max-w-3xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.export_title}</h1>
            <p class="text-slate-700">{t.export_intro}</p>
            <Notice show=requested text=t.export_requested/>
            <ErrorBox error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// One archive: when it was asked for, how far it is, and its download once ready.
#[component]
fn ExportRow(e: ExportView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let when = lang.moment(e.created_at_us);
    let state = match e.status.as_str() {
        "ready" => view! {
            <a href=format!("/account/export/{}/download", e.id) rel="external"
                class="rounded bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 focus-ring">
                {format!("{} ({})", t.export_download, human_size(e.size_bytes))}
            </a>
            {e.expires.clone().map(|day| view! {
                <span class="text-sm text-slate-600">{t.export_kept_until.replace("{date}", &lang.date_text(&day))}</span>
            })}
        }
        .into_any(),
        "failed" => view! { <span role="alert" class="text-red-800">{t.export_failed}</span> }.into_any(),
        _ => view! {
            <span role="status">{t.export_being_made}</span>
            <progress max=e.steps_total.max(1) value=e.steps_done aria-label=t.export_being_made class="w-40"></progress>
        }
        .into_any(),
    };
    let what = match e.scope.as_str() {
        "firm" => t.export_of_firm.to_owned(),
        "member" => t.export_of_member.replace("{name}", &e.subject),
        _ => t.export_of_you.to_owned(),
    };
    view! {
        <li class="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3">
            <span class="font-medium">{what}" · "{when}</span>
            {state}
        </li>
    }
}

/// "840 KB", "2.4 MB".
fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}
