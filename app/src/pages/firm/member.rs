//! A member's year, read-only, as their firm's owners and admins see it (audited).

use super::FirmNav;
use crate::api::firm::{CorrectMember, RequestMemberExport, get_member_log};
use crate::components::form::{
    ErrorBox, Field, Notice, Select, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::i18n::use_lang;
use crate::model::MemberDetails;
use crate::pages::account::NeedsSignIn;
use crate::pages::account::profile::{rule_set_options, title_options};
use crate::pages::log::{YearNav, YearView, use_query_year};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FirmMember() -> impl IntoView {
    let t = use_lang().texts();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let year = use_query_year();
    let data = Resource::new(
        move || (id.clone(), year),
        |(id, year)| async move { get_member_log(id).await.map(|m| (m, year)) },
    );
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok((member, year)) => {
                    let year = year.unwrap_or_else(|| member.log.today().year());
                    let path = format!("/firm/member/{}", member.id);
                    let courses = member.log.clone();
                    let details = member.details.clone().map(|d| {
                        view! {
                            <CorrectDetails id=member.id.clone() details=d/>
                            <MemberData id=member.id.clone()/>
                        }
                    });
                    view! {
                        <h2 class="text-2xl font-semibold">{member.name.clone()}</h2>
                        <p class="text-sm text-slate-600">{t.firm_member_read_only}</p>
                        <YearNav path=path.clone() year/>
                        <YearView data=member.log year path/>
                        <MemberCourses data=courses year/>
                        {details}
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

/// The member's courses of the year, read-only: what their status rests on.
#[component]
fn MemberCourses(data: crate::model::LogData, year: i32) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let sep = lang.decimal_separator();
    let rows: Vec<_> = data
        .entries
        .iter()
        .filter(|e| e.date.starts_with(&format!("{year}-")))
        .cloned()
        .collect();
    let body = if rows.is_empty() {
        view! { <p class="text-slate-700">{t.log_empty}</p> }.into_any()
    } else {
        view! {
            <table class="w-full text-left">
                <caption class="sr-only">{format!("{} {year}", t.log_title)}</caption>
                <thead class="sr-only sm:not-sr-only sm:table-header-group"><tr>
                    <th scope="col" class="py-1 pr-3">{t.col_date}</th>
                    <th scope="col" class="py-1 pr-3">{t.col_course}</th>
                    <th scope="col" class="py-1 pr-3 text-right">{t.col_hours}</th>
                    <th scope="col" class="py-1">{t.col_category}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|e| {
                        let date = domain::Date::parse(&e.date).map_or_else(|_| e.date.clone(), |d| lang.long_date(d));
                        let category = if e.category == "e-learning" { t.category_e_learning } else { t.category_teacher_led };
                        view! {
                            <tr class="block border-t border-slate-200 py-2 sm:table-row sm:py-0">
                                <td class="block text-sm text-slate-600 sm:table-cell sm:py-2 sm:pr-3 sm:text-base sm:text-slate-900"><time datetime=e.date.clone()>{date}</time></td>
                                <td class="block [overflow-wrap:anywhere] sm:table-cell sm:py-2 sm:pr-3">{e.title.clone()}</td>
                                <td class="inline sm:table-cell sm:py-2 sm:pr-3 sm:text-right">{e.hours().display_with(sep)}" h"</td>
                                <td class="inline pl-2 sm:table-cell sm:py-2 sm:pl-0">{category}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="member-courses-heading" class="space-y-2">
            <h2 id="member-courses-heading" class="text-xl font-semibold">{t.member_courses_heading}</h2>
            {body}
        </section>
    }
}

/// The firm corrects the person's details (name, title, dates, rule set, history): a plain
/// form, checked as the person's own profile is; every change is audited.
#[component]
fn CorrectDetails(id: String, details: MemberDetails) -> impl IntoView {
    let t = use_lang().texts();
    let error = use_form_error::<CorrectMember>();
    let kept = use_form_values::<CorrectMember>();
    let corrected = use_query_flag("corrected");
    view! {
        <section aria-labelledby="correct-heading" class="max-w-2xl space-y-4 border-t border-slate-200 pt-6">
            <h2 id="correct-heading" class="text-xl font-semibold">{t.correct_heading}</h2>
            <p class="text-slate-700">{t.correct_intro}</p>
            <Notice show=corrected text=t.correct_saved/>
            <ErrorBox error/>
            <form method="post" action=CorrectMember::url() class="space-y-4">
                <input type="hidden" name="id" value=id/>
                <Field id="full_name" name="full_name" label=t.full_name value=details.full_name kept=kept.clone() maxlength=domain::limits::PERSON_NAME required=true error/>
                <Select id="title" name="title" label=t.title_label options=title_options(t) selected=details.title kept=kept.clone() error/>
                <Field id="admission_date" name="admission_date" label=t.admission_date kind="date" value=details.admission_date kept=kept.clone() error/>
                <Field id="birth_date" name="birth_date" label=t.birth_date kind="date" value=details.birth_date kept=kept.clone() error/>
                <Select id="rule_set" name="rule_set" label=t.rule_set_label options=rule_set_options(t) selected=details.rule_set kept=kept.clone() error/>
                <Field id="history_from" name="history_from" label=t.history_from_label inputmode="numeric" value=details.history_from kept=kept.clone() maxlength=4 error/>
                <Submit label=t.correct_save/>
            </form>
        </section>
    }
}

/// The firm downloads everything about this person (a data subject's request made to the
/// firm, say): made in the background, listed on the administrator's own data page.
#[component]
fn MemberData(id: String) -> impl IntoView {
    let t = use_lang().texts();
    let error = use_form_error::<RequestMemberExport>();
    view! {
        <section aria-labelledby="member-data-heading" class="max-w-2xl space-y-3 border-t border-slate-200 pt-6">
            <h2 id="member-data-heading" class="text-xl font-semibold">{t.member_export_heading}</h2>
            <p class="text-slate-700">{t.member_export_intro}</p>
            <ErrorBox error/>
            <form method="post" action=RequestMemberExport::url()>
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.member_export_button}</button>
            </form>
        </section>
    }
}
