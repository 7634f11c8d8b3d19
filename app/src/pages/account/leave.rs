//! Leave periods and the age-70 exemption: both change what a year requires.

use super::NeedsSignIn;
use crate::api::log::{AddLeave, DeleteLeave, SetExemption, get_log};
use crate::components::form::{
    ErrorBox, Field, Notice, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::components::undo::ConfirmDelete;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn Leave() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let log = Resource::new(|| (), |_| get_log());
    let add_error = use_form_error::<AddLeave>();
    let delete_error = use_form_error::<DeleteLeave>();
    let exemption_error = use_form_error::<SetExemption>();
    let kept_leave = use_form_values::<AddLeave>();
    let kept_year = use_form_values::<SetExemption>();
    let saved = use_query_flag("saved");
    let removed = use_query_flag("removed");
    let body = move || {
        let (kept_leave, kept_year) = (kept_leave.clone(), kept_year.clone());
        Suspend::new(async move {
            let data = match log.await {
                Ok(d) => d,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let leaves = if data.leaves.is_empty() {
                view! { <p class="text-slate-700">{t.leave_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-2">
                        {data.leaves.iter().map(|l| {
                            let label = format!("{} – {}", lang.date_text(&l.from), lang.date_text(&l.to));
                            view! {
                                <li class="flex flex-wrap items-center gap-3">
                                    <span><time datetime=l.from.clone()>{lang.date_text(&l.from)}</time>" – "<time datetime=l.to.clone()>{lang.date_text(&l.to)}</time>{(!l.reason.is_empty()).then(|| format!(" ({})", l.reason))}</span>
                                    <ConfirmDelete action=DeleteLeave::url() id=l.id.clone() what=label button=t.remove/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            let exemptions = data
                .exemptions
                .iter()
                .map(|y| {
                    let label = format!("{} {y}", t.remove);
                    view! {
                        <li class="flex items-center gap-3">
                            <span>{*y}</span>
                            <form method="post" action=SetExemption::url()>
                                <input type="hidden" name="year" value=*y/>
                                <input type="hidden" name="exempt" value="no"/>
                                <button type="submit" aria-label=label class="rounded border border-red-700 px-2 py-1 text-sm text-red-800 focus-ring">{t.remove}</button>
                            </form>
                        </li>
                    }
                })
                .collect_view();
            let this_year = data.today().year();
            // Offered from the year before the person turns 70 (by the birth date in the
            // profile), or once one is recorded; not to a 46-year-old.
            let may_be_exempt = !data.exemptions.is_empty()
                || domain::Date::parse(&data.born)
                    .is_ok_and(|born| born.year() + 70 <= this_year + 1);
            view! {
                <section aria-labelledby="leave-heading" class="space-y-4">
                    <h2 id="leave-heading" class="text-xl font-semibold">{t.leave_heading}</h2>
                    <p class="text-slate-700">{t.leave_intro}</p>
                    <ErrorBox error=delete_error/>
                    {leaves}
                    <ErrorBox error=add_error/>
                    <form method="post" action=AddLeave::url() class="space-y-4">
                        <Field id="from" name="from" label=t.leave_from kind="date" kept=kept_leave.clone() required=true error=add_error/>
                        <Field id="to" name="to" label=t.leave_to kind="date" kept=kept_leave.clone() required=true error=add_error/>
                        <Field id="reason" name="reason" label=t.leave_reason hint=t.leave_reason_hint kept=kept_leave maxlength=domain::limits::LEAVE_REASON error=add_error/>
                        <Submit label=t.leave_add/>
                    </form>
                </section>
                <section aria-labelledby="exemption-heading" class="space-y-4 border-t border-slate-200 pt-6">
                    <h2 id="exemption-heading" class="text-xl font-semibold">{t.exemption_heading}</h2>
                    <p class="text-slate-700">{t.exemption_intro}</p>
                    <ul class="space-y-2">{exemptions}</ul>
                    <ErrorBox error=exemption_error/>
                    {if may_be_exempt {
                        view! {
                            <form method="post" action=SetExemption::url() class="space-y-4">
                                <input type="hidden" name="exempt" value="yes"/>
                                <Field id="year" name="year" label=t.year_label kind="number" inputmode="numeric" value=this_year.to_string() kept=kept_year required=true error=exemption_error/>
                                <Submit label=t.exemption_add/>
                            </form>
                        }
                        .into_any()
                    } else {
                        view! { <p class="text-sm text-slate-600" data-testid="exemption-not-yet">{t.exemption_not_yet}</p> }.into_any()
                    }}
                </section>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.leave_title/>
        <section class="max-w-2xl space-y-6">
            <h1 class="text-3xl font-bold tracking-tight">{t.leave_title}</h1>
            <Notice show=saved text=t.saved/>
            <Notice show=removed text=t.removed/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
