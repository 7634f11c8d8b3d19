//! Everyone's standing this year: filter to those at risk, sort, export, open a member.

use super::FirmNav;
use crate::api::firm::get_overview;
use crate::components::summary::StatusBadge;
use crate::i18n::use_lang;
use crate::model::Standing;
use crate::page_url::PageUrl;
use crate::pages::account::NeedsSignIn;
use crate::pages::log::YearNav;
use domain::Hours;
use domain::rules::Status;
use leptos::prelude::*;
use leptos_meta::Title;

fn behind(s: &Standing) -> bool {
    matches!(s.status, Some(Status::AtRisk | Status::NonCompliant))
}

#[component]
pub fn FirmOverview() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let url = PageUrl::current();
    let params = (
        url.get("year").unwrap_or_default(),
        url.get("show").unwrap_or_default(),
        url.get("sort").unwrap_or_default(),
    );
    let data = Resource::new(
        move || params.clone(),
        |(year, show, sort)| async move { get_overview(year).await.map(|d| (d, show, sort)) },
    );
    let body = move || {
        Suspend::new(async move {
            let ((year, mut rows), show, sort) = match data.await {
                Ok(d) => d,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let total = rows.len();
            let at_risk = rows.iter().filter(|r| behind(r)).count();
            if show == "behind" {
                rows.retain(behind);
            }
            match sort.as_str() {
                "shortfall" => rows.sort_by_key(|r| std::cmp::Reverse(r.shortfall_quarters)),
                "hours" => rows.sort_by_key(|r| std::cmp::Reverse(r.counted_quarters)),
                _ => {}
            }
            let sep = lang.decimal_separator();
            let h = move |q: u32| Hours::from_quarters(q).display_with(sep);
            let body = rows
                .into_iter()
                .map(|r| {
                    let name = if r.full_name.is_empty() { r.email.clone() } else { r.full_name.clone() };
                    let status = r.status;
                    view! {
                        <tr class="border-t border-slate-200 align-top">
                            <th scope="row" class="py-2 pr-3 font-normal [overflow-wrap:break-word]">
                                <a class="underline focus-ring" href=format!("/firm/member/{}?year={year}", r.id)>{name}</a>
                                <span class="block text-sm text-slate-600">{t.title_name(&r.title)}</span>
                                {r.blocked.then(|| view! { <span class="block text-sm text-red-800">{t.member_blocked_badge}</span> })}
                            </th>
                            <td class="py-2 pr-3">{t.rule_set_name(&r.rule_set)}</td>
                            <td class="py-2 pr-3 text-right">{format!("{} / {}", h(r.counted_quarters), h(r.required_quarters))}</td>
                            <td class="py-2 pr-3">{match status {
                                Some(status) => view! { <StatusBadge status/> }.into_any(),
                                None => view! { <span class="text-sm text-amber-900">{t.restricted_badge}</span> }.into_any(),
                            }}</td>
                            <td class="py-2 text-right">{h(r.shortfall_quarters)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let options = |pairs: Vec<(&'static str, &'static str)>, selected: &str| {
                pairs
                    .into_iter()
                    .map(|(v, l)| view! { <option value=v selected=selected == v>{l}</option> })
                    .collect_view()
            };
            view! {
                <YearNav path="/firm/overview" year/>
                <p role="status" class="font-semibold">{format!("{} · {at_risk} {}", lang.count(total, t.firm_people_one, t.firm_people_other), t.firm_behind)}</p>
                <form method="get" action="/firm/overview" class="flex flex-wrap items-end gap-3">
                    <input type="hidden" name="year" value=year/>
                    <div>
                        <label for="show" class="block text-sm font-medium">{t.firm_show}</label>
                        <select id="show" name="show" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                            {options(vec![("", t.firm_show_all), ("behind", t.firm_show_behind)], &show)}
                        </select>
                    </div>
                    <div>
                        <label for="sort" class="block text-sm font-medium">{t.sort_label}</label>
                        <select id="sort" name="sort" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                            {options(vec![("", t.firm_sort_name), ("shortfall", t.firm_sort_shortfall), ("hours", t.sort_hours)], &sort)}
                        </select>
                    </div>
                    <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 focus-ring">{t.apply}</button>
                </form>
                <div class="overflow-x-auto">
                    <table class="w-full text-left">
                        <caption class="sr-only">{format!("{} {year}", t.firm_overview_title)}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3">{t.firm_col_person}</th>
                            <th scope="col" class="py-1 pr-3">{t.rule_set_label}</th>
                            <th scope="col" class="py-1 pr-3 text-right">{t.col_hours}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_status}</th>
                            <th scope="col" class="py-1 text-right">{t.fig_shortfall}</th>
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                <p><a href=format!("/firm/overview.csv?year={year}") rel="external" class="underline focus-ring">{t.firm_export}</a></p>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.firm_overview_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.firm_overview_title}</h1>
            <FirmNav/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
