//! Where a person stands for a year: status, progress, the figures and the reasons. The
//! dashboard shows it for saved entries; the new-entry page shows it live, with the entry
//! being typed included.

use crate::i18n::{use_lang, window_cells};
use domain::Hours;
use domain::rules::{Evaluation, Status};
use leptos::prelude::*;

/// Colour classes per status; the text always says the status too.
pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Compliant | Status::Exempt => "bg-green-100 text-green-900 border-green-300",
        Status::OnTrack | Status::NotRequired => "bg-sky-100 text-sky-900 border-sky-300",
        Status::AtRisk => "bg-amber-100 text-amber-900 border-amber-300",
        Status::NonCompliant => "bg-red-100 text-red-900 border-red-300",
    }
}

/// Says what the totals leave out because it lies ahead: "1 course dated after today is
/// not counted yet: 3 h on 31 Dec". Nothing when nothing is ahead.
#[component]
pub fn NotYetCountedNotice(ahead: Option<domain::rules::NotYetCounted>) -> impl IntoView {
    let lang = use_lang();
    ahead.map(|a| {
        let text = lang.not_counted_yet(&a);
        view! {
            <p role="note" data-testid="not-counted-yet" class="rounded border border-sky-300 bg-sky-50 p-3 text-sky-900">{text}</p>
        }
    })
}

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <span class=format!("inline-block rounded border px-2 py-0.5 text-sm font-semibold {}", status_class(status))>
            {t.status_name(status)}
        </span>
    }
}

