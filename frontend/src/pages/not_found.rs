//! The page for unknown addresses; answers 404 when rendered on the server.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_strings;

/// Not found.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_strings();
    view! {
        <Title text=t.not_found_title/>
        <h1>{t.not_found_title}</h1>
        <p>{t.not_found_body}</p>
    }
}
