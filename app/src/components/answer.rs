//! The dashboard's first answer, in one card: the status in words and colour, the hours
//! still to go (or above the minimum), the days left, and the one next step.

use crate::components::icons::{Icon, IconSvg};
use crate::i18n::use_lang;
use crate::model::LogData;
use domain::Date;
use domain::rules::{Evaluation, Reason, Status};
use leptos::prelude::*;

/// What the person should do next, in order of what matters: hours still missing, then a
/// course without its certificate, then the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    Log,
    Missed,
    Certificate { entry_id: String, title: String },
    Report,
}

impl NextStep {
    pub fn for_year(data: &LogData, result: &Evaluation, today: Date) -> Option<NextStep> {
        let ended = result.year < today.year();
        match result.status {
            Status::AtRisk | Status::OnTrack => return Some(NextStep::Log),
            Status::NonCompliant if ended => return Some(NextStep::Missed),
            Status::NonCompliant => return Some(NextStep::Log),
            Status::Exempt | Status::NotRequired => return None,
            Status::Compliant => {}
        }
        let prefix = format!("{:04}-", result.year);
        let uncertified = data.entries.iter().find(|e| {
            e.date.starts_with(&prefix)
                && e.date.as_str() <= data.today.as_str()
                && !data.certificates.contains_key(&e.id)
        });
        Some(match uncertified {
            Some(e) => NextStep::Certificate {
                entry_id: e.id.clone(),
                title: e.title.clone(),
            },
            None => NextStep::Report,
        })
    }
}

/// The accent of the card: its border and icon follow the status; the words always say it.
fn accent(status: Status) -> (&'static str, Icon) {
    match status {
        Status::Compliant | Status::Exempt => ("border-green-600 bg-green-50", Icon::Check),
        Status::OnTrack | Status::NotRequired => ("border-sky-600 bg-sky-50", Icon::Clock),
        Status::AtRisk => ("border-amber-500 bg-amber-50", Icon::Alert),
        Status::NonCompliant => ("border-red-600 bg-red-50", Icon::Alert),
    }
}

#[component]
pub fn AnswerCard(data: LogData, result: Evaluation) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let today = data.today();
    let h = |hours: domain::Hours| hours.display_with(lang.decimal_separator());
    let year_end = Date::last_of_year(result.year);
    let ended = result.year < today.year();
    let headline = match result.status {
        Status::Compliant if result.carry_out.quarters() > 0 => format!(
            "{} {}",
            t.answer_met.replace("{year}", &result.year.to_string()),
            t.answer_surplus
                .replace("{hours}", &h(result.carry_out))
                .replace("{next}", &(result.year + 1).to_string())
        ),
        Status::Compliant => t.answer_met.replace("{year}", &result.year.to_string()),
        Status::NonCompliant if ended => t
            .answer_missed
            .replace("{year}", &result.year.to_string())
            .replace("{hours}", &h(result.shortfall)),
        Status::NonCompliant | Status::AtRisk | Status::OnTrack => t
            .answer_to_go
            .replace("{hours}", &h(result.still_to_log()))
            .replace("{date}", &lang.long_date(year_end)),
        Status::Exempt | Status::NotRequired => result
            .explanation(lang.locale())
            .into_iter()
            .next()
            .unwrap_or_default(),
    };
    let days_left = (!ended && result.year == today.year()).then(|| {
        let days = usize::try_from(year_end.to_unix_days() - today.to_unix_days()).unwrap_or(0);
        lang.count(days, t.days_left_one, t.days_left_other)
    });
    let step = NextStep::for_year(&data, &result, today).map(|step| {
        let (href, label) = match step {
            NextStep::Log => (
                "/log/new".to_owned(),
                t.next_step_log
                    .replace("{hours}", &h(result.still_to_log()))
                    .replace("{date}", &lang.short_date(year_end)),
            ),
            NextStep::Missed => (
                format!("/log?year={}", result.year),
                t.next_step_missed.replace("{year}", &result.year.to_string()),
            ),
            NextStep::Certificate { entry_id, title } => (
                format!("/log/entry/{entry_id}"),
                t.next_step_certificate.replace("{title}", &title),
            ),
            NextStep::Report => (
                format!("/reports?year={}", result.year),
                t.next_step_report.replace("{year}", &result.year.to_string()),
            ),
        };
        view! {
            <div class="space-y-1">
                <p class="text-sm font-medium text-slate-700">{t.next_step_label}</p>
                <a href=href data-testid="next-step"
                    class="inline-flex max-w-full items-center gap-2 rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring [overflow-wrap:anywhere]">
                    {label}
                </a>
            </div>
        }
    });
    // What kind of hours, when it matters ("5 h of wellbeing and 3 h of client care"), and
    // the earlier years no new hours can mend: the calculator's own sentences, so the card
    // and the explanation below never disagree.
    let locale = lang.locale();
    let kinds = (!ended && result.needs.iter().any(|n| !n.is_general()))
        .then(|| {
            result
                .reasons
                .iter()
                .find(|r| matches!(r, Reason::Needed { .. }))
                .map(|r| r.text(locale))
        })
        .flatten();
    let missed: Vec<String> = result
        .reasons
        .iter()
        .filter(|r| matches!(r, Reason::YearMissed { .. }))
        .map(|r| r.text(locale))
        .collect();
    let required = result.required.quarters().max(1);
    let percent = u64::from(result.counted.quarters().min(required)) * 100 / u64::from(required);
    let (accent, icon) = accent(result.status);
    view! {
        <section aria-labelledby="answer-heading" data-testid="answer"
            class=format!("space-y-4 rounded-xl border-l-8 p-5 shadow-sm ring-1 ring-slate-200 {accent}")>
            <div class="flex items-start gap-3">
                <IconSvg icon class="mt-1 h-7 w-7 text-slate-800"/>
                <div class="space-y-1">
                    <h2 id="answer-heading" class="text-2xl font-bold tracking-tight">
                        {format!("{} {}", t.status_name(result.status), result.year)}
                    </h2>
                    <p class="text-lg text-slate-900" data-testid="answer-headline">{headline}</p>
                    {kinds.map(|k| view! { <p class="text-slate-800" data-testid="answer-kinds">{k}</p> })}
                    {days_left.map(|d| view! {
                        <p class="inline-flex items-center gap-1 text-sm text-slate-700" data-testid="days-left">
                            <IconSvg icon=Icon::Calendar class="h-4 w-4"/>{d}
                        </p>
                    })}
                </div>
            </div>
            <div>
                // SVG, not a styled div: the CSP allows no inline styles.
                <svg role="progressbar" aria-label=t.progress_label aria-valuemin="0"
                    aria-valuemax=result.required.as_f64()
                    aria-valuenow=result.counted.as_f64().min(result.required.as_f64())
                    viewBox="0 0 100 4" preserveAspectRatio="none" class="h-3 w-full rounded bg-white ring-1 ring-slate-200">
                    <rect width=percent height="4" class="fill-indigo-600"></rect>
                </svg>
                <p class="mt-1 text-sm text-slate-700">{format!("{} / {} h", h(result.counted), h(result.required))}</p>
            </div>
            {missed.into_iter().map(|m| view! {
                <p role="note" data-testid="missed-year" class="rounded border border-red-300 bg-white p-3 text-red-900">{m}</p>
            }).collect_view()}
            {step}
        </section>
    }
}
