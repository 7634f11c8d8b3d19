//! The firm's settings (owners change them; admins see them).

use super::FirmNav;
use crate::api::firm::{
    CloseFirm, KeepFirm, RequestFirmExport, UpdateSettings, get_retention, get_settings,
};
use crate::components::form::{
    ErrorBox, Field, Notice, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::i18n::Texts;
use crate::i18n::use_lang;
use crate::pages::account::NeedsSignIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn FirmSettingsPage() -> impl IntoView {
    let t = use_lang().texts();
    let settings = Resource::new(|| (), |_| get_settings());
    let error = use_form_error::<UpdateSettings>();
    let kept = use_form_values::<UpdateSettings>();
    let saved = use_query_flag("saved");
    let export_error = use_form_error::<RequestFirmExport>();
    let close_error = use_form_error::<CloseFirm>();
    let notices = [
        (use_query_flag("closing"), t.close_requested),
        (use_query_flag("kept"), t.close_cancelled),
    ];
    let body = move || {
        let kept = kept.clone();
        Suspend::new(async move {
            let s = match settings.await {
                Ok(s) => s,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            // The profile's choices, without "from my title": a firm gives a rule set.
            let rule_sets = crate::pages::account::profile::rule_set_options(t)
                .into_iter()
                .skip(1);
            if !s.can_edit {
                return view! {
                    <dl class="space-y-2">
                        <dt class="font-medium">{t.firm_name}</dt><dd>{s.name.clone()}</dd>
                        <dt class="font-medium">{t.firm_org_number}</dt><dd>{s.org_number.clone()}</dd>
                    </dl>
                    <p class="text-slate-700">{t.firm_settings_owner_only}</p>
                }
                .into_any();
            }
            let storage = t
                .firm_storage_used
                .replace("{used}", &crate::model::size_label(s.storage_used_bytes))
                .replace("{quota}", &crate::model::size_label(s.storage_quota_bytes));
            view! {
                <p class="text-slate-700" data-testid="firm-storage">{storage}</p>
                <form method="post" action=UpdateSettings::url() class="max-w-2xl space-y-4">
                    <Field id="name" name="name" label=t.firm_name value=s.name.clone() kept=kept.clone() maxlength=domain::limits::FIRM_NAME required=true error/>
                    <Field id="org_number" name="org_number" label=t.firm_org_number hint=t.firm_org_number_hint value=s.org_number.clone() kept=kept.clone() maxlength=domain::limits::ORG_NUMBER error/>
                    <div class="space-y-1">
                        <label for="default_rule_set" class="block font-medium">{t.firm_default_rule_set}</label>
                        <p id="default_rule_set-hint" class="text-sm text-slate-600">{t.firm_default_rule_set_hint}</p>
                        <select id="default_rule_set" name="default_rule_set" aria-describedby="default_rule_set-hint" class="w-full max-w-md rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                            {rule_sets.into_iter().map(|(v, l)| view! { <option value=v selected=kept.or("default_rule_set", &s.default_rule_set) == v>{l}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="flex items-center gap-2">
                        <input id="require_second_factor" name="require_second_factor" type="checkbox" value="on" checked=kept.checked_or("require_second_factor", s.require_second_factor) class="h-4 w-4 focus-ring"/>
                        <label for="require_second_factor">{t.firm_require_second_factor}</label>
                    </div>
                    <Submit label=t.save/>
                </form>
                <section aria-labelledby="firm-data-heading" class="max-w-2xl space-y-3 border-t border-slate-200 pt-6">
                    <h2 id="firm-data-heading" class="text-xl font-semibold">{t.firm_export_heading}</h2>
                    <p class="text-slate-700">{t.firm_export_intro}</p>
                    <form method="post" action=RequestFirmExport::url()>
                        <button type="submit" class="rounded border border-indigo-700 px-4 py-2 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.firm_export_button}</button>
                    </form>
                </section>
                <CloseSection closing=s.closing.clone() error=close_error/>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.firm_settings_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.firm_settings_title}</h1>
            <FirmNav/>
            <Notice show=saved text=t.saved/>
            <ErrorBox error/>
            <ErrorBox error=export_error/>
            {notices.into_iter().map(|(show, text)| view! { <Notice show text/> }).collect_view()}
            <Suspense fallback=|| ()>{body}</Suspense>
            <RetentionSection/>
        </section>
    }
}

fn job_name(t: &Texts, name: &str) -> &'static str {
    match name {
        "finalize_deletions" => t.job_finalize_deletions,
        "expired_exports" => t.job_expired_exports,
        "stale_history_uploads" => t.job_stale_history_uploads,
        "purge_people" => t.job_purge_people,
        "purge_firms" => t.job_purge_firms,
        "expired_sign_in_data" => t.job_expired_sign_in_data,
        "daily_backup" => t.job_daily_backup,
        _ => t.job_orphaned_files,
    }
}

/// The retention jobs and when they last ran; the purges of the firm's people (counts).
#[component]
fn RetentionSection() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let retention = Resource::new(|| (), |_| get_retention());
    let body = move || {
        Suspend::new(async move {
            let Ok(r) = retention.await else {
                return ().into_any();
            };
            let every = |m: u32| match m {
                1 => t.retention_every_minute.to_owned(),
                1440 => t.retention_every_day.to_owned(),
                n => t.retention_every_minutes.replace("{n}", &n.to_string()),
            };
            let jobs = r
                .jobs
                .into_iter()
                .map(|j| {
                    let last = match (j.last_finished_at_us, j.last_outcome.as_str()) {
                        (_, "failed") => t.retention_failed.to_owned(),
                        (Some(at), _) => lang.moment(at),
                        (None, _) => t.retention_not_yet.to_owned(),
                    };
                    view! {
                        <tr class="border-t border-slate-200 align-top">
                            <th scope="row" class="py-2 pr-3 font-normal">{job_name(t, &j.name)}</th>
                            <td class="py-2 pr-3">{every(j.every_minutes)}</td>
                            <td class="py-2">{last}</td>
                        </tr>
                    }
                })
                .collect_view();
            let purges = if r.purges.is_empty() {
                view! { <p class="text-slate-700">{t.retention_no_purges}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-disc space-y-1 pl-5">
                        {r.purges.into_iter().map(|p| view! {
                            <li>{t.retention_purge.replace("{date}", &lang.moment(p.at_us)).replace("{rows}", &p.rows.to_string()).replace("{objects}", &p.objects.to_string())}</li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <div class="overflow-x-auto">
                    <table class="w-full text-left">
                        <caption class="sr-only">{t.retention_heading}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3">{t.retention_col_job}</th>
                            <th scope="col" class="py-1 pr-3">{t.retention_col_every}</th>
                            <th scope="col" class="py-1">{t.retention_col_last}</th>
                        </tr></thead>
                        <tbody>{jobs}</tbody>
                    </table>
                </div>
                <h3 class="font-semibold">{t.retention_purges_heading}</h3>
                {purges}
            }
            .into_any()
        })
    };
    view! {
        <section aria-labelledby="retention-heading" class="max-w-3xl space-y-3 border-t border-slate-200 pt-6">
            <h2 id="retention-heading" class="text-xl font-semibold">{t.retention_heading}</h2>
            <p class="text-slate-700">{t.retention_intro}</p>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// Closing the firm: what it does and when, the choice of an archive first, and while the
/// hold runs the one button that keeps the firm.
#[component]
fn CloseSection(closing: Option<String>, error: Signal<Option<crate::AppError>>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let body = match closing {
        Some(day) => view! {
            <p role="status" class="font-semibold text-red-900">{t.close_pending.replace("{date}", &lang.date_text(&day))}</p>
            <form method="post" action=KeepFirm::url()>
                <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{t.close_cancel}</button>
            </form>
        }
        .into_any(),
        None => view! {
            <ErrorBox error/>
            <form method="post" action=CloseFirm::url() class="space-y-3">
                <fieldset class="space-y-2">
                    <legend class="font-medium">{t.close_choice_legend}</legend>
                    <div class="flex items-start gap-2">
                        <input id="close-export" type="radio" name="choice" value="export" checked=true class="mt-1 h-4 w-4 focus-ring"/>
                        <label for="close-export">{t.close_choice_export}</label>
                    </div>
                    <div class="flex items-start gap-2">
                        <input id="close-delete" type="radio" name="choice" value="delete" class="mt-1 h-4 w-4 focus-ring"/>
                        <label for="close-delete">{t.close_choice_delete}</label>
                    </div>
                </fieldset>
                <button type="submit" class="rounded border border-red-700 px-4 py-2 font-semibold text-red-800 hover:bg-red-50 focus-ring">{t.close_button}</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section aria-labelledby="close-heading" class="max-w-2xl space-y-3 border-t border-slate-200 pt-6">
            <h2 id="close-heading" class="text-xl font-semibold">{t.close_heading}</h2>
            <p class="text-slate-700">{t.close_intro}</p>
            {body}
        </section>
    }
}
