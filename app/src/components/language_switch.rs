//! The English / Svenska switch.
//!
//! A plain form post to the `set_language` server function, so it works the same with and
//! without JavaScript: the server sets the cookie and sends the browser back to the page
//! it came from, now rendered in the chosen language.

use crate::api::preferences::SetLanguage;
use crate::i18n::{Lang, use_lang};
use crate::page_url::PageUrl;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let current = use_lang();
    let t = current.texts();
    let back = PageUrl::current().here();
    view! {
        <form method="post" action=SetLanguage::url() class="flex items-center gap-2">
            <input type="hidden" name="back" value=back/>
            <span id="language-label" class="sr-only">{t.language_label}</span>
            <div role="group" aria-labelledby="language-label" class="flex gap-1">
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        let active = lang == current;
                        view! {
                            <button
                                type="submit"
                                name="lang"
                                value=lang.code()
                                lang=lang.code()
                                aria-pressed=if active { "true" } else { "false" }
                                class=if active {
                                    "rounded px-3 py-1.5 text-sm font-semibold bg-indigo-700 text-white focus-ring"
                                } else {
                                    "rounded px-3 py-1.5 text-sm text-indigo-800 hover:bg-indigo-50 focus-ring"
                                }
                            >
                                {lang.native_name()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </form>
    }
}
