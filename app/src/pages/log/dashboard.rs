//! Where the person stands: the chosen year's status with its reasons, the figures, hours
//! by month, and the earlier years.

use super::{YearNav, use_query_year};
use crate::api::log::get_log;
use crate::components::answer::AnswerCard;
use crate::components::summary::{MonthChart, NotYetCountedNotice, StatusBadge, Summary};
use crate::i18n::use_lang;
use crate::model::LogData;
use crate::pages::account::NeedsSignIn;
use domain::rules;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Dashboard() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let query_year = use_query_year();
    // Keyed on the year, so moving between years re-renders after client navigation too.
    let log = Resource::new(
        move || query_year,
        |year| async move { get_log().await.map(|d| (year, d)) },
    );
    let body = move || {
        Suspend::new(async move {
            match log.await {
                Ok((year, data)) => {
                    let year = year.unwrap_or_else(|| data.today().year());
                    view! {
                        <div class="flex flex-wrap items-center justify-between gap-3">
                            <YearNav path="/dashboard" year/>
                            <nav aria-label=t.more_actions class="flex flex-wrap gap-2 text-sm">
                                <a href="/log/new" class="rounded border border-slate-300 bg-white px-3 py-1.5 text-indigo-800 hover:bg-slate-50 focus-ring">{t.log_add}</a>
                                <a href=format!("/log?year={year}") class="rounded border border-slate-300 bg-white px-3 py-1.5 text-indigo-800 hover:bg-slate-50 focus-ring">{t.log_view}</a>
                                <a href="/account/leave" class="rounded border border-slate-300 bg-white px-3 py-1.5 text-indigo-800 hover:bg-slate-50 focus-ring">{t.leave_title}</a>
                                <a href=format!("/reports?year={year}") class="rounded border border-slate-300 bg-white px-3 py-1.5 text-indigo-800 hover:bg-slate-50 focus-ring">{t.reports_link}</a>
                            </nav>
                        </div>
                        <YearView data year path="/dashboard".to_owned() own=true/>
                    }
                    .into_any()
                }
                Err(e) => view! { <NeedsSignIn error=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.dashboard_title/>
        <section class="space-y-6">
            <h1 class="text-3xl font-bold tracking-tight">{t.dashboard_title}</h1>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// A year of someone's log: the summary, hours by month and the earlier years (linked as
/// `path?year=Y`). The person's own dashboard and a firm's read-only view of a member share it.
#[component]
pub fn YearView(
    data: LogData,
    year: i32,
    path: String,
    /// The person's own dashboard: the answer card with its next step. A firm's view of a
    /// member shows the status line instead (the next step is the member's to take).
    #[prop(optional)]
    own: bool,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    // The firm has restricted the processing of this person's data: nothing is calculated.
    if data.restricted_since.is_some() {
        return view! {
            <section aria-labelledby="summary-heading" class="space-y-3">
                <h2 id="summary-heading" class="text-xl font-semibold">{t.summary_heading}</h2>
                <p role="status" class="text-amber-900">{t.restricted_no_status}</p>
            </section>
        }
        .into_any();
    }
    let result = data.evaluate(year, None);
    let cap = data.e_learning_cap(year);
    let months = rules::by_month(&data.to_domain(None), year, data.today());
    let sep = lang.decimal_separator();
    let history = data
        .years()
        .into_iter()
        .map(|y| {
            let r = data.evaluate(y, None);
            view! {
                <tr class="border-t border-slate-200">
                    <th scope="row" class="py-1 pr-3 font-normal"><a class="underline focus-ring" href=format!("{path}?year={y}")>{y}</a></th>
                    <td class="py-1 pr-3"><StatusBadge status=r.status/></td>
                    <td class="py-1">{format!("{} / {}", r.counted.display_with(sep), r.required.display_with(sep))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {own.then(|| view! { <AnswerCard data=data.clone() result=result.clone()/> })}
        <NotYetCountedNotice ahead=data.not_yet_counted(year)/>
        <section aria-labelledby="summary-heading" class="space-y-3">
            <h2 id="summary-heading" class="text-xl font-semibold">{t.summary_heading}</h2>
            <Summary result=Signal::stored(result) e_learning_cap=Signal::stored(cap) figures_only=own/>
        </section>
        <MonthChart months/>
        <section aria-labelledby="history-heading" class="space-y-2">
            <h2 id="history-heading" class="text-xl font-semibold">{t.history_heading}</h2>
            <table class="w-full max-w-lg text-left">
                <thead><tr>
                    <th scope="col" class="py-1 pr-3">{t.col_year}</th>
                    <th scope="col" class="py-1 pr-3">{t.col_status}</th>
                    <th scope="col" class="py-1">{t.col_hours}</th>
                </tr></thead>
                <tbody>{history}</tbody>
            </table>
        </section>
    }
    .into_any()
}
