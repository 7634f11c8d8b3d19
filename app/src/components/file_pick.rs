//! A file field that speaks the page's language. The browser's own file input says
//! "Choose File" / "No file chosen" in the browser's language whatever the page's; here the
//! input is visually hidden (it stays focusable and keeps its label) and its label is the
//! button people see, in our words. Once a file is chosen a tick says so, through CSS alone
//! (`:valid`), so it works without JavaScript: the input is `required` for that, and forms
//! that may be sent without it mark their submit button `formnovalidate`.

use crate::components::icons::{Icon, IconSvg};
use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn FilePick(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    accept: &'static str,
    #[prop(optional)] multiple: bool,
    /// `environment` opens the camera on a phone.
    #[prop(optional)]
    capture: Option<&'static str>,
    #[prop(optional)] described_by: Option<&'static str>,
    #[prop(default = Icon::Upload)] icon: Icon,
) -> impl IntoView {
    let t = use_texts();
    let chosen = if multiple {
        t.file_chosen_many
    } else {
        t.file_chosen_one
    };
    view! {
        <div class="flex flex-wrap items-center gap-x-3 gap-y-1">
            <input id=id name=name type="file" multiple=multiple accept=accept capture=capture required=true
                aria-describedby=described_by class="peer sr-only"/>
            <label for=id class="inline-flex cursor-pointer items-center gap-2 rounded border border-indigo-700 bg-white px-4 py-2 font-medium text-indigo-800 hover:bg-indigo-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600">
                <IconSvg icon/>
                {label}
            </label>
            <span class="hidden items-center gap-1 text-sm font-medium text-green-800 peer-valid:inline-flex" data-testid="file-chosen">
                <IconSvg icon=Icon::Check class="h-4 w-4"/>
                {chosen}
            </span>
        </div>
    }
}