/// The summary of one evaluation. `e_learning_cap` is the rule set's cap, if it has one.
#[component]
pub fn Summary(
    #[prop(into)] result: Signal<Evaluation>,
    #[prop(into)] e_learning_cap: Signal<Option<Hours>>,
    /// Leave out the status line and progress bar: the dashboard's answer card has them.
    #[prop(optional)]
    figures_only: bool,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let h = move |hours: Hours| hours.display_with(lang.decimal_separator());
    let figure = move |label: &'static str, value: String, testid: &'static str| {
        view! {
            <div class="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
                <dt class="text-sm text-slate-600">{label}</dt>
                <dd class="text-2xl font-semibold tabular-nums" data-testid=testid>{value}</dd>
            </div>
        }
    };
    move || {
        let r = result.get();
        let cap = e_learning_cap.get();
        let required = r.required.quarters().max(1);
        let percent =
            (u64::from(r.counted.quarters().min(required)) * 100 / u64::from(required)) as u32;
        let explanation = r.explanation(lang.locale());
        let windows = (!r.windows.is_empty()).then(|| {
            let rows = r
                .windows
                .iter()
                .map(|w| {
                    let [span, hours, verifiable] = window_cells(w, h);
                    view! {
                        <tr class="border-t border-slate-200">
                            <td class="py-1 pr-3">{span}</td>
                            <td class="py-1 pr-3">{hours}</td>
                            <td class="py-1 pr-3">{verifiable}</td>
                            <td class="py-1">{if w.ok { t.window_ok } else { t.window_short }}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="overflow-x-auto">
                    <table class="w-full text-left text-sm">
                        <caption class="text-left font-semibold">{t.windows_caption}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3">{t.col_period}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_hours}</th>
                            <th scope="col" class="py-1 pr-3">{t.col_verifiable}</th>
                            <th scope="col" class="py-1">{t.col_result}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        });
        view! {
            <div class="space-y-4" aria-live="polite" data-testid="summary">
                {(!figures_only).then(|| view! {
                <p class="flex flex-wrap items-center gap-2 text-lg">
                    <span class="font-semibold">{format!("{} {}:", t.status_label, r.year)}</span>
                    <StatusBadge status=r.status/>
                </p>
                <div>
                    // SVG, not a styled div: the CSP allows no inline styles.
                    <svg
                        role="progressbar"
                        aria-label=t.progress_label
                        aria-valuemin="0"
                        aria-valuemax=r.required.as_f64()
                        aria-valuenow=r.counted.as_f64().min(r.required.as_f64())
                        viewBox="0 0 100 4"
                        preserveAspectRatio="none"
                        class="h-3 w-full rounded bg-slate-200"
                    >
                        <rect width=percent height="4" class="fill-indigo-600"></rect>
                    </svg>
                    <p class="mt-1 text-sm text-slate-700">{format!("{} / {} h", h(r.counted), h(r.required))}</p>
                </div>
                })}
                <dl class="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
                    {figure(t.fig_required, h(r.required), "required")}
                    {figure(t.fig_counted, h(r.counted), "counted")}
                    {figure(t.fig_shortfall, h(r.shortfall), "shortfall")}
                    {figure(t.fig_teacher_led, h(r.teacher_led), "teacher-led")}
                    {figure(
                        t.fig_e_learning,
                        match cap { Some(c) => format!("{} / {}", h(r.e_learning), h(c)), None => h(r.e_learning) },
                        "e-learning",
                    )}
                    {figure(t.fig_carried_in, h(r.carried_in), "carried-in")}
                    {figure(t.fig_carry_out, h(r.carry_out), "carry-out")}
                </dl>
                {windows}
                <ul class="list-disc space-y-1 pl-6" data-testid="explanation">
                    {explanation.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                </ul>
            </div>
        }
    }
}

/// Hours per month as a bar chart (server-rendered SVG, no script needed): a value axis
/// with grid lines, each month named, each bar's value above it, and the same figures as
/// the chart's text alternative.
#[component]
pub fn MonthChart(months: [Hours; 12]) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let sep = lang.decimal_separator();
    // The axis runs to a round number of hours: 4, 8, 12, … at least 4.
    let top_hours = months
        .iter()
        .map(|m| m.quarters().div_ceil(4))
        .max()
        .unwrap_or(0)
        .max(4)
        .div_ceil(4)
        * 4;
    let label = months
        .iter()
        .zip(t.month_names)
        .map(|(h, name)| format!("{name} {}", h.display_with(sep)))
        .collect::<Vec<_>>()
        .join(", ");
    // Plot area: x from 28 to 316, y from 8 (top) to 108 (zero line).
    let (left, base, height) = (28.0, 108.0, 100.0);
    let y_of = move |hours: f64| base - hours / f64::from(top_hours) * height;
    let grid = [0, top_hours / 2, top_hours]
        .into_iter()
        .map(|v| {
            let y = y_of(f64::from(v));
            view! {
                <g>
                    <line x1=left y1=y x2="316" y2=y class=if v == 0 { "stroke-slate-500" } else { "stroke-slate-200" }></line>
                    <text x=left - 4.0 y=y + 3.0 text-anchor="end" class="fill-slate-600 text-[9px]">{v}</text>
                </g>
            }
        })
        .collect_view();
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, hours)| {
            let value = hours.as_f64();
            let y = y_of(value);
            let x = left + i as f64 * 24.0 + 4.0;
            let name: String = t.month_names[i].chars().take(3).collect();
            let value_label = (hours.quarters() > 0).then(|| view! {
                <text x=x + 8.0 y=y - 3.0 text-anchor="middle" class="fill-slate-800 text-[8px] font-semibold">{hours.display_with(sep)}</text>
            });
            view! {
                <g>
                    <rect x=x y=y width="16" height=base - y rx="1.5" class="fill-indigo-600"></rect>
                    {value_label}
                    <text x=x + 8.0 y="122" text-anchor="middle" class="fill-slate-600 text-[8px]">{name}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <figcaption class="font-semibold">{t.chart_caption}</figcaption>
            <svg viewBox="0 0 320 128" role="img" aria-label=format!("{}: {label}", t.chart_caption) class="h-48 w-full">
                <text x="2" y="6" class="fill-slate-600 text-[8px]">{t.chart_hours_axis}</text>
                {grid}
                {bars}
            </svg>
        </figure>
    }
}
