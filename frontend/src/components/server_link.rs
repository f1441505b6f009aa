//! Links to what the server serves itself (a calendar file, a document, a video, a CSV), not
//! to a page of the client router.

use leptos::prelude::*;

/// A link the client router leaves to the browser (`rel="external"`): the router takes every
/// same-site link it is not told to leave, and would answer a file's address with its "not
/// found" page once the client has loaded. `download` asks the browser to save the file rather
/// than open it. Attributes such as `attr:data-testid` land on the `<a>`.
#[component]
pub fn ServerLink(
    href: String,
    /// Save the file instead of opening it.
    #[prop(optional)]
    download: bool,
    /// The link's text.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <a href=href rel="external" download=download.then_some("")>{label}</a>
    }
}
