//! CSV import: choose or paste a file, see every row with its problems, then confirm.
//! Nothing is saved before the confirmation.

use crate::api::log::{CancelImport, ConfirmImport, StageImport, get_import};
use crate::components::file_pick::FilePick;
use crate::components::form::{ErrorBox, Notice, use_form_error, use_form_values, use_query_flag};
use crate::i18n::use_lang;
use crate::page_url::query_value;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The upload form: a file (its bytes, so the server can tell the encoding) or pasted
/// text, posted as multipart to `/log/import/upload`. Works the same without JavaScript.
#[component]
fn CsvUpload() -> impl IntoView {
    let t = use_lang().texts();
    let kept = use_form_values::<StageImport>();
    view! {
        <form method="post" action="/log/import/upload" enctype="multipart/form-data" class="max-w-2xl space-y-4">
            <p class="text-slate-700">{t.import_intro}</p>
            <details class="rounded border border-slate-200 bg-white p-3 text-sm">
                <summary class="cursor-pointer font-medium focus-ring">{t.import_accepted_summary}</summary>
                <dl class="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
                    {t.import_accepted.iter().map(|(term, values)| view! {
                        <dt class="font-medium">{*term}</dt>
                        <dd class="text-slate-700 [overflow-wrap:anywhere]">{*values}</dd>
                    }).collect_view()}
                </dl>
            </details>
            <div class="space-y-2">
                <p id="file-hint" class="text-sm text-slate-600">{t.import_file_hint}</p>
                <FilePick id="file" name="file" label=t.import_file accept=".csv,.txt,text/csv" described_by="file-hint"/>
            </div>
            <div class="space-y-1">
                <label for="content" class="block font-medium">{t.import_paste}</label>
                <textarea id="content" name="content" rows="8"
                    class="w-full rounded border border-slate-400 px-3 py-2 font-mono text-sm focus-ring">{kept.get("content")}</textarea>
            </div>
            // A file or pasted text: the form goes without the file too.
            <button type="submit" formnovalidate=true class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.import_preview}</button>
        </form>
    }
}

#[component]
pub fn ImportCsv() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = query_value("id");
    let preview = Resource::new(
        move || id.clone(),
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
            let mapping = preview
                .mapping
                .iter()
                .map(|m| {
                    let taken = m.column.clone().unwrap_or_else(|| t.import_column_ignored.to_owned());
                    view! {
                        <li class="flex flex-wrap gap-x-2">
                            <span class="font-mono [overflow-wrap:anywhere]">{m.header.clone()}</span>
                            <span aria-hidden="true">"→"</span>
                            <span class=if m.column.is_some() { "font-medium" } else { "text-slate-600 italic" }>{taken}</span>
                        </li>
                    }
                })
                .collect_view();
            let read_as = t.import_read_as.replace("{encoding}", &preview.encoding);
            let rows = preview
                .rows
                .iter()
                .map(|r| {
                    let (class, status) = match &r.error {
                        Some(e) => ("border-t border-slate-200 bg-red-50", e.clone()),
                        None => ("border-t border-slate-200", t.import_row_ok.to_owned()),
                    };
                    // On a phone each row is a card, the result (the reason) on its own line.
                    view! {
                        <tr class=format!("{class} block py-2 sm:table-row sm:py-0")>
                            <td class="inline pr-2 text-slate-600 sm:table-cell sm:py-1 sm:pr-3 sm:text-slate-900"><span class="sm:hidden">{t.col_line}" "</span>{r.line}</td>
                            <td class="inline pr-2 whitespace-nowrap sm:table-cell sm:py-1 sm:pr-3">{lang.date_text(&r.date)}</td>
                            <td class="block font-medium [overflow-wrap:anywhere] sm:table-cell sm:py-1 sm:pr-3 sm:font-normal">{r.title.clone()}</td>
                            <td class="inline pr-2 sm:table-cell sm:py-1 sm:pr-3">{r.hours.clone()}</td>
                            <td class="inline sm:table-cell sm:py-1 sm:pr-3">{r.category.clone()}</td>
                            <td class="block pt-1 [overflow-wrap:anywhere] sm:table-cell sm:py-1">{status}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p role="status" class="font-semibold">{format!("{} {valid} · {} {invalid}", t.import_valid_rows, t.import_invalid_rows)}</p>
                <section aria-labelledby="mapping-heading" class="space-y-1 rounded border border-slate-200 bg-white p-3 text-sm">
                    <h2 id="mapping-heading" class="font-semibold">{t.import_mapping_heading}</h2>
                    <p class="text-slate-700">{read_as}</p>
                    <ul data-testid="import-mapping" class="space-y-0.5">{mapping}</ul>
                </section>
                <div>
                    <table class="w-full text-left text-sm">
                        <caption class="sr-only">{t.import_preview}</caption>
                        <thead class="sr-only sm:not-sr-only sm:table-header-group"><tr>
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
