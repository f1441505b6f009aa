//! The frame of every page: skip link, header with navigation, language switch and
//! sign-in/out, the main region, the footer.
//!
//! Needs no client code: on narrow screens the navigation folds into a `<details>` disclosure
//! ("Menu"), which the browser opens and closes by itself; every link is a page load.

use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::use_location;
use shared::Lang;
use shared::dto::auth::Role;
use shared::share::query_value;

use crate::i18n::{strings, tr, use_viewer};

/// The page frame around `children`.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let viewer = use_viewer();
    let t = strings(viewer.lang);
    let location = use_location();
    let here = location.pathname.get_untracked();
    // The language link comes back to this very page, its query (a period, a page of a
    // list) included.
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let here_with_query = if search.is_empty() {
        here.clone()
    } else {
        format!("{here}?{search}")
    };
    // A navigation link, marked as the current page where it leads here.
    let link = move |href: &'static str, text: &'static str| {
        let current = (here == href).then_some("page");
        view! { <li><a href=href aria-current=current>{text}</a></li> }
    };
    let user = viewer.user.clone();
    let is_admin = user.as_ref().is_some_and(|u| u.role.includes(Role::Admin));

    let lang_links = Lang::ALL
        .into_iter()
        .map(|lang| {
            let current = lang == viewer.lang;
            let href = format!(
                "/lang/{}?next={}",
                lang.code(),
                query_value(&here_with_query)
            );
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
            {link("/judge", tr(viewer.lang, "Penjurian", "Judging"))}
            {sign_out(user.name)}
        }
        .into_any(),
        Some(user) => view! {
            {link("/staff", t.nav_dashboard)}
            {sign_out(user.name)}
        }
        .into_any(),
        None => view! { <li><a href="/login" rel="external">{t.nav_sign_in}</a></li> }.into_any(),
    };

    // The staff pages, grouped by what they are about, on a row of their own.
    let is_staff = viewer.user.as_ref().is_some_and(|u| u.role != Role::Judge);
    let lang = viewer.lang;
    let group = move |key: &'static str, label: &'static str, links: Vec<AnyView>| {
        let id = format!("nav-group-{key}");
        view! {
            <li class="nav-group">
                <span class="nav-group-label" id=id.clone()>{label}</span>
                <ul aria-labelledby=id>{links}</ul>
            </li>
        }
    };
    let staff_links = is_staff.then(|| {
        view! {
            <ul class="nav-staff" aria-label=tr(lang, "Halaman staf", "Staff pages")>
                {group("schedule", tr(lang, "Jadwal", "Schedule"), vec![
                    link("/staff/programs", tr(lang, "Program", "Programs")).into_any(),
                    link("/staff/calendar", tr(lang, "Kalender", "Calendar")).into_any(),
                    link("/staff/blackouts", tr(lang, "Hari libur", "Days off")).into_any(),
                ])}
                {group("people", tr(lang, "Orang", "People"), vec![
                    link("/staff/volunteers", tr(lang, "Relawan", "Volunteers")).into_any(),
                    link("/staff/mailbox", tr(lang, "Kotak surat", "Mailbox")).into_any(),
                ])}
                {group("cooperation", tr(lang, "Kerja sama", "Cooperation"), vec![
                    link("/staff/partners", tr(lang, "Mitra", "Partners")).into_any(),
                    link("/staff/agreements", tr(lang, "Perjanjian", "Agreements")).into_any(),
                    link("/staff/reports/partners", tr(lang, "Laporan", "Report")).into_any(),
                ])}
                {link("/staff/contests", tr(lang, "Lomba", "Contests"))}
                {link("/staff/reports/activity", tr(lang, "Laporan kegiatan", "Activity report"))}
                {is_admin.then(|| link("/staff/users", t.nav_users))}
            </ul>
        }
    });

    view! {
        <Html {..} lang=viewer.lang.code()/>
        // `data-hydrated` turns "true" once the page's islands (if any) answer.
        <div class="app" data-hydrated="false">
            <a class="skip-link" href="#main">{t.skip_to_content}</a>
            <header class="site-header">
                <div class="container header-row">
                    <a class="brand" href="/">"Siar"<span class="tagline">{t.site_tagline}</span></a>
                    <details class="site-menu">
                    <summary class="menu-toggle">{t.nav_menu}</summary>
                    <nav id="site-nav" aria-label=t.nav_label>
                        <ul>
                            {link("/", t.nav_home)}
                            {link("/schedule", tr(viewer.lang, "Jadwal", "Schedule"))}
                            {link("/volunteer/open", tr(viewer.lang, "Jadi relawan", "Volunteer"))}
                            {account}
                        </ul>
                        <div class="lang-switch" role="group" aria-label=t.language_label>{lang_links}</div>
                        {staff_links}
                    </nav>
                    </details>
                </div>
            </header>
            <main id="main" class="container" tabindex="-1">{children()}</main>
            <footer class="site-footer"><div class="container">{t.footer}</div></footer>
        </div>
    }
}
