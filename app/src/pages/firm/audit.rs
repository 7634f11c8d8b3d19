//! The firm's audit log: is the chain intact (the same check as `cpd-registry audit
//! verify`), and what happened — in words, a page at a time (plain links, so it works
//! without JavaScript), filtered by action and dates, with a CSV export of every match.
//! On a phone each event is a card; from `sm` up, a table.

use crate::api::firm::get_audit;
use crate::i18n::{Lang, Texts, use_lang};
use crate::model::{AuditEvent, AuditFilter, AuditParty, AuditSubject};
use crate::page_url::PageUrl;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos_meta::Title;

/// The event's name in the page language; `None` for a code this version does not know.
pub fn action_name(t: &Texts, code: &str) -> Option<&'static str> {
    t.audit_action_names
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// The name, or, for an unknown code, the code itself, marked as such.
fn action_view(t: &'static Texts, code: &str) -> AnyView {
    match action_name(t, code) {
        Some(name) => name.into_any(),
        None => view! {
            <span>{t.audit_unknown_action}" "<code class="font-mono">{code.to_owned()}</code></span>
        }
        .into_any(),
    }
}

fn party_view(t: &'static Texts, party: &AuditParty) -> AnyView {
    match party {
        AuditParty::Member { name, email } if name.trim().is_empty() => email.clone().into_any(),
        AuditParty::Member { name, email } => view! {
            <span>{name.clone()}</span>
            <span class="block text-slate-600">{email.clone()}</span>
        }
        .into_any(),
        AuditParty::Former { name } if name.trim().is_empty() => t.audit_former_member.into_any(),
        AuditParty::Former { name } => t.audit_former_named.replace("{name}", name).into_any(),
        AuditParty::System => t.audit_system.into_any(),
        AuditParty::Anonymous => t.audit_anonymous.into_any(),
    }
}

fn subject_view(t: &'static Texts, subject: &AuditSubject) -> AnyView {
    match subject {
        AuditSubject::Person { person } => party_view(t, person),
        AuditSubject::Invitation { email } => {
            t.audit_invitation_to.replace("{email}", email).into_any()
        }
        AuditSubject::Thing { kind, detail } => {
            match t.audit_subject_names.iter().find(|(k, _)| k == kind) {
                Some((_, name)) => name.replace("{detail}", detail).into_any(),
                None => {
                    let stored = format!("{kind} {detail}").trim().to_owned();
                    view! { <code class="font-mono">{stored}</code> }.into_any()
                }
            }
        }
    }
}

/// "23 November 2026 11:22:18" from the stored `2026-11-23 11:22:18`.
fn when(lang: Lang, at: &str) -> String {
    let (date, time) = at.split_once(' ').unwrap_or((at, ""));
    match domain::Date::parse(date) {
        Ok(d) => format!("{} {time}", lang.long_date(d)),
        Err(_) => at.to_owned(),
    }
}

