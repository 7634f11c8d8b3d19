//! "12 characters left": a text field's count-down once its text is near the limit the
//! server keeps (`domain::limits`). Before that nothing is shown; without JavaScript the
//! count is the one of the text the page was rendered with (a refused form's).

use crate::i18n::{Lang, use_lang};
use leptos::prelude::*;

/// How close to the limit the count-down starts: the last tenth, at least 10 characters.
fn near(max: usize) -> usize {
    (max / 10).max(10)
}

/// The count-down for `len` of `max` characters, or nothing while far from the limit.
pub fn chars_left(lang: Lang, max: usize, len: usize) -> Option<String> {
    let left = max.saturating_sub(len);
    let t = lang.texts();
    (left <= near(max)).then(|| lang.count(left, t.chars_left_one, t.chars_left_other))
}

/// The count-down under the field `for_id`: follows typing once hydrated (inside an island:
/// the entry form), else shows the count of `text` as rendered.
#[component]
pub fn CharsLeft(
    #[prop(into)] for_id: String,
    max: usize,
    #[prop(into)] text: String,
) -> impl IntoView {
    let lang = use_lang();
    let len = RwSignal::new(text.chars().count());
    #[cfg(feature = "hydrate")]
    {
        let id = for_id.clone();
        Effect::new(move |_| follow(&id, len));
    }
    // Empty, the live region stays in the accessibility tree but out of the layout.
    view! {
        <p id=format!("{for_id}-left") class="text-sm text-slate-700 empty:sr-only" aria-live="polite">
            {move || chars_left(lang, max, len.get())}
        </p>
    }
}

/// The same as an island of its own, for fields on pages without one.
#[island]
pub fn CharsLeftIsland(for_id: String, max: usize, text: String) -> impl IntoView {
    view! { <CharsLeft for_id max text/> }
}

/// The count-down for a field: hydrated with the island it is in, or as one of its own.
#[component]
pub fn CountDown(
    #[prop(into)] for_id: String,
    max: usize,
    #[prop(into)] text: String,
    /// The field is inside an island already (islands are not nested).
    #[prop(optional)]
    in_island: bool,
) -> impl IntoView {
    if in_island {
        view! { <CharsLeft for_id max text/> }.into_any()
    } else {
        view! { <CharsLeftIsland for_id max text/> }.into_any()
    }
}

/// Counts the characters of the element `id` at every keystroke.
#[cfg(feature = "hydrate")]
fn follow(id: &str, len: RwSignal<usize>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    let value = |element: &web_sys::Element| -> String {
        js_sys::Reflect::get(element, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    len.set(value(&element).chars().count());
    let target = element.clone();
    let on_input = Closure::<dyn FnMut()>::new(move || len.set(value(&target).chars().count()));
    let _ = element.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_input.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_shows_only_near_the_limit_and_in_words() {
        assert_eq!(chars_left(Lang::En, 200, 100), None);
        assert_eq!(
            chars_left(Lang::En, 200, 180).as_deref(),
            Some("20 characters left")
        );
        assert_eq!(
            chars_left(Lang::En, 200, 199).as_deref(),
            Some("1 character left")
        );
        assert_eq!(
            chars_left(Lang::Sv, 200, 200).as_deref(),
            Some("0 tecken kvar")
        );
        assert_eq!(
            chars_left(Lang::En, 20, 10).as_deref(),
            Some("10 characters left")
        );
        assert_eq!(chars_left(Lang::En, 20, 9), None);
    }
}
