//! A member's year, read-only, as their firm's owners and admins see it (audited).

use super::FirmNav;
use crate::api::firm::get_member_log;
use crate::i18n::use_lang;
use crate::pages::account::NeedsSignIn;
use crate::pages::log::{YearNav, YearView, use_query_year};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FirmMember() -> impl IntoView {
    let t = use_lang().texts();
    let params = use_params_map();
    let year = use_query_year();
    let data = Resource::new(
        move || (params.with(|p| p.get("id").unwrap_or_default()), year.get()),
        |(id, year)| async move { get_member_log(id).await.map(|m| (m, year)) },
    );
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok((member, year)) => {
                    let year = year.unwrap_or_else(|| member.log.today().year());
                    let path = format!("/firm/member/{}", member.id);
                    view! {
                        <h2 class="text-2xl font-semibold">{member.name.clone()}</h2>
                        <p class="text-sm text-slate-600">{t.firm_member_read_only}</p>
                        <YearNav path=path.clone() year/>
                        <YearView data=member.log year path/>
                    }
                    .into_any()
                }
                Err(e) => view! { <NeedsSignIn error=e/> }.into_any(),
            }
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
