//! "Your data": download everything the registry holds about you, as one ZIP made in the
//! background. The page shows each archive's progress and refreshes itself while one is
//! being made (with or without JavaScript).

use super::NeedsSignIn;
use crate::api::account::{
    CancelHistoryImport, ConfirmHistoryImport, HISTORY_UPLOAD, RequestExport, get_history_import,
    list_exports,
};
use crate::components::form::{
    ErrorBox, Notice, Submit, use_form_error, use_query_flag, use_route_error,
};
use crate::i18n::use_lang;
use crate::model::{ExportView, HistoryImportView};
use crate::page_url::PageUrl;
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
            <BringHistory/>
        </section>
    }
}

/// Upload an archive made at another firm; review what it adds; add it, with progress.
#[component]
fn BringHistory() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let upload_error = use_route_error(HISTORY_UPLOAD);
    let errors = [
        use_form_error::<ConfirmHistoryImport>(),
        use_form_error::<CancelHistoryImport>(),
    ];
    let cancelled = use_query_flag("history_cancelled");
    let id = PageUrl::current().get("history").unwrap_or_default();
    let import = Resource::new(
        move || id.clone(),
        |id| async move {
            if id.is_empty() {
                Ok(None)
            } else {
                get_history_import(id).await.map(Some)
            }
        },
    );
    let state = move || {
        Suspend::new(async move {
            match import.await {
                Ok(Some(h)) => view! { <HistoryState h/> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <ErrorBox error=Signal::stored(Some(error))/> }.into_any(),
            }
        })
    };
    view! {
        <section aria-labelledby="bring-history-heading" class="space-y-3 border-t border-slate-200 pt-6">
            <h2 id="bring-history-heading" class="text-xl font-semibold">{t.bring_history_heading}</h2>
            <p class="text-slate-700">{t.history_intro}</p>
            <Notice show=cancelled text=t.history_cancelled/>
            {errors.into_iter().map(|error| view! { <ErrorBox error/> }).collect_view()}
            <Suspense fallback=|| ()>{state}</Suspense>
            <ErrorBox error=upload_error/>
            <form method="post" action=HISTORY_UPLOAD enctype="multipart/form-data" class="space-y-3">
                <div class="space-y-1">
                    <label for="history-file" class="block font-medium">{t.history_file}</label>
                    <input id="history-file" name="file" type="file" accept=".zip,application/zip" required=true
                        aria-describedby=move || upload_error.get().map(|_| "file-error".to_owned())
                        class="block w-full max-w-md text-sm focus-ring"/>
                </div>
                <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.history_upload}</button>
            </form>
        </section>
    }
}

/// A staged history with its choice, one on its way, or one done.
#[component]
fn HistoryState(h: HistoryImportView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let s = h.summary.clone();
    match h.status.as_str() {
        "staged" => {
            let text = t
                .history_preview
                .replace("{name}", &s.from_name)
                .replace("{courses}", &s.courses_new.to_string())
                .replace("{known}", &s.courses_known.to_string())
                .replace("{leaves}", &s.leaves_new.to_string())
                .replace("{exemptions}", &s.exemptions_new.to_string())
                .replace("{certificates}", &s.certificates.to_string())
                .replace("{size}", &human_size(s.certificate_bytes));
            view! {
                <div class="space-y-3 rounded-lg border border-indigo-200 bg-indigo-50 p-4">
                    <p role="status">{text}</p>
                    <div class="flex flex-wrap gap-3">
                        <form method="post" action=ConfirmHistoryImport::url()>
                            <input type="hidden" name="id" value=h.id.clone()/>
                            <Submit label=t.history_confirm/>
                        </form>
                        <form method="post" action=CancelHistoryImport::url()>
                            <input type="hidden" name="id" value=h.id.clone()/>
                            <button type="submit" class="rounded border border-slate-400 px-4 py-2 focus-ring">{t.history_cancel}</button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        "running" => view! {
            <meta http-equiv="refresh" content="2"/>
            <p role="status">{t.history_running}</p>
            <progress max=h.steps_total.max(1) value=h.steps_done aria-label=t.history_running class="w-60"></progress>
        }
        .into_any(),
        "done" => {
            let text = t
                .history_done
                .replace("{courses}", &s.courses_new.to_string())
                .replace("{known}", &s.courses_known.to_string())
                .replace("{leaves}", &s.leaves_new.to_string())
                .replace("{exemptions}", &s.exemptions_new.to_string())
                .replace("{certificates}", &s.certificates.to_string());
            view! {
                <p role="status" class="font-semibold text-green-900">{text}</p>
                {(!s.refused_names.is_empty()).then(|| view! {
                    <p role="alert" class="text-red-800">{t.history_refused.replace("{names}", &s.refused_names.join(", "))}</p>
                })}
            }
            .into_any()
        }
        _ => view! { <p role="alert" class="text-red-800">{t.history_failed}</p> }.into_any(),
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
