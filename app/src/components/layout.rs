//! Header, navigation, main landmark and footer around every page.
//!
//! The header is one compact bar: the brand, the main sections, the language and an account
//! menu. On a phone the sections and the account's pages fold into one "Menu" disclosure.
//! Both menus are `<details>` elements: they open and close with the keyboard, tell screen
//! readers whether they are expanded, and need no JavaScript.

use crate::api::account::CancelDeletion;
use crate::api::auth::{Me, SignOut, current_user};
use crate::components::icons::{Icon, IconSvg, LogoMark};
use crate::components::language_switch::LanguageSwitch;
use crate::components::undo::UndoNotices;
use crate::i18n::{Texts, use_texts};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// The main sections a signed-in person can reach.
fn sections(t: &'static Texts, me: &Me) -> Vec<(&'static str, &'static str)> {
    let mut links = vec![
        ("/dashboard", t.nav_dashboard),
        ("/log", t.nav_log),
        ("/reports", t.nav_reports),
    ];
    if me.role.sees_firm() {
        links.push(("/firm/overview", t.nav_firm));
    }
    links
}

/// The person's own pages, in the account menu.
fn account_pages(t: &'static Texts) -> [(&'static str, &'static str); 3] {
    [
        ("/account/profile", t.nav_profile),
        ("/account/security", t.nav_security),
        ("/account/data", t.nav_data),
    ]
}

/// The name the header shows for the person: their name once given, else their address.
fn shown_name(me: &Me) -> String {
    if me.full_name.trim().is_empty() {
        me.email.clone()
    } else {
        me.full_name.clone()
    }
}

#[component]
fn SignOutButton(class: &'static str) -> impl IntoView {
    let t = use_texts();
    view! {
        <form method="post" action=SignOut::url()>
            <button type="submit" class=class>{t.sign_out}</button>
        </form>
    }
}

/// The account menu of a wide screen: who is signed in, their pages, signing out.
#[component]
fn AccountMenu(me: Me) -> impl IntoView {
    let t = use_texts();
    let name = shown_name(&me);
    view! {
        <details class="group relative hidden md:block">
            <summary class="flex cursor-pointer list-none items-center gap-2 rounded-full border border-slate-300 py-1 pl-1.5 pr-2.5 text-sm text-slate-800 hover:bg-slate-50 focus-ring [&::-webkit-details-marker]:hidden">
                <span class="grid h-7 w-7 place-items-center rounded-full bg-indigo-100 text-indigo-800"><IconSvg icon=Icon::User class="h-4 w-4"/></span>
                <span class="sr-only">{t.account_menu}": "</span>
                <span class="max-w-44 truncate">{name}</span>
                <IconSvg icon=Icon::ChevronDown class="h-4 w-4 transition group-open:rotate-180"/>
            </summary>
            <div class="absolute right-0 z-40 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
                <p class="px-3 py-2 text-xs text-slate-600">
                    {t.signed_in_as}<br/>
                    <span class="text-sm font-medium text-slate-900 [overflow-wrap:anywhere]">{me.email.clone()}</span>
                </p>
                <ul class="border-t border-slate-100 pt-1">
                    {account_pages(t).into_iter().map(|(href, label)| view! {
                        <li><A href=href attr:class="menu-item focus-ring">{label}</A></li>
                    }).collect_view()}
                    <li class="mt-1 border-t border-slate-100 pt-1"><SignOutButton class="menu-item w-full text-left focus-ring"/></li>
                </ul>
            </div>
        </details>
    }
}

