//! The certificates of an entry, on its page: what is attached (images shown, PDFs
//! opened in a new tab — always through a fresh link that expires), and the upload.
//!
//! The upload is a plain multipart form that works without JavaScript (choose files or
//! take a photo, press Upload; the page comes back with the outcome). With JavaScript the
//! island adds drag and drop and sends each file on its own, with a progress bar and its
//! own message.

use crate::api::certificates::{DeleteCertificate, list_certificates};
use crate::components::file_pick::FilePick;
use crate::components::form::{ErrorBox, use_form_error};
use crate::components::icons::{Icon, IconSvg};
use crate::components::undo::ConfirmDelete;
use crate::i18n::use_lang;
use crate::model::{CertificateView, UploadOutcome};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// What the files accepted by the form may be.
const ACCEPT: &str = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";

#[component]
pub fn Certificates(entry_id: String) -> impl IntoView {
    let t = use_lang().texts();
    let list = Resource::new(
        {
            let id = entry_id.clone();
            move || id.clone()
        },
        list_certificates,
    );
    let delete_error = use_form_error::<DeleteCertificate>();
    let body = move || {
        let entry_id = entry_id.clone();
        Suspend::new(async move {
            match list.await {
                Ok(list) => view! {
                    <Outcome max_mb=list.max_mb/>
                    <CertificateUploader entry_id max_mb=list.max_mb items=list.items/>
                }
                .into_any(),
                Err(e) => view! { <p role="alert" class="text-red-900">{e.user_message(t)}</p> }
                    .into_any(),
            }
        })
    };
    view! {
        <section id="certificates" aria-labelledby="certificates-heading" class="max-w-2xl space-y-4 border-t border-slate-200 pt-6">
            <h2 id="certificates-heading" class="text-2xl font-semibold">{t.cert_heading}</h2>
            <ErrorBox error=delete_error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// What the plain-form upload this page answers did (from the upload route, in context;
/// never from the URL, so no link can put a message here).
#[component]
fn Outcome(max_mb: u64) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let Some(outcome) = use_context::<UploadOutcome>() else {
        return ().into_any();
    };
    let refused = outcome
        .refused
        .iter()
        .map(|(file, code)| format!("{file}: {}", t.upload_refusal(code, max_mb)));
    view! {
        {(outcome.stored > 0).then(|| view! { <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">{format!("{} {}", t.cert_uploaded, outcome.stored)}</p> })}
        {refused.map(|m| view! { <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900 [overflow-wrap:anywhere]">{m}</p> }).collect_view()}
        {outcome.failed.then(|| view! { <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900">{t.error_internal}</p> })}
        {outcome.already.iter().map(|f| view! { <p role="status" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900 [overflow-wrap:anywhere]">{format!("{} {f}", t.cert_already)}</p> }).collect_view()}
        {outcome.also_on.iter().map(|title| view! { <p role="status" class="rounded border border-slate-300 bg-white p-3 [overflow-wrap:anywhere]">{t.cert_also_on.replace("{title}", title)}</p> }).collect_view()}
    }
    .into_any()
}

#[component]
fn CertificateItems(items: Vec<CertificateView>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    if items.is_empty() {
        return view! {
            <div class="flex items-center gap-3 rounded-lg border border-slate-200 bg-white p-4 text-slate-700" data-testid="empty-state">
                <span class="grid h-10 w-10 place-items-center rounded-full bg-slate-100 text-slate-600"><IconSvg icon=Icon::FilePdf/></span>
                <div>
                    <p class="font-medium text-slate-900">{t.cert_none}</p>
                    <p class="text-sm">{t.cert_none_hint}</p>
                </div>
            </div>
        }
        .into_any();
    }
    view! {
        <ul aria-label=t.cert_list_label class="space-y-3">
            {items.into_iter().map(|c| {
                let open = format!("/certificates/{}/open", c.id);
                let download = format!("{open}?d=attachment");
                let details = match (c.pages, c.width, c.height) {
                    (Some(p), _, _) => format!("PDF · {} · {}", lang.count(usize::try_from(p).unwrap_or(usize::MAX), t.pages_one, t.pages_other), c.size_label()),
                    (_, Some(w), Some(h)) => format!("{w}×{h} · {}", c.size_label()),
                    _ => c.size_label(),
                };
                let preview = c.is_image().then(|| view! {
                    <a href=open.clone() target="_blank" rel="noopener" class="shrink-0 focus-ring">
                        <img src=open.clone() alt=c.file_name.clone() loading="lazy" class="h-20 w-20 rounded border border-slate-200 object-cover"/>
                    </a>
                });
                view! {
                    <li class="flex flex-wrap items-center gap-3 rounded border border-slate-200 bg-white p-3">
                        {preview}
                        <div class="min-w-0 flex-1">
                            <p class="break-all font-medium">{c.file_name.clone()}</p>
                            <p class="text-sm text-slate-600">{details}</p>
                        </div>
                        <div class="flex flex-wrap gap-2">
                            <a href=open target="_blank" rel="noopener" class="rounded border border-slate-400 px-3 py-1 focus-ring"
                                aria-label=format!("{} {}", t.cert_open, c.file_name)>{t.cert_open}</a>
                            <a href=download class="rounded border border-slate-400 px-3 py-1 focus-ring"
                                aria-label=format!("{} {}", t.cert_download, c.file_name)>{t.cert_download}</a>
                            <ConfirmDelete action=DeleteCertificate::url() id=c.id.clone() what=c.file_name.clone() button=t.cert_delete/>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One file on its way up (JavaScript only).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sending {
    name: String,
    percent: u32,
    /// `None` while sending; then whether it was stored, and what to say.
    result: Option<(bool, String)>,
}

/// The upload form. Without JavaScript it posts every chosen file at once; with it, each
/// file (chosen, photographed or dropped) goes up on its own with a progress bar.
#[island]
fn CertificateUploader(
    entry_id: String,
    max_mb: u64,
    items: Vec<CertificateView>,
) -> impl IntoView {
    let t = use_lang().texts();
    // The list is the island's own, so each accepted file shows in it at once.
    let items = RwSignal::new(items);
    let intro = t.cert_intro.replace("{max}", &max_mb.to_string());
    let sending = RwSignal::new(Vec::<Sending>::new());
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let dragging = RwSignal::new(false);
    let entry = StoredValue::new(entry_id.clone());

    #[cfg(feature = "hydrate")]
    let start = move |files: Vec<web_sys::File>| {
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(list) = list_certificates(entry.get_value()).await {
                    items.set(list.items);
                }
            });
        };
        browser::send_all(files, sending, t, entry.get_value(), refresh);
    };
    #[cfg(not(feature = "hydrate"))]
    let start = move |_: Vec<()>| {
        let _ = (entry, sending, items);
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            let files = browser::chosen_files(&["cert-files", "cert-camera"]);
            if !files.is_empty() {
                ev.prevent_default();
                start(files);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &start);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        {
            let files = browser::dropped_files(&ev);
            if !files.is_empty() {
                start(files);
            }
        }
    };
    let zone = move || {
        let base = "flex flex-col items-center gap-3 rounded-xl border-2 border-dashed p-6 text-center transition";
        if dragging.get() {
            format!("{base} border-indigo-600 bg-indigo-50")
        } else {
            format!("{base} border-slate-300 bg-slate-50")
        }
    };
    view! {
        <div class="space-y-4">
        {move || view! { <CertificateItems items=items.get()/> }}
        <p class="text-sm text-slate-600">{t.cert_links_note}</p>
        <form method="post" action="/certificates/upload" enctype="multipart/form-data" class="space-y-3" on:submit=on_submit>
            <input type="hidden" name="entry" value=entry_id/>
            <p class="text-slate-700">{intro}</p>
            <div class=zone
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <span class="grid h-12 w-12 place-items-center rounded-full bg-indigo-100 text-indigo-800"><IconSvg icon=Icon::Upload class="h-6 w-6"/></span>
                <div class="flex flex-wrap justify-center gap-3">
                    <FilePick id="cert-files" name="file" label=t.cert_choose accept=ACCEPT multiple=true/>
                    <FilePick id="cert-camera" name="file" label=t.cert_camera accept="image/jpeg,image/png" capture="environment" icon=Icon::FileImage/>
                </div>
                {move || live.get().then(|| view! { <p class="text-sm text-slate-600">{t.cert_drop}</p> })}
                <p class="flex flex-wrap items-center justify-center gap-3 text-xs text-slate-600">
                    <span class="inline-flex items-center gap-1"><IconSvg icon=Icon::FilePdf class="h-4 w-4"/>"PDF"</span>
                    <span class="inline-flex items-center gap-1"><IconSvg icon=Icon::FileImage class="h-4 w-4"/>"JPEG"</span>
                    <span class="inline-flex items-center gap-1"><IconSvg icon=Icon::FileImage class="h-4 w-4"/>"PNG"</span>
                    <span>{t.cert_max_size.replace("{max}", &max_mb.to_string())}</span>
                </p>
            </div>
            // Either field may be empty: the form goes with whichever holds files.
            <button type="submit" formnovalidate=true class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.cert_upload}</button>
            <ul aria-live="polite" class="space-y-2">
                {move || sending.get().into_iter().map(|s| {
                    let label = format!("{} {}", t.cert_uploading, s.name);
                    let (text, class) = match &s.result {
                        None if s.percent >= 100 => (t.cert_checking.to_owned(), "text-slate-700"),
                        None => (format!("{} %", s.percent), "text-slate-700"),
                        Some((true, m)) => (m.clone(), "text-green-800"),
                        Some((false, m)) => (m.clone(), "text-red-800"),
                    };
                    let role = if matches!(s.result, Some((false, _))) { "alert" } else { "status" };
                    // While it goes up, the progress; then a bar in the outcome's colour
                    // (a refused file never shows a full green bar).
                    let bar = match &s.result {
                        None => view! { <progress max="100" value=s.percent.to_string() aria-label=label class="w-full"></progress> }.into_any(),
                        Some((true, _)) => view! { <div aria-hidden="true" class="h-2 w-full rounded bg-green-600"></div> }.into_any(),
                        Some((false, _)) => view! { <div aria-hidden="true" class="h-2 w-full rounded bg-red-600"></div> }.into_any(),
                    };
                    let border = match &s.result {
                        Some((false, _)) => "rounded border border-red-300 bg-red-50 p-2",
                        _ => "rounded border border-slate-200 bg-white p-2",
                    };
                    view! {
                        <li class=border data-testid="upload-row">
                            <p class="font-medium [overflow-wrap:anywhere]">{s.name.clone()}</p>
                            {bar}
                            <p role=role class=format!("text-sm {class}")>{text}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </form>
        </div>
    }
}

/// The browser side: files from inputs and drops, and one XMLHttpRequest per file (the
/// only browser API that reports upload progress).
#[cfg(feature = "hydrate")]
mod browser {
    use super::Sending;
    use crate::i18n::Texts;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    fn list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
        let Some(files) = files else {
            return Vec::new();
        };
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }

    pub fn chosen_files(ids: &[&str]) -> Vec<web_sys::File> {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| document.get_element_by_id(id))
            .filter_map(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .flat_map(|input| list(input.files()))
            .collect()
    }

    pub fn dropped_files(ev: &web_sys::DragEvent) -> Vec<web_sys::File> {
        list(ev.data_transfer().and_then(|d| d.files()))
    }

    /// Sends each file on its own; `stored` runs after each file that was accepted.
    pub fn send_all(
        files: Vec<web_sys::File>,
        sending: RwSignal<Vec<Sending>>,
        t: &'static Texts,
        entry: String,
        stored: impl Fn() + Copy + 'static,
    ) {
        let first = sending.with_untracked(Vec::len);
        sending.update(|s| {
            s.extend(files.iter().map(|f| Sending {
                name: f.name(),
                percent: 0,
                result: None,
            }));
        });
        for (i, file) in files.into_iter().enumerate() {
            let index = first + i;
            let done = move |accepted: bool, message: String| {
                sending.update(|s| {
                    if let Some(row) = s.get_mut(index) {
                        row.percent = 100;
                        row.result = Some((accepted, message));
                    }
                });
                if accepted {
                    stored();
                }
            };
            if send(&entry, &file, index, sending, done, t).is_err() {
                done(false, t.error_network.to_owned());
            }
        }
    }

    fn send(
        entry: &str,
        file: &web_sys::File,
        index: usize,
        sending: RwSignal<Vec<Sending>>,
        done: impl Fn(bool, String) + 'static,
        t: &'static Texts,
    ) -> Result<(), wasm_bindgen::JsValue> {
        let form = web_sys::FormData::new()?;
        form.append_with_str("entry", entry)?;
        form.append_with_blob_and_filename("file", file, &file.name())?;
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", "/certificates/upload")?;
        xhr.set_request_header("Accept", "application/json")?;
        let progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u32;
                    sending.update(|s| {
                        if let Some(row) = s.get_mut(index) {
                            row.percent = percent;
                        }
                    });
                }
            });
        xhr.upload()?
            .set_onprogress(Some(progress.as_ref().unchecked_ref()));
        let request = xhr.clone();
        let finished = Closure::<dyn FnMut()>::new(move || {
            let status = request.status().unwrap_or(0);
            let body = request.response_text().ok().flatten().unwrap_or_default();
            let message = serde_json_message(&body);
            match status {
                200..=299 => done(true, message.unwrap_or_else(|| t.cert_done.to_owned())),
                0 => done(false, t.error_network.to_owned()),
                _ => done(
                    false,
                    message.unwrap_or_else(|| t.error_internal.to_owned()),
                ),
            }
        });
        xhr.set_onloadend(Some(finished.as_ref().unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&form))?;
        // The request owns its handlers from here on; they live as long as the page.
        progress.forget();
        finished.forget();
        Ok(())
    }

    /// The `message` of the upload route's JSON answer, if it has one.
    fn serde_json_message(body: &str) -> Option<String> {
        let value = js_sys::JSON::parse(body).ok()?;
        js_sys::Reflect::get(&value, &"message".into())
            .ok()?
            .as_string()
    }
}
