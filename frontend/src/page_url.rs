//! The page's address and state for code that also runs in islands. Islands hydrate without
//! the router (navigation is by page loads), so the router's hooks work there only on the
//! server; these read the router on the server and the browser's location in the browser.

use leptos_router::params::ParamsMap;

/// The query of the page's address (`?saved=…&errors=…`), as it was when the page loaded.
pub fn query() -> ParamsMap {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::GetUntracked;
        leptos_router::hooks::use_query_map().get_untracked()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use leptos_router::location::{BrowserUrl, LocationProvider};
        BrowserUrl::current()
            .map(|url| url.search_params().clone())
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        ParamsMap::new()
    }
}

/// Loads `url` as a new page (after a form through the client created what it leads to).
pub fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Marks the page's frame as hydrated: its islands answer from now on.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(app) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".app").ok().flatten())
    {
        let _ = app.set_attribute("data-hydrated", "true");
    }
}
