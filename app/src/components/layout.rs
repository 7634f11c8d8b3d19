//! Header, navigation, main landmark and footer around every page.

use crate::api::auth::{SignOut, current_user};
use crate::components::language_switch::LanguageSwitch;
use crate::components::undo::UndoNotices;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| current_user());
    let account_nav = move || {
        Suspend::new(async move {
            match me.await.ok().flatten() {
                Some(me) if !me.pending_second_factor => view! {
                    <li><A href="/dashboard" attr:class="nav-link focus-ring">{t.nav_dashboard}</A></li>
                    <li><A href="/log" attr:class="nav-link focus-ring">{t.nav_log}</A></li>
                    <li><A href="/reports" attr:class="nav-link focus-ring">{t.nav_reports}</A></li>
                    {matches!(me.role.as_str(), "owner" | "admin").then(|| view! {
                        <li><A href="/firm/overview" attr:class="nav-link focus-ring">{t.nav_firm}</A></li>
                    })}
                    <li><A href="/account/profile" attr:class="nav-link focus-ring">{t.nav_profile}</A></li>
                    <li><A href="/account/security" attr:class="nav-link focus-ring">{t.nav_security}</A></li>
                    <li>
                        <form method="post" action=SignOut::url()>
                            <button type="submit" class="nav-link focus-ring" title=format!("{} {}", t.signed_in_as, me.email)>
                                {t.sign_out}
                            </button>
                        </form>
                    </li>
                }
                .into_any(),
                _ => view! { <li><A href="/sign-in" attr:class="nav-link focus-ring">{t.nav_sign_in}</A></li> }.into_any(),
            }
        })
    };
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-indigo-800 focus:ring-2 focus:ring-indigo-600"
        >
            {t.skip_to_content}
        </a>
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
                <A href="/" attr:class="text-lg font-semibold text-indigo-800 focus-ring">
                    {t.product}
                </A>
                <nav aria-label=t.nav_label class="order-3 w-full sm:order-none sm:w-auto sm:flex-1">
                    // One row on a phone too: it scrolls sideways rather than wrap into two.
                    <ul class="flex flex-nowrap items-center gap-1 overflow-x-auto whitespace-nowrap [scrollbar-width:thin]">
                        <li>
                            <A href="/" attr:class="nav-link focus-ring" exact=true>
                                {t.nav_home}
                            </A>
                        </li>
                        <Transition fallback=|| ()>{account_nav}</Transition>
                    </ul>
                </nav>
                <LanguageSwitch/>
            </div>
        </header>
        <main id="main" tabindex="-1" class="mx-auto max-w-5xl space-y-4 px-4 py-8 focus:outline-none">
            <UndoNotices/>
            <div>{children()}</div>
        </main>
        <footer class="border-t border-slate-200 bg-white">
            <div class="mx-auto max-w-5xl space-y-3 px-4 py-6 text-sm text-slate-700">
                <nav aria-label=t.footer_label>
                    <ul class="flex flex-wrap gap-x-6 gap-y-2">
                        <li><A href="/security" attr:class="underline focus-ring">{t.footer_security}</A></li>
                        <li><A href="/data-processing" attr:class="underline focus-ring">{t.footer_data_processing}</A></li>
                        <li><A href="/sub-processors" attr:class="underline focus-ring">{t.footer_subprocessors}</A></li>
                    </ul>
                </nav>
                <p>{t.footer_note}</p>
            </div>
        </footer>
    }
}
