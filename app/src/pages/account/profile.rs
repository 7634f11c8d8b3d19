//! Profile: name, title, admission, date of birth, rule set, language; and the sign-in
//! address, changed only with a code sent to the new address.

use super::NeedsSignIn;
use crate::api::account::{ConfirmEmailChange, RequestEmailChange, UpdateProfile, get_profile};
use crate::components::form::{
    ErrorBox, Field, Notice, Select, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::i18n::{Lang, Texts, use_texts};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The titles a person can hold, with "choose" first (none is assumed).
pub(crate) fn title_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![
        ("", t.title_choose),
        ("advokat", t.title_advokat),
        ("bitradande_jurist", t.title_bitradande),
        ("auktoriserad_revisor", t.title_revisor),
        ("other", t.title_other),
    ]
}

/// The rule sets, with "from my title" first.
pub(crate) fn rule_set_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![
        ("", t.rule_set_default),
        ("se-advokat", t.rule_set_advokat),
        ("se-revisor-far", t.rule_set_far),
        ("se-revisor-ri", t.rule_set_ri),
        ("dk-advokat", t.rule_set_dk),
        ("no-advokat", t.rule_set_no),
        ("fi-asianajaja", t.rule_set_fi),
        ("ie-solicitor", t.rule_set_ie),
        ("ew-sra", t.rule_set_ew),
        ("none", t.rule_set_none),
    ]
}

#[component]
pub fn Profile() -> impl IntoView {
    let t = use_texts();
    let profile = Resource::new(|| (), |_| get_profile());
    let error = use_form_error::<UpdateProfile>();
    let kept = use_form_values::<UpdateProfile>();
    let kept_email = use_form_values::<RequestEmailChange>();
    let email_error = use_form_error::<RequestEmailChange>();
    let confirm_error = use_form_error::<ConfirmEmailChange>();
    let saved = use_query_flag("saved");
    let welcome = use_query_flag("welcome");
    let email_code = use_query_flag("email_code");
    let email_changed = use_query_flag("email_changed");

    let body = move || {
        let (kept, kept_email) = (kept.clone(), kept_email.clone());
        Suspend::new(async move {
            let p = match profile.await {
                Ok(p) => p,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            // A new person chooses a title (none is assumed); the rule set starts as the
            // one their firm gave them, or as "from my title".
            let (titles, rule_sets) = (title_options(t), rule_set_options(t));
            let languages = Lang::ALL
                .iter()
                .map(|l| (l.code(), l.native_name()))
                .collect::<Vec<_>>();
            view! {
                <Notice show=welcome text=t.profile_welcome/>
                <Notice show=saved text=t.saved/>
                <ErrorBox error/>
                <form method="post" action=UpdateProfile::url() class="space-y-4">
                    {p.names_firm.then(|| view! {
                        <fieldset class="space-y-4 rounded-lg border border-slate-200 p-4">
                            <legend class="px-1 font-semibold">{t.firm_section_new}</legend>
                            <input type="hidden" name="names_firm" value="1"/>
                            <p class="text-sm text-slate-600">{t.firm_name_why}</p>
                            <Field id="firm_name" name="firm_name" label=t.firm_name kept=kept.clone() maxlength=domain::limits::FIRM_NAME autocomplete="organization" required=true error/>
                            <Field id="org_number" name="org_number" label=t.firm_org_number hint=t.firm_org_number_hint kept=kept.clone() maxlength=domain::limits::ORG_NUMBER error/>
                        </fieldset>
                    })}
                    <Field id="full_name" name="full_name" label=t.full_name autocomplete="name" value=p.full_name.clone() kept=kept.clone() required=true error/>
                    <Select id="title" name="title" label=t.title_label options=titles selected=if p.profile_completed { p.title.clone() } else { String::new() } kept=kept.clone() error/>
                    <Field id="admission_date" name="admission_date" label=t.admission_date hint=t.admission_hint kind="date" value=p.admission_date.clone() kept=kept.clone() error/>
                    <Field id="birth_date" name="birth_date" label=t.birth_date hint=t.birth_hint kind="date" value=p.birth_date.clone() kept=kept.clone() autocomplete="bday" error/>
                    <Select id="rule_set" name="rule_set" label=t.rule_set_label hint=t.rule_set_hint options=rule_sets selected=if p.profile_completed || p.rule_set != "none" { p.rule_set.clone() } else { String::new() } kept=kept.clone() error/>
                    <Field id="history_from" name="history_from" label=t.history_from_label hint=t.history_from_hint inputmode="numeric" value=p.history_from.clone() kept=kept.clone() maxlength=4 error/>
                    <Select id="language" name="language" label=t.language_pref options=languages selected=p.language.clone() kept=kept.clone() error/>
                    <Submit label=t.save/>
                </form>
                <p><a href="/account/leave" class="underline focus-ring">{t.leave_link}</a></p>

                <section aria-labelledby="email-heading" class="mt-10 space-y-4 border-t border-slate-200 pt-6">
                    <h2 id="email-heading" class="text-xl font-semibold">{t.email_section}</h2>
                    <p>{t.email_current}" "<strong>{p.email.clone()}</strong></p>
                    <Notice show=email_changed text=t.email_changed/>
                    <ErrorBox error=email_error/>
                    <form method="post" action=RequestEmailChange::url() class="space-y-4">
                        <Field id="new_email" name="email" label=t.email_new kind="email" autocomplete="email" kept=kept_email required=true error=email_error/>
                        <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.email_send_code}</button>
                    </form>
                    {move || (email_code.get() || confirm_error.get().is_some()).then(|| view! {
                        <Notice show=email_code text=t.email_code_sent/>
                        <ErrorBox error=confirm_error/>
                        <form method="post" action=ConfirmEmailChange::url() class="space-y-4">
                            <Field id="email_code" name="code" label=t.code_label autocomplete="one-time-code" inputmode="numeric" required=true error=confirm_error/>
                            <Submit label=t.email_confirm/>
                        </form>
                    })}
                </section>
            }
            .into_any()
        })
    };

    view! {
        <Title text=t.profile_title/>
        <section class="max-w-2xl space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.profile_title}</h1>
            <p class="text-slate-700">{t.profile_intro}</p>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
