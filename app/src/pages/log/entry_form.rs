//! Adding and changing an entry. While a new entry is typed, the summary beside the form
//! shows the year with it included, computed in the browser by the same calculator.

use crate::AppError;
use crate::api::log::{CreateEntry, UpdateEntry, get_entry, get_log};
use crate::components::form::{ErrorBox, Notice, Submit, use_form_error, use_query_flag};
use crate::components::summary::Summary;
use crate::i18n::use_lang;
use crate::model::{EntryView, LogData};
use crate::pages::account::NeedsSignIn;
use crate::pages::log::certificates::Certificates;
use domain::rules::{Category, Entry, Topic};
use domain::{Date, Hours};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The values the form fields start with and, once the page is live, follow.
#[derive(Clone, Copy)]
struct Draft {
    date: RwSignal<String>,
    hours: RwSignal<String>,
    category: RwSignal<String>,
    verifiable: RwSignal<bool>,
    topic: RwSignal<String>,
}

impl Draft {
    fn new(e: &EntryView) -> Draft {
        Draft {
            date: RwSignal::new(e.date.clone()),
            hours: RwSignal::new(if e.quarters == 0 {
                String::new()
            } else {
                e.hours().to_string()
            }),
            category: RwSignal::new(e.category.clone()),
            verifiable: RwSignal::new(e.verifiable),
            topic: RwSignal::new(e.topic.clone()),
        }
    }

    /// The entry as typed so far, if it is complete enough to count.
    fn entry(&self) -> Option<Entry> {
        let hours = Hours::parse(&self.hours.get())
            .ok()
            .filter(|h| *h > Hours::ZERO)?;
        Some(Entry {
            date: Date::parse(&self.date.get()).ok()?,
            hours,
            category: Category::parse(&self.category.get())?,
            verifiable: self.verifiable.get(),
            topic: Topic::parse(&self.topic.get()),
        })
    }
}

