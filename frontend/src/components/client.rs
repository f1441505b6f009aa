//! The client's loader. Pages are server-rendered HTML; only islands (`#[island]`) need client
//! code, so only a page that shows one loads it: every component that renders an island
//! renders `<ClientScripts/>` beside it, and a page without one has no script, preload or wasm
//! at all. No page shows two such components, so the loader is written once (a server test
//! holds every page to both rules). It is not deduplicated by a flag set while rendering:
//! inside a `<Suspense>` a view may be built, dropped and built again as its resources
//! arrive, and a flag would be spent on the dropped one.
//!
//! Staff and judge pages (`/staff…`, `/judge…`) load the staff bundle, which holds every
//! island; every other page loads the public bundle, built without the staff islands, so
//! the public, volunteer, partner and entrant pages do not pay for the staff pages.

use leptos::prelude::*;

/// The loader of the page's bundle.
#[component]
pub fn ClientScripts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let options = use_context::<LeptosOptions>();
        let bundles = use_context::<ClientBundles>();
        options.zip(bundles).map(|(mut options, bundles)| {
            let path = use_context::<http::request::Parts>()
                .map(|parts| parts.uri.path().to_owned())
                .unwrap_or_default();
            options.output_name = if uses_staff_bundle(&path) {
                bundles.staff
            } else {
                bundles.public
            }
            .into();
            view! { <HydrationScripts options islands=true/> }
        })
    }
    #[cfg(not(feature = "ssr"))]
    {}
}

/// The published bundles' names (without extension); the server provides them.
#[derive(Clone, Debug)]
pub struct ClientBundles {
    /// Every page but the staff and judges' pages.
    pub public: String,
    /// The staff and judges' pages.
    pub staff: String,
}

/// Staff and judges' pages load the staff bundle.
pub fn uses_staff_bundle(path: &str) -> bool {
    ["/staff", "/judge"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_and_judge_pages_take_the_staff_bundle() {
        assert!(uses_staff_bundle("/staff"));
        assert!(uses_staff_bundle("/staff/sessions/1"));
        assert!(uses_staff_bundle("/judge/entries/1"));
        assert!(!uses_staff_bundle("/staffing"));
        assert!(!uses_staff_bundle("/programs/dongkelor"));
        assert!(!uses_staff_bundle("/login"));
    }
}
