//! Adding and changing an entry. While a new entry is typed, the summary beside the form
//! shows the year with it included, computed in the browser by the same calculator.

use crate::AppError;
use crate::api::log::{CreateEntry, UpdateEntry, get_entry, get_log};
use crate::components::chars_left::CountDown;
use crate::components::form::{
    ErrorBox, FieldMessage, Kept, Notice, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::components::summary::Summary;
use crate::i18n::use_lang;
use crate::model::{EntryView, LogData};
use crate::pages::account::NeedsSignIn;
use crate::pages::log::certificates::Certificates;
use domain::limits::{NOTES as MAX_NOTES, PROVIDER as MAX_PROVIDER, TITLE as MAX_TITLE};
use domain::rules::Entry;
use domain::{Date, EntryDraft, EntryField, EntryProblem};
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

/// The form's starting values: the entry as stored (or blank), or, when the last
/// submission was refused, exactly what the person had typed.
#[derive(Clone)]
struct Start {
    entry: EntryView,
    hours: String,
}

impl Start {
    fn new(entry: EntryView, kept: &Kept) -> Start {
        let hours = if entry.quarters == 0 {
            String::new()
        } else {
            entry.hours().to_string()
        };
        Start {
            hours: kept.or("hours", &hours),
            entry: EntryView {
                date: kept.or("date", &entry.date),
                title: kept.or("title", &entry.title),
                provider: kept.or("provider", &entry.provider),
                category: kept.or("category", &entry.category),
                verifiable: kept.checked_or("verifiable", entry.verifiable),
                topic: kept.or("topic", &entry.topic),
                notes: kept.or("notes", &entry.notes),
                ..entry
            },
        }
    }
}

impl Draft {
    fn new(start: &Start) -> Draft {
        let e = &start.entry;
        Draft {
            date: RwSignal::new(e.date.clone()),
            hours: RwSignal::new(start.hours.clone()),
            category: RwSignal::new(e.category.clone()),
            verifiable: RwSignal::new(e.verifiable),
            topic: RwSignal::new(e.topic.clone()),
        }
    }

    /// Takes what the person typed before the page hydrated (it lives only in the form), so
    /// the preview answers for the fields as they stand, not as the server sent them.
    #[cfg(feature = "hydrate")]
    fn take_typed(&self, form: &web_sys::HtmlFormElement) {
        let Ok(data) = web_sys::FormData::new_with_form(form) else {
            return;
        };
        let text = |name: &str| data.get(name).as_string().unwrap_or_default();
        let update = |signal: RwSignal<String>, value: String| {
            if signal.get_untracked() != value {
                signal.set(value);
            }
        };
        update(self.date, text("date"));
        update(self.hours, text("hours"));
        update(self.category, text("category"));
        update(self.topic, text("topic"));
        let verifiable = data.has("verifiable");
        if self.verifiable.get_untracked() != verifiable {
            self.verifiable.set(verifiable);
        }
    }

    /// The fields that change the count, as the domain's draft (the title and notes do not
    /// change what the preview shows).
    fn draft(&self) -> EntryDraft {
        EntryDraft {
            date: self.date.get(),
            hours: self.hours.get(),
            category: self.category.get(),
            verifiable: self.verifiable.get(),
            topic: self.topic.get(),
            ..EntryDraft::default()
        }
    }

    /// What the entry as typed counts for, checked exactly as the server checks it; or the
    /// problems with what was typed so far (an empty field is not a problem yet).
    fn entry(&self, today: Date) -> Result<Entry, Vec<EntryProblem>> {
        let draft = self.draft();
        draft.counted(today).map_err(|errors| {
            errors
                .0
                .into_iter()
                .filter(|(field, _)| match field {
                    EntryField::Hours => !draft.hours.trim().is_empty(),
                    EntryField::Date => !draft.date.trim().is_empty(),
                    _ => true,
                })
                .map(|(_, problem)| problem)
                .collect()
        })
    }
}

/// The form's fields, each with its message when the last submission got it wrong.
#[component]
fn EntryFields(
    start: Start,
    draft: Draft,
    error: Signal<Option<AppError>>,
    /// Rendered inside the new-entry island (its count-downs hydrate with it).
    #[prop(optional)]
    in_island: bool,
) -> impl IntoView {
    let t = use_lang().texts();
    let entry = start.entry;
    let wrong = move |name: &str| error.get_untracked().and_then(|e| e.message_for(name));
    let invalid = move |name: &'static str| {
        if wrong(name).is_some() {
            "true"
        } else {
            "false"
        }
    };
    // The hint first, then the message when there is one.
    let described = move |name: &'static str, hint: Option<&'static str>| {
        let ids: Vec<String> = hint
            .map(str::to_owned)
            .into_iter()
            .chain(wrong(name).map(|_| format!("{name}-error")))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let error = Some(error);
    let notes_hint = t.notes_hint.replace("{n}", &MAX_NOTES.to_string());
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
                aria-describedby=described("date", None)
                value=entry.date.clone() on:input=move |ev| draft.date.set(event_target_value(&ev))/>
            <FieldMessage error name="date"/>
        </div>
        <div class="space-y-1">
            <label for="title" class="block font-medium">{t.field_title}</label>
            <input id="title" name="title" type="text" required=true maxlength=MAX_TITLE.to_string() class=input_class
                aria-invalid=invalid("title") aria-describedby=described("title", None) value=entry.title.clone()/>
            <CountDown for_id="title" max=MAX_TITLE text=entry.title.clone() in_island/>
            <FieldMessage error name="title"/>
        </div>
        <div class="space-y-1">
            <label for="provider" class="block font-medium">{t.field_provider}</label>
            <input id="provider" name="provider" type="text" maxlength=MAX_PROVIDER.to_string() class=input_class
                aria-invalid=invalid("provider") aria-describedby=described("provider", None) value=entry.provider.clone()/>
            <CountDown for_id="provider" max=MAX_PROVIDER text=entry.provider.clone() in_island/>
            <FieldMessage error name="provider"/>
        </div>
        <div class="space-y-1">
            <label for="hours" class="block font-medium">{t.col_hours}</label>
            <p id="hours-hint" class="text-sm text-slate-600">{t.hours_hint}</p>
            <input id="hours" name="hours" type="text" inputmode="decimal" required=true autocomplete="off" aria-describedby=described("hours", Some("hours-hint"))
                class="w-32 rounded border border-slate-400 px-3 py-2 focus-ring aria-[invalid=true]:border-red-700" aria-invalid=invalid("hours")
                value=draft.hours.get_untracked() on:input=move |ev| draft.hours.set(event_target_value(&ev))/>
            <FieldMessage error name="hours"/>
        </div>
        <fieldset id="category" class="space-y-1" aria-describedby=described("category", Some("category-hint"))>
            <legend class="font-medium">{t.col_category}</legend>
            <p id="category-hint" class="text-sm text-slate-600">{t.category_hint}</p>
            <FieldMessage error name="category"/>
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
            <select id="topic" name="topic" aria-describedby=described("topic", Some("topic-hint")) aria-invalid=invalid("topic")
                class="w-full max-w-md rounded border border-slate-400 bg-white px-3 py-2 focus-ring aria-[invalid=true]:border-red-700"
                on:change=move |ev| draft.topic.set(event_target_value(&ev))>
                {topics.into_iter().map(|(value, label)| view! { <option value=value selected=entry.topic == value>{label}</option> }).collect_view()}
            </select>
            <FieldMessage error name="topic"/>
        </div>
        <div class="space-y-1">
            <label for="notes" class="block font-medium">{t.field_notes}</label>
            <p id="notes-hint" class="text-sm text-slate-600">{notes_hint}</p>
            <textarea id="notes" name="notes" rows="3" maxlength=MAX_NOTES.to_string() class=input_class
                aria-invalid=invalid("notes") aria-describedby=described("notes", Some("notes-hint"))>{entry.notes.clone()}</textarea>
            <CountDown for_id="notes" max=MAX_NOTES text=entry.notes.clone() in_island/>
            <FieldMessage error name="notes"/>
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

/// The new-entry form with its live preview: an island, hydrated in the browser, that
/// evaluates the person's log plus the entry being typed on every keystroke.
#[island]
fn EntryEditor(data: LogData, error: Option<AppError>, kept: Kept) -> impl IntoView {
    let t = use_lang().texts();
    let start = Start::new(blank(&data.today), &kept);
    let draft = Draft::new(&start);
    let error = Signal::stored(error);
    let today = data.today();
    let year =
        Memo::new(move |_| Date::parse(&draft.date.get()).map_or(today.year(), |d| d.year()));
    let data = StoredValue::new(data);
    // The preview counts what is planned: the year as it will stand once the courses
    // logged ahead, and this one, have taken place.
    let typed = Memo::new(move |_| draft.entry(today));
    let result = Signal::derive(move || {
        data.with_value(|d| d.evaluate_planned(year.get(), typed.get().ok()))
    });
    let not_counted = move || {
        let problems = typed.get().err().filter(|p| !p.is_empty())?;
        Some(view! {
            <div role="status" class="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <p class="font-medium">{t.preview_not_counted}</p>
                <ul class="mt-1 list-disc pl-5">
                    {problems.into_iter().map(|p| view! { <li>{t.entry_problem(p)}</li> }).collect_view()}
                </ul>
            </div>
        })
    };
    let cap = Signal::derive(move || data.with_value(|d| d.e_learning_cap(year.get())));
    let form = NodeRef::<leptos::html::Form>::new();
    // Effects run once the island has hydrated.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(form) = form.get() {
            draft.take_typed(&form);
        }
    });
    view! {
        <div class="grid gap-8 lg:grid-cols-2">
            <form node_ref=form method="post" action=CreateEntry::url() class="space-y-4">
                <EntryFields start draft error in_island=true/>
                <Submit label=t.save/>
            </form>
            <section aria-labelledby="preview-heading" class="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
                <h2 id="preview-heading" class="text-xl font-semibold">{t.preview_heading}</h2>
                <p class="text-sm text-slate-600">{t.preview_note}" "{t.preview_planned_note}</p>
                {not_counted}
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
    let kept = use_form_values::<CreateEntry>();
    let body = move || {
        let kept = kept.clone();
        Suspend::new(async move {
            match log.await {
                Ok(data) => {
                    view! { <EntryEditor data error=error.get_untracked() kept/> }.into_any()
                }
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
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let entry = Resource::new(move || id.clone(), get_entry);
    let error = use_form_error::<UpdateEntry>();
    let kept = use_form_values::<UpdateEntry>();
    let duplicated = use_query_flag("duplicated");
    let body = move || {
        let kept = kept.clone();
        Suspend::new(async move {
            let entry = match entry.await {
                Ok(e) => e,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let start = Start::new(entry.clone(), &kept);
            let draft = Draft::new(&start);
            let id = entry.id.clone();
            let entry_id = entry.id.clone();
            view! {
                <form method="post" action=UpdateEntry::url() class="max-w-2xl space-y-4">
                    <input type="hidden" name="id" value=id/>
                    <EntryFields start draft error/>
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