/// The form's fields. `invalid` names the field the last submission got wrong.
#[component]
fn EntryFields(entry: EntryView, draft: Draft, invalid: Option<String>) -> impl IntoView {
    let t = use_lang().texts();
    let invalid = move |name: &'static str| {
        if invalid.as_deref() == Some(name) {
            "true"
        } else {
            "false"
        }
    };
    let input_class = "w-full max-w-md rounded border border-slate-400 px-3 py-2 focus-ring aria-[invalid=true]:border-red-700";
    let topics = vec![
        ("", t.topic_none),
        ("ethics", t.topic_ethics),
        ("non-legal", t.topic_non_legal),
        ("wellbeing", t.topic_wellbeing),
        ("client-care", t.topic_client_care),
    ];
    view! {
        <div class="space-y-1">
            <label for="date" class="block font-medium">{t.col_date}</label>
            <input id="date" name="date" type="date" required=true class=input_class aria-invalid=invalid("date")
                value=entry.date.clone() on:input=move |ev| draft.date.set(event_target_value(&ev))/>
        </div>
        <div class="space-y-1">
            <label for="title" class="block font-medium">{t.field_title}</label>
            <input id="title" name="title" type="text" required=true maxlength="200" class=input_class aria-invalid=invalid("title") value=entry.title.clone()/>
        </div>
        <div class="space-y-1">
            <label for="provider" class="block font-medium">{t.field_provider}</label>
            <input id="provider" name="provider" type="text" maxlength="200" class=input_class aria-invalid=invalid("provider") value=entry.provider.clone()/>
        </div>
        <div class="space-y-1">
            <label for="hours" class="block font-medium">{t.col_hours}</label>
            <p id="hours-hint" class="text-sm text-slate-600">{t.hours_hint}</p>
            <input id="hours" name="hours" type="text" inputmode="decimal" required=true autocomplete="off" aria-describedby="hours-hint"
                class="w-32 rounded border border-slate-400 px-3 py-2 focus-ring aria-[invalid=true]:border-red-700" aria-invalid=invalid("hours")
                value=draft.hours.get_untracked() on:input=move |ev| draft.hours.set(event_target_value(&ev))/>
        </div>
        <fieldset class="space-y-1">
            <legend class="font-medium">{t.col_category}</legend>
            <p class="text-sm text-slate-600">{t.category_hint}</p>
            {[("teacher-led", t.category_teacher_led), ("e-learning", t.category_e_learning)]
                .into_iter()
                .map(|(value, label)| {
                    let id = format!("category-{value}");
                    view! {
                        <div class="flex items-center gap-2">
                            <input id=id.clone() type="radio" name="category" value=value checked=entry.category == value
                                class="h-4 w-4 focus-ring" on:change=move |_| draft.category.set(value.to_owned())/>
                            <label for=id>{label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
        <div class="flex items-center gap-2">
            <input id="verifiable" name="verifiable" type="checkbox" checked=entry.verifiable class="h-4 w-4 focus-ring"
                on:change=move |ev| draft.verifiable.set(event_target_checked(&ev))/>
            <label for="verifiable">{t.field_verifiable}</label>
        </div>
        <div class="space-y-1">
            <label for="topic" class="block font-medium">{t.field_topic}</label>
            <p id="topic-hint" class="text-sm text-slate-600">{t.topic_hint}</p>
            <select id="topic" name="topic" aria-describedby="topic-hint" class="w-full max-w-md rounded border border-slate-400 bg-white px-3 py-2 focus-ring"
                on:change=move |ev| draft.topic.set(event_target_value(&ev))>
                {topics.into_iter().map(|(value, label)| view! { <option value=value selected=entry.topic == value>{label}</option> }).collect_view()}
            </select>
        </div>
        <div class="space-y-1">
            <label for="notes" class="block font-medium">{t.field_notes}</label>
            <textarea id="notes" name="notes" rows="3" maxlength="2000" class=input_class>{entry.notes.clone()}</textarea>
        </div>
    }
}

fn blank(today: &str) -> EntryView {
    EntryView {
        id: String::new(),
        date: today.to_owned(),
        title: String::new(),
        provider: String::new(),
        quarters: 0,
        category: "teacher-led".into(),
        verifiable: true,
        topic: String::new(),
        notes: String::new(),
    }
}

/// The name of the field a server function's error points at.
fn invalid_field(error: Memo<Option<AppError>>) -> Option<String> {
    match error.get_untracked() {
        Some(AppError::Invalid { field, .. }) => Some(field),
        _ => None,
    }
}

/// The new-entry form with its live preview: an island, hydrated in the browser, that
/// evaluates the person's log plus the entry being typed on every keystroke.
#[island]
fn EntryEditor(data: LogData, invalid: Option<String>) -> impl IntoView {
    let t = use_lang().texts();
    let start = blank(&data.today);
    let draft = Draft::new(&start);
    let today = data.today();
    let year =
        Memo::new(move |_| Date::parse(&draft.date.get()).map_or(today.year(), |d| d.year()));
    let data = StoredValue::new(data);
    let result = Signal::derive(move || data.with_value(|d| d.evaluate(year.get(), draft.entry())));
    let cap = Signal::derive(move || data.with_value(|d| d.e_learning_cap(year.get())));
    view! {
        <div class="grid gap-8 lg:grid-cols-2">
            <form method="post" action=CreateEntry::url() class="space-y-4">
                <EntryFields entry=start draft invalid/>
                <Submit label=t.save/>
            </form>
            <section aria-labelledby="preview-heading" class="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
                <h2 id="preview-heading" class="text-xl font-semibold">{t.preview_heading}</h2>
                <p class="text-sm text-slate-600">{t.preview_note}</p>
                <Summary result e_learning_cap=cap/>
            </section>
        </div>
    }
}

#[component]
pub fn NewEntry() -> impl IntoView {
    let t = use_lang().texts();
    let log = Resource::new(|| (), |_| get_log());
    let error = use_form_error::<CreateEntry>();
    let body = move || {
        Suspend::new(async move {
            match log.await {
                Ok(data) => view! { <EntryEditor data invalid=invalid_field(error)/> }.into_any(),
                Err(e) => view! { <NeedsSignIn error=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.entry_new_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.entry_new_title}</h1>
            <ErrorBox error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

#[component]
pub fn EditEntry() -> impl IntoView {
    let t = use_lang().texts();
    let params = use_params_map();
    let entry = Resource::new(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        get_entry,
    );
    let error = use_form_error::<UpdateEntry>();
    let duplicated = use_query_flag("duplicated");
    let body = move || {
        Suspend::new(async move {
            let entry = match entry.await {
                Ok(e) => e,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let draft = Draft::new(&entry);
            let id = entry.id.clone();
            let entry_id = entry.id.clone();
            view! {
                <form method="post" action=UpdateEntry::url() class="max-w-2xl space-y-4">
                    <input type="hidden" name="id" value=id/>
                    <EntryFields entry draft invalid=invalid_field(error)/>
                    <div class="flex flex-wrap gap-3">
                        <Submit label=t.save/>
                        <a href="/log" class="rounded border border-slate-400 px-4 py-2 focus-ring">{t.cancel}</a>
                    </div>
                </form>
                <Certificates entry_id/>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.entry_edit_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.entry_edit_title}</h1>
            <Notice show=duplicated text=t.entry_duplicated/>
            <ErrorBox error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
