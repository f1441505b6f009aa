//! Siar's pages. The same components render on the server (`ssr`) and hydrate in the
//! browser (`hydrate`); every page is complete HTML before any wasm arrives.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;

pub use app::{App, shell};

/// The wasm entry point: attaches the client to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
