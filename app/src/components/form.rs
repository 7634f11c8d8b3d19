//! Form pieces shared by every page: fields with labels, hints and their own error, the
//! error summary, notices, and what the last submission of a form said and held.
//!
//! Forms post straight to server functions, with or without JavaScript. When one refuses,
//! the server answers the post with the form's page itself, rendered with a [`Submitted`]
//! in context (see the server's `form_reply`): [`use_form_error`] and [`use_form_values`]
//! read it, so the page shows every field as typed and the error at each wrong one.
//! Nothing in the URL is ever shown as an error, so a crafted link cannot put text on a
//! page of ours.

use crate::AppError;
use crate::components::chars_left::CountDown;
use crate::components::icons::{Icon, IconSvg};
use crate::i18n::use_texts;
use crate::page_url::query_value;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A refused submission, as the server function at `path` got it and answered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub path: String,
    pub error: AppError,
    /// The fields as posted, in order (codes and tokens left out).
    pub fields: Vec<(String, String)>,
}

/// What a refused form held, field by field.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Kept(Vec<(String, String)>);

impl Kept {
    /// Whether there is a refused submission to show at all.
    pub fn is_some(&self) -> bool {
        !self.0.is_empty()
    }

    /// The first value posted as `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// The kept value of `name`, or `fallback` when nothing was refused.
    pub fn or(&self, name: &str, fallback: &str) -> String {
        if self.is_some() {
            self.get(name).unwrap_or_default()
        } else {
            fallback.to_owned()
        }
    }

    /// Whether the checkbox `name` was ticked, or `fallback` when nothing was refused.
    pub fn checked_or(&self, name: &str, fallback: bool) -> bool {
        if self.is_some() {
            self.get(name).is_some()
        } else {
            fallback
        }
    }
}

fn submitted_for(path: &str) -> Option<Submitted> {
    use_context::<Submitted>().filter(|s| s.path == path)
}

/// The error the server function `F` gave the submission this page answers, if any.
/// Only ever present on the server (the page answering the post); `None` in the browser.
pub fn use_form_error<F: ServerFn>() -> Signal<Option<AppError>> {
    Signal::stored(submitted_for(F::PATH).map(|s| s.error))
}

/// The error of a form that posts to a plain route (an upload) at `path`.
pub fn use_route_error(path: &'static str) -> Signal<Option<AppError>> {
    Signal::stored(submitted_for(path).map(|s| s.error))
}

/// What the person had typed into `F`'s form when it was refused (empty otherwise).
pub fn use_form_values<F: ServerFn>() -> Kept {
    Kept(submitted_for(F::PATH).map(|s| s.fields).unwrap_or_default())
}

/// Whether the query has `key` (success flags like `?saved=1`).
pub fn use_query_flag(key: &'static str) -> Signal<bool> {
    Signal::stored(query_value(key).is_some())
}

/// A server function's error, shown where the person will read it: for several wrong
/// fields, a summary at the top of the form with a link to each (by the field's name, which
/// such forms use as the input's id); each field shows its own message too.
#[component]
pub fn ErrorBox(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            let AppError::InvalidFields { errors: fields } = e else {
                return view! {
                    <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900">{e.user_message(t)}</p>
                }
                .into_any();
            };
            view! {
                <div role="alert" aria-labelledby="error-summary-heading" tabindex="-1"
                    class="rounded border border-red-300 bg-red-50 p-3 text-red-900">
                    <h2 id="error-summary-heading" class="font-semibold">{t.error_summary_heading}</h2>
                    <ul class="mt-1 list-disc pl-5">
                        {fields.into_iter().map(|f| view! {
                            <li><a href=format!("#{}", f.field) class="underline focus-ring">{f.message}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        })
    }
}

/// The message under a field when the form's error names it (`id` is `{name}-error`, for
/// the field's `aria-describedby`).
#[component]
pub fn FieldMessage(error: Option<Signal<Option<AppError>>>, name: &'static str) -> impl IntoView {
    move || {
        error
            .and_then(|e| e.get())
            .and_then(|e| e.message_for(name))
            .map(|m| view! { <p id=format!("{name}-error") class="text-sm font-medium text-red-800">{m}</p> })
    }
}

/// `aria-describedby` for a field: its hint and, when wrong, its message.
pub fn described_by(
    hint: Option<&str>,
    error: Option<Signal<Option<AppError>>>,
    name: &str,
) -> Option<String> {
    let wrong = error
        .and_then(|e| e.get_untracked())
        .is_some_and(|e| e.message_for(name).is_some());
    let ids: Vec<String> = hint
        .map(str::to_owned)
        .into_iter()
        .chain(wrong.then(|| format!("{name}-error")))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A success or information message.
#[component]
pub fn Notice(#[prop(into)] show: Signal<bool>, text: &'static str) -> impl IntoView {
    move || {
        show.get().then(|| view! {
            <p role="status" class="flex items-center gap-2 rounded-lg border border-green-200 border-l-4 border-l-green-600 bg-white px-4 py-3 text-green-900 shadow-sm">
                <IconSvg icon=Icon::Check class="h-5 w-5 text-green-700"/>
                {text}
            </p>
        })
    }
}

/// A labelled input with an optional hint and, when the form's error names it, its
/// message below (and `aria-invalid`, and the message in its description).
#[component]
pub fn Field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    /// A refused submission's values: when there is one, the field shows what was typed.
    #[prop(optional)]
    kept: Option<Kept>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let invalid = move || {
        error
            .and_then(|e| e.get())
            .is_some_and(|e| e.message_for(name).is_some())
    };
    let describedby = described_by(hint.map(|_| hint_id.as_str()), error, name);
    let value = match kept.filter(Kept::is_some) {
        Some(kept) => Signal::stored(kept.get(name).unwrap_or_default()),
        None => value,
    };
    view! {
        <div class="space-y-1">
            <label for=id class="block font-medium">{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="text-sm text-slate-600">{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=move || value.get()
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=required
                aria-describedby=describedby
                aria-invalid=move || if invalid() { "true" } else { "false" }
                class="w-full max-w-md rounded border border-slate-400 px-3 py-2 focus-ring aria-[invalid=true]:border-red-700"
            />
            {maxlength.map(|max| view! { <CountDown for_id=id max text=value.get_untracked()/> })}
            <FieldMessage error name/>
        </div>
    }
}

/// A labelled list of options, keeping a refused submission's choice like [`Field`].
#[component]
pub fn Select(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    selected: String,
    #[prop(optional)] kept: Option<Kept>,
    #[prop(optional, into)] error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let selected = kept
        .filter(Kept::is_some)
        .map_or(selected, |k| k.get(name).unwrap_or_default());
    let invalid = error
        .and_then(|e| e.get_untracked())
        .is_some_and(|e| e.message_for(name).is_some());
    let describedby = described_by(hint.map(|_| hint_id.as_str()), error, name);
    view! {
        <div class="space-y-1">
            <label for=id class="block font-medium">{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="text-sm text-slate-600">{h}</p> })}
            <select id=id name=name aria-describedby=describedby aria-invalid=if invalid { "true" } else { "false" }
                class="w-full max-w-md rounded border border-slate-400 bg-white px-3 py-2 focus-ring aria-[invalid=true]:border-red-700">
                {options
                    .into_iter()
                    .map(|(value, text)| view! { <option value=value selected=selected == value>{text}</option> })
                    .collect_view()}
            </select>
            <FieldMessage error name/>
        </div>
    }
}

/// The primary button of a form.
#[component]
pub fn Submit(label: &'static str) -> impl IntoView {
    view! {
        <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">
            {label}
        </button>
    }
}
