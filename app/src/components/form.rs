//! Form pieces shared by every page: fields with labels and hints, error and notice
//! boxes, and reading a server function's error back from the URL.
//!
//! Forms post straight to server functions, with or without JavaScript. On an error the
//! server sends the browser back to the form's page and the error (which function, and the
//! `AppError` as JSON in base64) travels in a cookie the server signs (see
//! `backend::flash`); [`use_form_error`] reads it while the page renders on the server.
//! Nothing in the URL is ever shown as an error, so a crafted link cannot put text on a
//! page of ours.

use crate::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The error the server function `F` reported for the last submission of its form, from
/// the signed flash cookie of this request. Pages render on the server (only islands run in
/// the browser), so this is read there; in the browser build it is always `None`.
pub fn use_form_error<F: ServerFn>() -> Memo<Option<AppError>> {
    let error = flash_error(F::PATH);
    Memo::new(move |_| error.clone())
}

#[cfg(feature = "ssr")]
fn flash_error(path: &str) -> Option<AppError> {
    use crate::backend::{auth::session, flash, request::cookie, state::AppState};
    use leptos::server_fn::error::FromServerFnError;
    let state = use_context::<AppState>()?;
    let parts = use_context::<http::request::Parts>()?;
    let secure = session::secure(&state.config);
    let value = cookie(&parts.headers, flash::cookie_name(secure))?;
    let now = crate::backend::db::now_micros() / 1_000_000;
    let (made_by, encoded) = flash::open(state.master_key(), &value, now)?;
    if made_by != path {
        return None;
    }
    let bytes = decode_base64(&encoded)?;
    Some(AppError::de(bytes.into()))
}

#[cfg(not(feature = "ssr"))]
fn flash_error(_path: &str) -> Option<AppError> {
    None
}

/// Whether the query has `key` (success flags like `?saved=1`).
pub fn use_query_flag(key: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(key).is_some()))
}

/// A small base64 decoder (standard or URL-safe alphabet, padding optional), so the
/// browser bundle needs no base64 crate for this one use.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        buffer = (buffer << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xFF) as u8);
        }
    }
    Some(out)
}

/// A server function's error, shown where the person will read it.
#[component]
pub fn ErrorBox(error: Memo<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            view! {
                <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900">{e.user_message(t)}</p>
            }
        })
    }
}

/// A success or information message.
#[component]
pub fn Notice(#[prop(into)] show: Signal<bool>, text: &'static str) -> impl IntoView {
    move || {
        show.get().then(|| view! { <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">{text}</p> })
    }
}

/// A labelled input with an optional hint. `invalid` marks it for assistive technology
/// when the form's error names this field.
#[component]
pub fn Field(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Option<Memo<Option<AppError>>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let invalid = move || {
        error
            .and_then(|e| e.get())
            .is_some_and(|e| matches!(&e, AppError::Invalid { field, .. } if field == name))
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
                required=required
                aria-describedby=hint.map(|_| hint_id.clone())
                aria-invalid=move || if invalid() { "true" } else { "false" }
                class="w-full max-w-md rounded border border-slate-400 px-3 py-2 focus-ring aria-[invalid=true]:border-red-700"
            />
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

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn decodes_both_alphabets_with_and_without_padding() {
        assert_eq!(decode_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_base64("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_base64("e30=").as_deref(), Some(&b"{}"[..]));
        assert_eq!(decode_base64("!!"), None);
    }
}
