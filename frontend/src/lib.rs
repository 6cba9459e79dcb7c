//! The browser entry point: hydrates the page the server rendered.
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::JsCast;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The loader script in <head> imports this module without waiting for the document. On a large page the
    // wasm can be ready before the end of the body is parsed, where the serialized resources are; hydrating
    // then would find no data for them and mismatch the server's HTML. So wait for the whole document.
    let document = leptos::prelude::document();
    if document.ready_state() == "loading" {
        let start = Closure::once_into_js(|| leptos::mount::hydrate_body(app::App));
        let _ =
            document.add_event_listener_with_callback("DOMContentLoaded", start.unchecked_ref());
    } else {
        leptos::mount::hydrate_body(app::App);
    }
}
