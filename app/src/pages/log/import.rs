//! CSV import: choose or paste a file, see every row with its problems, then confirm.
//! Nothing is saved before the confirmation.

use crate::api::log::{CancelImport, ConfirmImport, StageImport, get_import};
use crate::components::form::{ErrorBox, Notice, use_form_error, use_query_flag};
use crate::i18n::use_lang;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The upload form. An island: with JavaScript a chosen file is read into the text box.
#[island]
fn CsvUpload() -> impl IntoView {
    let t = use_lang().texts();
    let content = RwSignal::new(String::new());
    // With JavaScript, a chosen file is read into the text box; without it, people paste.
    let read_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                leptos::task::spawn_local(async move {
                    if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        content.set(text.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, content);
    };
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <form method="post" action=StageImport::url() class="max-w-2xl space-y-4">
            <p class="text-slate-700">{t.import_intro}</p>
            <p class="font-mono text-sm">"date,title,provider,hours,category,verifiable,topic,notes"</p>
            {move || live.get().then(|| view! {
                <div class="space-y-1">
                    <label for="file" class="block font-medium">{t.import_file}</label>
                    <input id="file" type="file" accept=".csv,text/csv" on:change=read_file class="block focus-ring"/>
                </div>
            })}
            <div class="space-y-1">
                <label for="content" class="block font-medium">{t.import_paste}</label>
                <textarea id="content" name="content" rows="10" required=true prop:value=content
                    on:input=move |ev| content.set(event_target_value(&ev))
                    class="w-full rounded border border-slate-400 px-3 py-2 font-mono text-sm focus-ring"></textarea>
            </div>
            <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.import_preview}</button>
        </form>
    }
}

#[component]
pub fn ImportCsv() -> impl IntoView {
    let t = use_lang().texts();
    let query = use_query_map();
    let id = Memo::new(move |_| query.with(|q| q.get("id")));
    let preview = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_import(id).await.map(Some),
                // Nothing staged yet: still only for a signed-in person.
                None => crate::api::log::get_log().await.map(|_| None),
            }
        },
    );
    let stage_error = use_form_error::<StageImport>();
    let confirm_error = use_form_error::<ConfirmImport>();
    let cancelled = use_query_flag("cancelled");
    let body = move || {
        Suspend::new(async move {
            let preview = match preview.await {
                Ok(Some(p)) => p,
                Ok(None) => return view! { <CsvUpload/> }.into_any(),
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            if let Some(message) = preview.file_error.clone() {
                return view! {
                    <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900">{message}</p>
                    <CsvUpload/>
                }
                .into_any();
            }
            let (valid, invalid) = (preview.valid(), preview.invalid());
            let rows = preview
                .rows
                .iter()
                .map(|r| {
                    let (class, status) = match &r.error {
                        Some(e) => ("border-t border-slate-200 bg-red-50", e.clone()),
                        None => ("border-t border-slate-200", t.import_row_ok.to_owned()),
                    };
                    view! {
                        <tr class=class>
                            <td class="py-1 pr-3">{r.line}</td>
                            <td class="py-1 pr-3">{r.date.clone()}</td>
                            <td class="py-1 pr-3">{r.title.clone()}</td>
                            <td class="py-1 pr-3">{r.hours.clone()}</td>
                            <td class="py-1 pr-3">{r.category.clone()}</td>
                            <td class="py-1">{status}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p role="status" class="font-semibold">{format!("{} {valid} · {} {invalid}", t.import_valid_rows, t.import_invalid_rows)}</p>
                <div class="overflow-x-auto">
                    <table class="w-full text-left text-sm">
                        <caption class="sr-only">{t.import_preview}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3">{t.col_line}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_date}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_course}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_hours}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_category}</th>
                            <th scope="col" class="py-1">{t.col_result}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <div class="flex flex-wrap gap-3">
                    {(valid > 0).then(|| view! {
                        <form method="post" action=ConfirmImport::url()>
                            <input type="hidden" name="id" value=preview.id.clone()/>
                            <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">
                                {format!("{} ({valid})", t.import_confirm)}
                            </button>
                        </form>
                    })}
                    <form method="post" action=CancelImport::url()>
                        <input type="hidden" name="id" value=preview.id.clone()/>
                        <button type="submit" class="rounded border border-slate-400 px-4 py-2 focus-ring">{t.cancel}</button>
                    </form>
                </div>
                {(invalid > 0).then(|| view! { <p class="text-sm text-slate-700">{t.import_skipped_note}</p> })}
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.import_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.import_title}</h1>
            <Notice show=cancelled text=t.import_cancelled/>
            <ErrorBox error=stage_error/>
            <ErrorBox error=confirm_error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
