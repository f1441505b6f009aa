//! `/login`: staff sign-in. A plain form posting to `/auth/login`, so it works without
//! JavaScript; the server redirects back here with `?error=` when sign-in fails.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::client::ClientScripts;
use crate::i18n::{strings, use_viewer};

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let viewer = use_viewer();
    let t = strings(viewer.lang);
    let query = use_query_map();
    let (error, next) = query.with_untracked(|q| (q.get("error"), q.get("next")));
    let message = match error.as_deref() {
        Some("locked") => Some(t.login_error_locked),
        Some(_) => Some(t.login_error_invalid),
        None => None,
    };
    view! {
        <Title text=t.login_title/>
        <section class="card narrow">
            <h1>{t.login_title}</h1>
            {message.map(|m| view! { <p class="alert" role="alert" id="login-error">{m}</p> })}
            <form method="post" action="/auth/login" class="stack">
                <input type="hidden" name="csrf_token" value=viewer.csrf_token/>
                // Without a `next`, the server sends each role to its home page.
                {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <label for="email">{t.login_email}</label>
                <input id="email" name="email" type="email" autocomplete="username" required
                    aria-invalid=message.is_some().then_some("true")
                    aria-describedby=message.is_some().then_some("login-error")/>
                <PasswordField lang=viewer.lang invalid=message.is_some()/>
                <ClientScripts/>
                <button type="submit" class="button primary">{t.login_submit}</button>
            </form>
        </section>
    }
}

/// The password box and its "show password" switch, the page's one island (the switch shows
/// only once it works).
#[island]
fn PasswordField(lang: shared::Lang, invalid: bool) -> impl IntoView {
    let t = strings(lang);
    let show_password = RwSignal::new(false);
    view! {
        <label for="password">{t.login_password}</label>
        <input id="password" name="password" required autocomplete="current-password"
            type=move || if show_password.get() { "text" } else { "password" }
            aria-invalid=invalid.then_some("true")
            aria-describedby=invalid.then_some("login-error")/>
        <label class="checkbox js-only">
            <input type="checkbox" on:change=move |ev| show_password.set(event_target_checked(&ev))/>
            {t.login_show_password}
        </label>
    }
}