/// A count with its thousands grouped as the language writes them: 1,234 / 1 234.
fn grouped(lang: Lang, n: u64) -> String {
    let separator = match lang {
        Lang::En => ',',
        Lang::Sv => '\u{a0}',
    };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Text with `code` spans in backticks, shown as code rather than as backticks.
fn with_code(text: &'static str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code class="font-mono">{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

fn event_row(t: &'static Texts, lang: Lang, e: &AuditEvent) -> impl IntoView {
    // On a phone the labels stand before the values (screen readers have the headers).
    let label = |text: &'static str| {
        view! { <span aria-hidden="true" class="text-slate-600 sm:hidden">{format!("{text}: ")}</span> }
    };
    let datetime = format!("{}Z", e.at.replacen(' ', "T", 1));
    let ip = (!e.ip.is_empty())
        .then(|| view! { {label(t.sessions_ip)}<span class="break-all">{e.ip.clone()}</span> });
    view! {
        <tr class="block border-t border-slate-200 py-2 align-top sm:table-row sm:py-0">
            <td class="inline text-slate-600 sm:table-cell sm:py-1 sm:pr-3 sm:text-right sm:text-slate-900">
                <span aria-hidden="true" class="sm:hidden">"#"</span>{e.seq}
                <span aria-hidden="true" class="sm:hidden">" · "</span>
            </td>
            <td class="inline text-slate-600 sm:table-cell sm:py-1 sm:pr-3 sm:whitespace-nowrap sm:text-slate-900">
                <time datetime=datetime>{when(lang, &e.at)}</time>
                // The table's header says UTC; a card says it itself.
                <span class="sm:hidden">" UTC"</span>
            </td>
            <td class="block pt-1 font-medium [overflow-wrap:anywhere] sm:table-cell sm:py-1 sm:pr-3 sm:font-normal">
                {action_view(t, &e.action)}
            </td>
            <td class="block [overflow-wrap:anywhere] sm:table-cell sm:py-1 sm:pr-3">
                {label(t.audit_actor)}{party_view(t, &e.actor)}
            </td>
            <td class="block [overflow-wrap:anywhere] sm:table-cell sm:py-1 sm:pr-3">
                {label(t.audit_target)}{subject_view(t, &e.subject)}
            </td>
            <td class="block sm:table-cell sm:py-1">{ip}</td>
        </tr>
    }
}

#[component]
pub fn FirmAudit() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let q = PageUrl::current();
    let seq = |name: &str| q.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let request = (
        AuditFilter {
            action: q.get("action").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        },
        seq("before"),
        seq("after"),
    );
    let page = Resource::new(
        move || request.clone(),
        |(f, before, after)| async move {
            get_audit(
                f.action.clone(),
                f.from.clone(),
                f.to.clone(),
                before,
                after,
            )
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
                        {format!("{} {} · {} {}", t.audit_intact, grouped(lang, page.rows_checked), t.audit_checkpoints, grouped(lang, page.checkpoints))}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p role="alert" class="rounded border border-red-300 bg-red-50 p-3 text-red-900 [overflow-wrap:anywhere]">
                        {format!("{} {}", t.audit_broken, page.problem.clone().unwrap_or_default())}
                    </p>
                }
                .into_any()
            };
            let filter_query = format!(
                "action={}&from={}&to={}",
                urlencode(&filter.action),
                urlencode(&filter.from),
                urlencode(&filter.to)
            );
            let csv_href = format!("/firm/audit.csv?{filter_query}");
            let mut named: Vec<(String, String)> = page
                .actions
                .iter()
                .map(|code| {
                    let name = action_name(t, code).map_or_else(|| code.clone(), str::to_owned);
                    (code.clone(), name)
                })
                .collect();
            named.sort_by(|a, b| a.1.cmp(&b.1));
            let actions = std::iter::once((String::new(), t.audit_all_actions.to_owned()))
                .chain(named)
                .map(|(value, label)| {
                    let selected = value == filter.action;
                    view! { <option value=value selected=selected>{label}</option> }
                })
                .collect_view();
            let shown = page.events.len() as u64;
            let showing = if page.total == 0 {
                t.audit_no_events.to_owned()
            } else {
                t.audit_showing
                    .replace("{first}", &grouped(lang, page.first))
                    .replace(
                        "{last}",
                        &grouped(lang, page.first + shown.saturating_sub(1)),
                    )
                    .replace("{total}", &grouped(lang, page.total))
            };
            let newer = page.newer.map(|seq| {
                let href = format!("/firm/audit?{filter_query}&after={seq}");
                view! {
                    <a href=href rel="prev" class="rounded border border-slate-400 px-3 py-2 focus-ring">
                        <span aria-hidden="true">"← "</span>{t.audit_newer}
                    </a>
                }
            });
            let older = page.older.map(|seq| {
                let href = format!("/firm/audit?{filter_query}&before={seq}");
                view! {
                    <a href=href rel="next" class="rounded border border-slate-400 px-3 py-2 focus-ring">
                        {t.audit_older}<span aria-hidden="true">" →"</span>
                    </a>
                }
            });
            let rows = page
                .events
                .iter()
                .map(|e| event_row(t, lang, e))
                .collect_view();
            let table = (!page.events.is_empty()).then(|| {
                view! {
                    <div class="overflow-x-auto" data-audit-events="">
                        <table class="w-full text-left text-sm">
                            <caption class="sr-only">{t.audit_title}</caption>
                            // On a phone the rows are cards and the header is for screen readers.
                            <thead class="sr-only sm:not-sr-only sm:table-header-group"><tr>
                                <th scope="col" class="py-1 pr-3 text-right">"#"</th>
                                <th scope="col" class="py-1 pr-3">{t.audit_time}</th>
                                <th scope="col" class="py-1 pr-3">{t.audit_action}</th>
                                <th scope="col" class="py-1 pr-3">{t.audit_actor}</th>
                                <th scope="col" class="py-1 pr-3">{t.audit_target}</th>
                                <th scope="col" class="py-1">{t.sessions_ip}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            });
            let pages = (page.newer.is_some() || page.older.is_some()).then(|| {
                view! {
                    <nav aria-label=t.audit_pages class="flex flex-wrap items-center gap-3">
                        {newer}{older}
                    </nav>
                }
            });
            view! {
                {verification}
                <p class="text-sm text-slate-600 break-all">{format!("{} {}", t.audit_public_key, page.public_key)}</p>
                <form method="get" action="/firm/audit" class="flex flex-wrap items-end gap-3" role="search">
                    <div class="max-w-full">
                        <label for="action" class="block text-sm font-medium">{t.audit_action}</label>
                        <select id="action" name="action" class="max-w-full rounded border border-slate-400 bg-white px-3 py-2 focus-ring">{actions}</select>
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
                <p><a href=csv_href rel="external" class="underline focus-ring">{t.audit_export}</a></p>
                <p class="font-medium">{showing}</p>
                {table}
                {pages}
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.audit_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.audit_title}</h1>
            <p class="text-slate-700">{with_code(t.audit_intro)}</p>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        assert_eq!(grouped(Lang::En, 0), "0");
        assert_eq!(grouped(Lang::En, 999), "999");
        assert_eq!(grouped(Lang::En, 1_234), "1,234");
        assert_eq!(grouped(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(grouped(Lang::Sv, 12_345), "12\u{a0}345");
    }

    #[test]
    fn unknown_codes_have_no_name_and_known_ones_do() {
        assert_eq!(
            action_name(Lang::En.texts(), "account.created"),
            Some("Account created")
        );
        assert_eq!(
            action_name(Lang::Sv.texts(), "account.created"),
            Some("Konto skapat")
        );
        assert_eq!(action_name(Lang::En.texts(), "robot.arrived"), None);
    }

    #[test]
    fn times_read_as_dates() {
        assert_eq!(
            when(Lang::En, "2026-11-23 11:22:18"),
            "23 November 2026 11:22:18"
        );
        assert_eq!(when(Lang::En, "garbled"), "garbled");
    }
}
