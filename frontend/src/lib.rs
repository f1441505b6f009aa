//! Siar's pages, rendered on the server (`ssr`). Only the interactive parts are islands
//! (`#[island]`) that the browser hydrates (`hydrate`); everything else is plain HTML that
//! needs no client code, and every page is complete before any wasm arrives.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod page_url;
pub mod pages;

pub use app::{App, shell};

/// The wasm entry point. Leptos' island script then hydrates each `<leptos-island>` of the
/// page; once that is done, `.app` is marked `data-hydrated="true"` (the browser tests wait
/// for it).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands hydrate right after this returns, in one run of promise callbacks; a timer
    // fires after all of them.
    leptos::prelude::set_timeout(page_url::mark_hydrated, std::time::Duration::ZERO);
}
