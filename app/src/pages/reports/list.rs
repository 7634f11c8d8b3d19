//! `/reports`: make the annual PDF for a year, follow it while it is made, download it
//! (through a fresh link that expires), delete it. Without JavaScript the page refreshes
//! itself while a report is being made; with it, the progress bar moves in place.

use crate::api::reports::{CreateReport, DeleteReport, list_reports};
use crate::components::form::{ErrorBox, Notice, use_form_error};
use crate::components::undo::ConfirmDelete;
use crate::i18n::{Lang, Texts, use_lang};
use crate::model::{ReportView, size_label};
use crate::page_url::query_value;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

fn status_text(t: &Texts, r: &ReportView) -> &'static str {
    match r.status.as_str() {
        "queued" => t.reports_queued,
        "running" => t.reports_running,
        "ready" => t.reports_ready,
        _ => t.reports_failed,
    }
}

#[component]
pub fn Reports() -> impl IntoView {
    let t = use_lang().texts();
    let list = Resource::new(|| (), |_| list_reports());
    let create_error = use_form_error::<CreateReport>();
    let delete_error = use_form_error::<DeleteReport>();
    let chosen = query_value("year").and_then(|y| y.parse::<i32>().ok());
    let created = query_value("created");
    let chosen_year = move || chosen;
    let body = move || {
        let created = created.clone();
        Suspend::new(async move {
            let page = match list.await {
                Ok(p) => p,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let busy = page.items.iter().any(ReportView::in_progress);
            // "Being made" is said while the report just asked for is; after that its row
            // says what came of it.
            let making = page
                .items
                .iter()
                .any(|r| r.in_progress() && created.as_deref() == Some(r.id.as_str()));
            let selected = chosen_year().filter(|y| page.years.contains(y));
            let years = page
                .years
                .iter()
                .map(|y| {
                    let y = *y;
                    view! { <option value=y.to_string() selected=selected == Some(y)>{y}</option> }
                })
                .collect_view();
            let languages = Lang::ALL.iter().map(|l| {
                view! { <option value=l.code() selected=l.code() == page.language>{l.native_name()}</option> }
            }).collect_view();
            view! {
                // Without JavaScript, the page looks again every few seconds while a
                // report is being made.
                {busy.then(|| view! { <noscript><meta http-equiv="refresh" content="3"/></noscript> })}
                <Notice show=making text=t.reports_created/>
                <form method="post" action=CreateReport::url() class="flex flex-wrap items-end gap-4 rounded border border-slate-200 bg-white p-4">
                    <div>
                        <label for="report-year" class="block font-medium">{t.year_label}</label>
                        <select id="report-year" name="year" class="mt-1 rounded border border-slate-400 px-3 py-2 focus-ring">{years}</select>
                    </div>
                    <div>
                        <label for="report-language" class="block font-medium">{t.reports_language}</label>
                        <select id="report-language" name="language" class="mt-1 rounded border border-slate-400 px-3 py-2 focus-ring">{languages}</select>
                    </div>
                    <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.reports_create}</button>
                </form>
                <ReportItems items=page.items/>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.reports_heading/>
        <section class="max-w-3xl space-y-6">
            <h1 class="text-3xl font-bold tracking-tight">{t.reports_heading}</h1>
            <p class="text-slate-700">{t.reports_intro}</p>
            <ErrorBox error=create_error/>
            <ErrorBox error=delete_error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

#[component]
fn ReportItems(items: Vec<ReportView>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    if items.is_empty() {
        return view! { <p class="text-slate-600">{t.reports_none}</p> }.into_any();
    }
    view! {
        <ul aria-label=t.reports_heading class="space-y-3">
            {items.into_iter().map(|r| {
                let name = format!("{} {}", t.report_title.replace("{year}", &r.year.to_string()), r.language.to_uppercase());
                let status = status_text(t, &r);
                let mut details = format!("{} {}", t.reports_created_at, lang.moment(r.created_us));
                if let (Some(p), Some(s)) = (r.pages, r.size_bytes) {
                    details.push_str(&format!(" · {} · {}", lang.count(usize::try_from(p).unwrap_or(usize::MAX), t.pages_one, t.pages_other), size_label(s)));
                }
                let left_out = (r.left_out > 0).then(|| view! {
                    <p role="status" class="text-sm text-amber-900">{lang.count(usize::try_from(r.left_out).unwrap_or(usize::MAX), t.reports_left_out_one, t.reports_left_out_other)}</p>
                });
                let failed = (r.status == "failed").then(|| view! {
                    <p role="alert" class="text-sm text-red-900">
                        {match r.problem.as_deref() { Some("interrupted") => t.reports_interrupted, Some("quota") => t.reports_quota_full, _ => t.reports_failed_text }}
                    </p>
                });
                let progress = r.in_progress().then(|| view! {
                    <ReportProgress id=r.id.clone() percent=r.percent label=name.clone()/>
                });
                let actions = (r.status == "ready").then(|| {
                    let open = format!("/reports/{}/open", r.id);
                    view! {
                        <a href=format!("{open}?d=attachment") class="rounded bg-indigo-700 px-3 py-1 font-semibold text-white focus-ring"
                            aria-label=format!("{} {name}", t.reports_download)>{t.reports_download}</a>
                        <a href=format!("/verify/{}", r.id) class="rounded border border-slate-400 px-3 py-1 focus-ring"
                            aria-label=format!("{} {name}", t.reports_verify_link)>{t.reports_verify_link}</a>
                    }
                });
                let delete = (!r.in_progress()).then(|| view! {
                    <ConfirmDelete action=DeleteReport::url() id=r.id.clone() what=name.clone() button=t.reports_delete/>
                });
                view! {
                    <li class="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="report">
                        <div class="flex flex-wrap items-baseline justify-between gap-2">
                            <p class="font-medium">{name.clone()}</p>
                            <p class="text-sm" data-testid="report-status">{status}</p>
                        </div>
                        <p class="text-sm text-slate-600">{details}</p>
                        {left_out}
                        {failed}
                        {progress}
                        <div class="flex flex-wrap gap-2">{actions}{delete}</div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The progress bar of a report being made. With JavaScript it asks every second how
/// far the report is, and shows the page afresh when it is done.
#[island]
fn ReportProgress(id: String, percent: u32, label: String) -> impl IntoView {
    let t = use_lang().texts();
    let percent = RwSignal::new(percent);
    #[cfg(feature = "hydrate")]
    {
        let id = id.clone();
        let handle = set_interval_with_handle(
            move || browser::poll(&id, percent),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = &id;
    view! {
        <div class="space-y-1">
            <progress class="h-3 w-full" max="100" value=move || percent.get().to_string()
                aria-label=format!("{} {label}", t.reports_progress)></progress>
            <p class="text-sm text-slate-600" aria-live="polite">{move || format!("{} %", percent.get())}</p>
        </div>
    }
}

/// The browser side of the progress bar: a plain request to the progress function, read
/// with the browser's own JSON parser (no server-function client or serde in the bundle).
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    pub fn poll(id: &str, percent: RwSignal<u32>) {
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            return;
        };
        if xhr.open("POST", "/api/reports/report_progress").is_err() {
            return;
        }
        let _ = xhr.set_request_header("Content-Type", "application/x-www-form-urlencoded");
        let _ = xhr.set_request_header("Accept", "application/json");
        let answer = xhr.clone();
        let onload = Closure::once_into_js(move || {
            if answer.status().ok() != Some(200) {
                return;
            }
            let Some(value) = answer
                .response_text()
                .ok()
                .flatten()
                .and_then(|text| js_sys::JSON::parse(&text).ok())
            else {
                return;
            };
            let field = |key: &str| js_sys::Reflect::get(&value, &key.into()).ok();
            if let Some(p) = field("percent").and_then(|v| v.as_f64()) {
                percent.set(p.clamp(0.0, 100.0) as u32);
            }
            let status = field("status")
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            // Done either way: show the page afresh, with the download or the reason.
            if matches!(status.as_str(), "ready" | "failed")
                && let Some(window) = web_sys::window()
            {
                let _ = window.location().reload();
            }
        });
        xhr.set_onload(Some(onload.unchecked_ref()));
        let body = String::from(js_sys::encode_uri_component(id));
        let _ = xhr.send_with_opt_str(Some(&format!("id={body}")));
    }
}