/// The phone's menu: every section, the account's pages, the language, signing out.
#[component]
fn PhoneMenu(me: Option<Me>) -> impl IntoView {
    let t = use_texts();
    let links: Vec<(&'static str, &'static str)> = match &me {
        Some(me) => sections(t, me)
            .into_iter()
            .chain(account_pages(t))
            .collect(),
        None => vec![("/", t.nav_home), ("/sign-in", t.nav_sign_in)],
    };
    view! {
        <details class="group md:hidden">
            <summary class="flex cursor-pointer list-none items-center gap-2 rounded border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 focus-ring [&::-webkit-details-marker]:hidden">
                <IconSvg icon=Icon::Menu/>
                {t.menu}
            </summary>
            <div class="absolute inset-x-0 top-full z-40 border-b border-slate-200 bg-white px-4 pb-4 pt-2 shadow-lg">
                <nav aria-label=t.nav_label>
                    <ul class="grid gap-1">
                        {links.into_iter().map(|(href, label)| view! {
                            <li><A href=href attr:class="menu-item focus-ring">{label}</A></li>
                        }).collect_view()}
                    </ul>
                </nav>
                {me.map(|me| view! {
                    <div class="mt-2 border-t border-slate-100 pt-2">
                        <p class="px-3 py-1 text-xs text-slate-600 [overflow-wrap:anywhere]">{format!("{} {}", t.signed_in_as, me.email)}</p>
                        <SignOutButton class="menu-item w-full text-left focus-ring"/>
                    </div>
                })}
                <div class="mt-2 border-t border-slate-100 px-3 pt-3"><LanguageSwitch/></div>
            </div>
        </details>
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| current_user());
    let bar = move || {
        Suspend::new(async move {
            let me = me
                .await
                .ok()
                .flatten()
                .filter(|me| !me.pending_second_factor);
            let wide_nav = match &me {
                Some(me) => sections(t, me)
                    .into_iter()
                    .map(|(href, label)| view! { <li><A href=href attr:class="nav-link focus-ring">{label}</A></li> })
                    .collect_view()
                    .into_any(),
                None => view! {
                    <li><A href="/" attr:class="nav-link focus-ring" exact=true>{t.nav_home}</A></li>
                }
                .into_any(),
            };
            let account = match me.clone() {
                Some(me) => view! { <AccountMenu me/> }.into_any(),
                None => view! {
                    <A href="/sign-in" attr:class="hidden rounded bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 focus-ring md:inline-block">
                        {t.nav_sign_in}
                    </A>
                }
                .into_any(),
            };
            view! {
                <nav aria-label=t.nav_label class="hidden flex-1 md:block">
                    <ul class="flex items-center gap-1">{wide_nav}</ul>
                </nav>
                <div class="ml-auto flex items-center gap-2">
                    <div class="hidden md:block"><LanguageSwitch/></div>
                    {account}
                    <PhoneMenu me/>
                </div>
            }
        })
    };
    // A deletion asked for is said on every page, with the one button that cancels it, so
    // signing in during the hold is enough to keep the account.
    let deletion_notice = move || {
        Suspend::new(async move {
            let me = me.await.ok().flatten()?;
            let due = me.deletion_due?;
            let lang = crate::i18n::use_lang();
            let text = if me.deletion_by_firm {
                t.delete_pending_by_firm
            } else {
                t.delete_pending
            };
            let held = me
                .legal_hold
                .clone()
                .map(|reason| t.held_notice.replace("{reason}", &reason));
            Some(view! {
                <div role="alert" class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">
                    <p>{text.replace("{date}", &lang.date_text(&due))}</p>
                    {held.map(|h| view! { <p class="w-full">{h}</p> })}
                    {(!me.deletion_by_firm).then(|| view! {
                        <form method="post" action=CancelDeletion::url()>
                            <button type="submit" class="rounded bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 focus-ring">{t.delete_keep}</button>
                        </form>
                    })}
                </div>
            })
        })
    };
    // A firm being closed is said on every page: everyone's data goes with it.
    let closing_notice = move || {
        Suspend::new(async move {
            let me = me.await.ok().flatten()?;
            let day = me.firm_closing?;
            let lang = crate::i18n::use_lang();
            Some(view! {
                <div role="alert" class="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">
                    <p>{t.firm_closing_notice.replace("{date}", &lang.date_text(&day))}</p>
                    <a href="/account/data" class="rounded bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 focus-ring">{t.firm_closing_download}</a>
                </div>
            })
        })
    };
    // A restriction is said on every page too: the person's records are kept but not used.
    let restriction_notice = move || {
        Suspend::new(async move {
            let me = me.await.ok().flatten()?;
            let since = me.restricted_since?;
            let lang = crate::i18n::use_lang();
            Some(view! {
                <div role="status" class="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950">
                    <p>{t.restricted_notice.replace("{date}", &lang.date_text(&since))}</p>
                </div>
            })
        })
    };
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-indigo-800 focus:ring-2 focus:ring-indigo-600"
        >
            {t.skip_to_content}
        </a>
        <header class="relative border-b border-slate-200 bg-white">
            <div class="mx-auto flex h-16 max-w-6xl items-center gap-6 px-4">
                <A href="/" attr:class="flex shrink-0 items-center gap-2 rounded focus-ring">
                    <LogoMark/>
                    <span class="text-lg font-bold tracking-tight text-indigo-950">
                        "CPD "<span class="font-semibold text-indigo-700">"Registry"</span>
                    </span>
                </A>
                <Transition fallback=|| ()>{bar}</Transition>
            </div>
        </header>
        <main id="main" tabindex="-1" class="mx-auto w-full max-w-6xl flex-1 space-y-4 px-4 py-8 focus:outline-none">
            <Transition fallback=|| ()>{deletion_notice}</Transition>
            <Transition fallback=|| ()>{restriction_notice}</Transition>
            <Transition fallback=|| ()>{closing_notice}</Transition>
            <UndoNotices/>
            <div>{children()}</div>
        </main>
        <footer class="mt-12 border-t border-slate-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-slate-700 sm:flex-row sm:items-start sm:justify-between">
                <div class="flex items-center gap-2">
                    <LogoMark class="h-6 w-6"/>
                    <p class="max-w-md">{t.footer_note}</p>
                </div>
                <nav aria-label=t.footer_label>
                    <ul class="flex flex-wrap gap-x-6 gap-y-2">
                        <li><A href="/security" attr:class="underline focus-ring">{t.footer_security}</A></li>
                        <li><A href="/data-processing" attr:class="underline focus-ring">{t.footer_data_processing}</A></li>
                        <li><A href="/sub-processors" attr:class="underline focus-ring">{t.footer_subprocessors}</A></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
