//! The frame of every page: skip link, header with navigation, language switch and
//! sign-in/out, the main region, the footer.
//!
//! Works without JavaScript: the navigation is always shown until the client has hydrated;
//! only then does it collapse behind the menu button on narrow screens.

use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use shared::Lang;
use shared::dto::auth::Role;

use crate::i18n::{strings, tr, use_viewer};

/// The page frame around `children`.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let viewer = use_viewer();
    let t = strings(viewer.lang);
    let hydrated = RwSignal::new(false);
    // Effects never run during server rendering: this marks the page as hydrated.
    Effect::new(move |_| hydrated.set(true));
    let menu_open = RwSignal::new(false);
    let location = use_location();
    let user = viewer.user.clone();
    let is_admin = user.as_ref().is_some_and(|u| u.role.includes(Role::Admin));

    let lang_links = Lang::ALL
        .into_iter()
        .map(|lang| {
            let current = lang == viewer.lang;
            let href = move || format!("/lang/{}?next={}", lang.code(), location.pathname.get());
            view! {
                <a href=href rel="external" hreflang=lang.code() lang=lang.code()
                    aria-current=if current { Some("true") } else { None }>
                    {lang.native_name()}
                </a>
            }
        })
        .collect_view();

    let sign_out = |name: String| {
        view! {
            <li>
                <form method="post" action="/auth/logout" class="inline-form">
                    <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/>
                    <button type="submit" class="link-button" data-testid="sign-out">
                        {t.nav_sign_out} " (" {name} ")"
                    </button>
                </form>
            </li>
        }
    };
    let account = match user {
        // Judges see the judging pages only.
        Some(user) if user.role == Role::Judge => view! {
            <li><A href="/judge">{tr(viewer.lang, "Penjurian", "Judging")}</A></li>
            {sign_out(user.name)}
        }
        .into_any(),
        Some(user) => view! {
            <li><A href="/staff">{t.nav_dashboard}</A></li>
            <li><A href="/staff/programs">{tr(viewer.lang, "Program", "Programs")}</A></li>
            <li><A href="/staff/calendar">{tr(viewer.lang, "Kalender", "Calendar")}</A></li>
            <li><A href="/staff/partners">{tr(viewer.lang, "Mitra", "Partners")}</A></li>
            <li><A href="/staff/agreements">{tr(viewer.lang, "Perjanjian", "Agreements")}</A></li>
            <li><A href="/staff/blackouts">{tr(viewer.lang, "Hari libur", "Days off")}</A></li>
            <li><A href="/staff/volunteers">{tr(viewer.lang, "Relawan", "Volunteers")}</A></li>
            <li><A href="/staff/contests">{tr(viewer.lang, "Lomba", "Contests")}</A></li>
            <li><A href="/staff/mailbox">{tr(viewer.lang, "Kotak surat", "Mailbox")}</A></li>
            {is_admin.then(|| view! { <li><A href="/staff/users">{t.nav_users}</A></li> })}
            {sign_out(user.name)}
        }
        .into_any(),
        None => view! { <li><a href="/login" rel="external">{t.nav_sign_in}</a></li> }.into_any(),
    };

    view! {
        <Html {..} lang=viewer.lang.code()/>
        <div class="app" data-hydrated=move || hydrated.get().to_string()>
            <a class="skip-link" href="#main">{t.skip_to_content}</a>
            <header class="site-header">
                <div class="container header-row">
                    <a class="brand" href="/">"Siar"<span class="tagline">{t.site_tagline}</span></a>
                    <button
                        type="button"
                        class="menu-toggle"
                        aria-controls="site-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        {t.nav_menu}
                    </button>
                    <nav id="site-nav" aria-label=t.nav_label class:open=move || menu_open.get()>
                        <ul>
                            <li><A href="/">{t.nav_home}</A></li>
                            <li><A href="/schedule">{tr(viewer.lang, "Jadwal", "Schedule")}</A></li>
                            <li><A href="/volunteer/open">{tr(viewer.lang, "Relawan", "Volunteer")}</A></li>
                            {account}
                        </ul>
                        <div class="lang-switch" role="group" aria-label=t.language_label>{lang_links}</div>
                    </nav>
                </div>
            </header>
            <main id="main" class="container" tabindex="-1">{children()}</main>
            <footer class="site-footer"><div class="container">{t.footer}</div></footer>
        </div>
    }
}
