//! The browser entry point: hydrates the interactive islands of the page the server
//! rendered (the quick check, the live preview of a new entry, the CSV file reader).

// The islands are `#[wasm_bindgen]` exports of the `app` crate; linking it in is what puts
// them in the bundle, since nothing here calls them by name.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
