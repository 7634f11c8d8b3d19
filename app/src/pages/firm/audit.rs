//! The firm's audit log: is the chain intact (the same check as `cpd-registry audit
//! verify`), and what happened, filtered by action and dates, with a CSV export.

use crate::api::firm::get_audit;
use crate::i18n::use_lang;
use crate::model::AuditFilter;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FirmAudit() -> impl IntoView {
    let t = use_lang().texts();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| AuditFilter {
            action: q.get("action").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        })
    });
    let page = Resource::new(
        move || filter.get(),
        |f| async move {
            get_audit(f.action.clone(), f.from.clone(), f.to.clone())
                .await
                .map(|p| (f, p))
        },
    );
    let body = move || {
        Suspend::new(async move {
            let (filter, page) = match page.await {
                Ok(p) => p,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let verification = if page.intact {
                view! {
                    <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">
                        {format!("{} {} · {} {}", t.audit_intact, page.rows_checked, t.audit_checkpoints, page.checkpoints)}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900">
                        {format!("{} {}", t.audit_broken, page.problem.clone().unwrap_or_default())}
                    </p>
                }
                .into_any()
            };
            let csv_query = format!(
                "/firm/audit.csv?action={}&from={}&to={}",
                urlencode(&filter.action),
                urlencode(&filter.from),
                urlencode(&filter.to)
            );
            let actions = std::iter::once((String::new(), t.audit_all_actions.to_owned()))
                .chain(page.actions.iter().map(|a| (a.clone(), a.clone())))
                .map(|(value, label)| {
                    let selected = value == filter.action;
                    view! { <option value=value selected=selected>{label}</option> }
                })
                .collect_view();
            let rows = page
                .events
                .iter()
                .map(|e| {
                    view! {
                        <tr class="border-t border-slate-200 align-top">
                            <td class="py-1 pr-3 text-right">{e.seq}</td>
                            <td class="py-1 pr-3 whitespace-nowrap">{e.at.clone()}</td>
                            <td class="py-1 pr-3 break-all">{e.actor.clone()}</td>
                            <td class="py-1 pr-3">{e.action.clone()}</td>
                            <td class="py-1 pr-3 break-all">{e.target.clone()}</td>
                            <td class="py-1">{e.ip.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                {verification}
                <p class="text-sm text-slate-600 break-all">{format!("{} {}", t.audit_public_key, page.public_key)}</p>
                <form method="get" action="/firm/audit" class="flex flex-wrap items-end gap-3" role="search">
                    <div>
                        <label for="action" class="block text-sm font-medium">{t.audit_action}</label>
                        <select id="action" name="action" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">{actions}</select>
                    </div>
                    <div>
                        <label for="from" class="block text-sm font-medium">{t.audit_from}</label>
                        <input id="from" name="from" type="date" value=filter.from.clone() class="rounded border border-slate-400 px-3 py-2 focus-ring"/>
                    </div>
                    <div>
                        <label for="to" class="block text-sm font-medium">{t.audit_to}</label>
                        <input id="to" name="to" type="date" value=filter.to.clone() class="rounded border border-slate-400 px-3 py-2 focus-ring"/>
                    </div>
                    <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 focus-ring">{t.apply}</button>
                </form>
                <p><a href=csv_query rel="external" class="underline focus-ring">{t.audit_export}</a></p>
                <div class="overflow-x-auto">
                    <table class="w-full text-left text-sm">
                        <caption class="sr-only">{t.audit_title}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3 text-right">"#"</th>
                            <th scope="col" class="py-1 pr-3">{t.audit_time}</th>
                            <th scope="col" class="py-1 pr-3">{t.audit_actor}</th>
                            <th scope="col" class="py-1 pr-3">{t.audit_action}</th>
                            <th scope="col" class="py-1 pr-3">{t.audit_target}</th>
                            <th scope="col" class="py-1">"IP"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.audit_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.audit_title}</h1>
            <p class="text-slate-700">{t.audit_intro}</p>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// Percent-encodes a query value (letters, digits and `-._~` pass).
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
