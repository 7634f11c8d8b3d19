//! Deleting with a confirmation first and an undo after: [`ConfirmDelete`] asks inside a
//! disclosure (a `<details>`, so it works without JavaScript and with the keyboard), and
//! [`UndoNotices`] lists what the person deleted in the last ten minutes, each with its
//! Undo button. The notices come from the database, never from the URL.

use crate::api::log::{UndoDeletion, undo_offers};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A Delete button that opens a question; only the confirming button posts. `what` names
/// the thing for the question and the buttons' accessible names; `consequence` says what
/// goes with it ("and its 2 certificates").
#[component]
pub fn ConfirmDelete(
    action: &'static str,
    id: String,
    what: String,
    #[prop(optional)] consequence: Option<String>,
    #[prop(optional)] button: Option<&'static str>,
) -> impl IntoView {
    let t = use_lang().texts();
    let button = button.unwrap_or(t.delete);
    let question = t
        .confirm_delete_question
        .replace("{what}", &what)
        .replace("{more}", consequence.as_deref().unwrap_or(""));
    let group_label = question.clone();
    view! {
        <details class="group relative">
            <summary aria-label=format!("{button} {what}")
                class="cursor-pointer list-none rounded border border-red-700 px-2 py-1 text-sm text-red-800 focus-ring [&::-webkit-details-marker]:hidden">
                {button}
            </summary>
            <div role="group" aria-label=group_label
                class="mt-2 w-72 max-w-[80vw] space-y-2 rounded border border-red-300 bg-white p-3 text-sm shadow-lg sm:absolute sm:right-0 sm:z-10">
                <p class="text-slate-900 [overflow-wrap:anywhere]">{question}</p>
                <p class="text-slate-600">{t.confirm_delete_undo_note}</p>
                <form method="post" action=action>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="rounded bg-red-700 px-3 py-1 font-semibold text-white hover:bg-red-800 focus-ring"
                        aria-label=format!("{} {what}", t.confirm_delete_yes)>{t.confirm_delete_yes}</button>
                </form>
            </div>
        </details>
    }
}

/// What the person deleted and can still bring back, each with Undo.
#[component]
pub fn UndoNotices() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let offers = Resource::new(|| (), |_| undo_offers());
    let list = move || {
        Suspend::new(async move {
            let offers = offers.await.unwrap_or_default();
            offers
                .into_iter()
                .map(|o| {
                    let text = t.undo_deleted.replace("{what}", &o.label);
                    let left = lang.count(
                        usize::try_from(o.minutes_left).unwrap_or(0),
                        t.undo_minutes_one,
                        t.undo_minutes_other,
                    );
                    view! {
                        <div role="status" data-testid="undo-notice"
                            class="flex flex-wrap items-center gap-3 rounded border border-slate-300 bg-slate-900 px-4 py-2 text-sm text-white shadow">
                            <span class="[overflow-wrap:anywhere]">{text}</span>
                            <form method="post" action=UndoDeletion::url()>
                                <input type="hidden" name="batch" value=o.batch/>
                                <button type="submit" class="rounded bg-white px-3 py-1 font-semibold text-slate-900 focus-ring"
                                    aria-label=format!("{} {}", t.undo, o.label)>{t.undo}</button>
                            </form>
                            <span class="text-slate-300">{left}</span>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! { <div class="space-y-2"><Suspense fallback=|| ()>{list}</Suspense></div> }
}
