//! The training log: dashboard, year list, entry form, CSV import.

mod certificates;
mod dashboard;
mod entry_form;
mod import;
mod list;

pub use dashboard::{Dashboard, YearView};
pub use entry_form::{EditEntry, NewEntry};
pub use import::ImportCsv;
pub use list::LogList;

use crate::page_url::query_value;
use leptos::prelude::*;

/// The year in the query (`?year=2026`), if any.
pub fn use_query_year() -> Option<i32> {
    query_value("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (1950..=2999).contains(y))
}

/// Links to the year before and after, keeping the page.
#[component]
pub fn YearNav(#[prop(into)] path: String, year: i32) -> impl IntoView {
    let t = crate::i18n::use_texts();
    view! {
        <nav aria-label=t.year_nav_label class="flex items-center gap-3">
            <a href=format!("{path}?year={}", year - 1) class="rounded border border-slate-300 px-3 py-1 focus-ring" aria-label=format!("{} {}", t.year_label, year - 1)>"←"</a>
            <span class="text-lg font-semibold">{year}</span>
            <a href=format!("{path}?year={}", year + 1) class="rounded border border-slate-300 px-3 py-1 focus-ring" aria-label=format!("{} {}", t.year_label, year + 1)>"→"</a>
        </nav>
    }
}
