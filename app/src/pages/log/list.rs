//! One year of the log: search, sort and filter (a plain GET form, so the URL keeps the
//! view), and edit, duplicate or delete each entry.

use super::YearNav;
use crate::api::log::{DeleteEntry, DuplicateEntry, get_log};
use crate::components::form::{ErrorBox, Notice, use_form_error, use_query_flag};
use crate::components::summary::NotYetCountedNotice;
use crate::components::undo::ConfirmDelete;
use crate::i18n::use_lang;
use crate::model::EntryView;
use crate::page_url::PageUrl;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// What the person asked to see.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
struct View {
    year: Option<i32>,
    search: String,
    sort: String,
    category: String,
}

/// The entries of `year` that match, in the asked order.
fn select(entries: &[EntryView], year: i32, view: &View) -> Vec<EntryView> {
    let needle = view.search.trim().to_lowercase();
    let prefix = format!("{year}-");
    let mut rows: Vec<EntryView> = entries
        .iter()
        .filter(|e| e.date.starts_with(&prefix))
        .filter(|e| view.category.is_empty() || e.category == view.category)
        .filter(|e| {
            needle.is_empty()
                || [&e.title, &e.provider, &e.notes]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .cloned()
        .collect();
    match view.sort.as_str() {
        "title" => rows.sort_by_key(|e| e.title.to_lowercase()),
        "hours" => rows.sort_by_key(|e| std::cmp::Reverse(e.quarters)),
        "oldest" => {}
        _ => rows.reverse(),
    }
    rows
}

/// The count `confirm_import` puts in its redirect (`/log?imported=12`): digits only, or
/// nothing. Anyone can make a link with any `imported=`, so anything else shows nothing.
fn imported_count(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[component]
pub fn LogList() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let url = PageUrl::current();
    let view_of_query = View {
        year: url.get("year").and_then(|y| y.parse().ok()),
        search: url.get("q").unwrap_or_default(),
        sort: url.get("sort").unwrap_or_default(),
        category: url.get("category").unwrap_or_default(),
    };
    let log = Resource::new(
        move || view_of_query.clone(),
        |view| async move { get_log().await.map(|d| (view, d)) },
    );
    let delete_error = use_form_error::<DeleteEntry>();
    let duplicate_error = use_form_error::<DuplicateEntry>();
    let added = use_query_flag("added");
    let updated = use_query_flag("updated");
    // Only ever a number: the status box says how many were imported, never text from the URL.
    let imported = Signal::stored(url.get("imported").and_then(|n| imported_count(&n)));

    let body = move || {
        Suspend::new(async move {
            let (view, data) = match log.await {
                Ok(d) => d,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let year = view.year.unwrap_or_else(|| data.today().year());
            let rows = select(&data.entries, year, &view);
            let today = data.today();
            let sep = lang.decimal_separator();
            let total = rows
                .iter()
                .fold(domain::Hours::ZERO, |s, e| s.saturating_add(e.hours()));
            let count = rows.len();
            let table = if rows.is_empty() {
                view! { <p class="text-slate-700">{t.log_empty}</p> }.into_any()
            } else {
                let body = rows
                    .into_iter()
                    .map(|e| {
                        let attached = data.certificates.get(&e.id).copied().unwrap_or(0);
                        view! { <EntryRow e today attached/> }
                    })
                    .collect_view();
                view! {
                    <div class="overflow-x-auto">
                        <table class="w-full text-left">
                            <caption class="sr-only">{format!("{} {year}", t.log_title)}</caption>
                            // On a phone the rows are cards and the header is for screen readers.
                            <thead class="sr-only sm:not-sr-only sm:table-header-group"><tr>
                                <th scope="col" class="py-1 pr-3">{t.col_date}</th>
                                <th scope="col" class="py-1 pr-3">{t.col_course}</th>
                                <th scope="col" class="py-1 pr-3 text-right">{t.col_hours}</th>
                                <th scope="col" class="py-1 pr-3">{t.col_category}</th>
                                <th scope="col" class="py-1">{t.col_actions}</th>
                            </tr></thead>
                            <tbody>{body}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            };
            view! {
                <YearNav path="/log" year/>
                <LogFilters year view/>
                <p class="text-slate-700" data-testid="log-total">{format!("{} · {} h", lang.count(count, t.entries_one, t.entries_other), total.display_with(sep))}</p>
                <NotYetCountedNotice ahead=data.not_yet_counted(year)/>
                {table}
                <div class="flex flex-wrap gap-3 text-sm">
                    <a href=format!("/log/export.csv?year={year}") rel="external" class="underline focus-ring">{format!("{} ({year})", t.export_csv)}</a>
                    <a href="/log/export.csv" rel="external" class="underline focus-ring">{t.export_csv_all}</a>
                    <a href="/log/import" class="underline focus-ring">{t.import_title}</a>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.log_title/>
        <section class="space-y-5">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-3xl font-bold tracking-tight">{t.log_title}</h1>
                <a href="/log/new" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.log_add}</a>
            </div>
            <Notice show=added text=t.entry_added/>
            <Notice show=updated text=t.entry_updated/>
            {move || imported.get().map(|n| view! { <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">{format!("{} {n}", t.imported_count)}</p> })}
            <ErrorBox error=delete_error/>
            <ErrorBox error=duplicate_error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// One course of the log: a table row on a wide screen, a card on a phone.
#[component]
fn EntryRow(e: EntryView, today: domain::Date, attached: u32) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let sep = lang.decimal_separator();
    let category = if e.category == "e-learning" {
        t.category_e_learning
    } else {
        t.category_teacher_led
    };
    let parsed = domain::Date::parse(&e.date).ok();
    let date_text = parsed.map_or_else(|| e.date.clone(), |d| lang.long_date(d));
    let ahead = parsed.is_some_and(|d| d > today);
    let hours = e.hours().display_with(sep);
    let edit_label = format!("{} {}", t.edit, e.title);
    let certificates_text = format!("{} ({attached})", t.cert_heading);
    let with_certificates = match attached {
        0 => String::new(),
        n => lang.count(
            usize::try_from(n).unwrap_or(0),
            t.confirm_with_certificates_one,
            t.confirm_with_certificates_other,
        ),
    };
    let certificates_label = format!("{} {}: {attached}", t.cert_heading, e.title);
    let duplicate_label = format!("{} {}", t.duplicate, e.title);
    view! {
        <tr class="block border-t border-slate-200 py-2 align-top sm:table-row sm:py-0">
            <td class="block whitespace-nowrap text-sm text-slate-600 sm:table-cell sm:py-2 sm:pr-3 sm:text-base sm:text-slate-900">
                <time datetime=e.date.clone()>{date_text}</time>
                {ahead.then(|| view! { <span class="mt-1 block w-fit rounded border border-sky-300 bg-sky-50 px-1.5 text-xs font-medium whitespace-normal text-sky-900">{t.not_counted_badge}</span> })}
            </td>
            <td class="block [overflow-wrap:anywhere] sm:table-cell sm:py-2 sm:pr-3">
                <span class="font-medium">{e.title.clone()}</span>
                {(!e.provider.is_empty()).then(|| view! { <span class="block text-sm text-slate-600">{e.provider.clone()}</span> })}
            </td>
            <td class="inline sm:table-cell sm:py-2 sm:pr-3 sm:text-right">{hours}<span class="sm:hidden">" h · "</span></td>
            <td class="inline sm:table-cell sm:py-2 sm:pr-3">{category}{(!e.verifiable).then(|| view! { <span class="block text-sm text-slate-600">{t.not_verifiable}</span> })}</td>
            <td class="block pt-2 sm:table-cell sm:py-2">
                <div class="flex flex-wrap gap-2">
                    <a href=format!("/log/entry/{}", e.id) aria-label=edit_label class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.edit}</a>
                    <a href=format!("/log/entry/{}#certificates", e.id) aria-label=certificates_label class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{certificates_text}</a>
                    <form method="post" action=DuplicateEntry::url()>
                        <input type="hidden" name="id" value=e.id.clone()/>
                        <button type="submit" aria-label=duplicate_label class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.duplicate}</button>
                    </form>
                    <ConfirmDelete action=DeleteEntry::url() id=e.id.clone() what=e.title.clone()
                        consequence=with_certificates/>
                </div>
            </td>
        </tr>
    }
}

/// The search, category and sort of the log: a plain GET form, so the URL keeps the view.
#[component]
fn LogFilters(year: i32, view: View) -> impl IntoView {
    let t = use_lang().texts();
    let options = |pairs: Vec<(&'static str, &'static str)>, selected: &str| {
        pairs
            .into_iter()
            .map(|(value, text)| view! { <option value=value selected=selected == value>{text}</option> })
            .collect_view()
    };
    view! {
        <form method="get" action="/log" class="flex flex-wrap items-end gap-3" role="search">
            <input type="hidden" name="year" value=year/>
            <div>
                <label for="q" class="block text-sm font-medium">{t.search_label}</label>
                <input id="q" name="q" type="search" value=view.search.clone() class="rounded border border-slate-400 px-3 py-2 focus-ring"/>
            </div>
            <div>
                <label for="category" class="block text-sm font-medium">{t.col_category}</label>
                <select id="category" name="category" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                    {options(vec![("", t.category_all), ("teacher-led", t.category_teacher_led), ("e-learning", t.category_e_learning)], &view.category)}
                </select>
            </div>
            <div>
                <label for="sort" class="block text-sm font-medium">{t.sort_label}</label>
                <select id="sort" name="sort" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                    {options(vec![("", t.sort_newest), ("oldest", t.sort_oldest), ("title", t.sort_title), ("hours", t.sort_hours)], &view.sort)}
                </select>
            </div>
            <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 focus-ring">{t.apply}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::imported_count;

    #[test]
    fn the_imported_count_is_digits_or_nothing() {
        assert_eq!(imported_count("12"), Some(12));
        assert_eq!(imported_count("0"), Some(0));
        for hostile in [
            "",
            "+5",
            "-1",
            "12 rows",
            "1e3",
            "Call 020-123",
            "١٢",
            "9999999999",
        ] {
            assert_eq!(imported_count(hostile), None, "{hostile}");
        }
    }
}
