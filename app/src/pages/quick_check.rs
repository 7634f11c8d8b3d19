//! The home page's quick check, computed by the same Rust code on the server (plain form
//! submit, no JavaScript) and in the browser (live, as the person types).

use crate::i18n::{Lang, Texts, use_lang};
use crate::page_url::PageUrl;
use domain::HoursError;
use domain::quick_check::{self, QuickCheckError};
use leptos::prelude::*;

/// The quick check with the values of a plain form submission (`?teacher_led=…`).
#[component]
pub fn QuickCheck() -> impl IntoView {
    let url = PageUrl::current();
    let initial = |key: &str| url.get(key).unwrap_or_default();
    view! { <QuickCheckIsland teacher_led=initial("teacher_led") elearning=initial("elearning")/> }
}

#[island]
fn QuickCheckIsland(teacher_led: String, elearning: String) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let teacher_led = RwSignal::new(teacher_led);
    let elearning = RwSignal::new(elearning);
    let result = Memo::new(move |_| quick_check::advokat(&teacher_led.get(), &elearning.get()));
    // Effects run only in the browser, after hydration: from then on the result follows
    // every keystroke, and the page says so. Without JavaScript the note never shows.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));

    view! {
        <section aria-labelledby="qc-title" class="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h2 id="qc-title" class="text-xl font-semibold">{t.qc_title}</h2>
            <p class="mt-1 text-slate-700">{t.qc_intro}</p>
            <form method="get" action="/" class="mt-4 space-y-4">
                <HoursField id="qc-teacher-led" name="teacher_led" label=t.qc_teacher_led hint=t.qc_teacher_led_hint value=teacher_led/>
                <HoursField id="qc-elearning" name="elearning" label=t.qc_elearning hint=t.qc_elearning_hint value=elearning/>
                <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">
                    {t.qc_submit}
                </button>
            </form>
            <div role="status" aria-live="polite" class="mt-4 rounded bg-slate-100 p-3" data-testid="quick-check-result">
                {move || result_view(lang, t, result.get())}
            </div>
            {move || live.get().then(|| view! { <p class="mt-2 text-sm text-slate-600">{t.qc_live_note}</p> })}
        </section>
    }
}

#[component]
fn HoursField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    // What the person typed before the island hydrated lives only in the DOM: take it into
    // the signal once hydrated, rather than overwrite it with the server's value. The signal
    // follows the field from then on; nothing writes the field but the person.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let typed = el.value();
            if typed != value.get_untracked() {
                value.set(typed);
            }
        }
    });
    view! {
        <div>
            <label for=id class="block font-medium">{label}</label>
            <p id=hint_id.clone() class="text-sm text-slate-600">{hint}</p>
            <input
                id=id
                name=name
                type="text"
                inputmode="decimal"
                autocomplete="off"
                aria-describedby=hint_id
                class="mt-1 w-full max-w-40 rounded border border-slate-400 px-3 py-2 focus-ring"
                node_ref=input
                value=value.get_untracked()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

fn hours_error(t: &Texts, error: &HoursError) -> &'static str {
    match error {
        HoursError::NotANumber => t.hours_not_a_number,
        HoursError::NotAQuarter => t.hours_not_a_quarter,
        HoursError::TooLarge => t.hours_too_large,
    }
}

fn result_view(
    lang: Lang,
    t: &'static Texts,
    result: Result<quick_check::QuickCheck, QuickCheckError>,
) -> AnyView {
    let sep = lang.decimal_separator();
    match result {
        Err(QuickCheckError::TeacherLed(e)) => {
            view! { <p class="text-red-800">{format!("{}: {}", t.qc_error_teacher_led, hours_error(t, &e))}</p> }.into_any()
        }
        Err(QuickCheckError::Elearning(e)) => {
            view! { <p class="text-red-800">{format!("{}: {}", t.qc_error_elearning, hours_error(t, &e))}</p> }.into_any()
        }
        Ok(check) => {
            let headline = if check.is_met() {
                t.qc_met.to_owned()
            } else {
                format!("{} {}", check.remaining.display_with(sep), t.qc_remaining)
            };
            let dropped = (check.elearning_dropped.quarters() > 0).then(|| {
                view! { <p class="text-sm text-slate-700">{format!("{} {}", check.elearning_dropped.display_with(sep), t.qc_dropped)}</p> }
            });
            view! {
                <p class="font-semibold">{headline}</p>
                <p class="text-sm text-slate-700">
                    {format!(
                        "{} {} {} {} h",
                        t.qc_counted,
                        check.counted.display_with(sep),
                        t.qc_of_required,
                        check.required.display_with(sep),
                    )}
                </p>
                {dropped}
            }
            .into_any()
        }
    }
}
