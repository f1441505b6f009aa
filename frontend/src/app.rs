//! The HTML shell, the router and the error boundary.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use shared::dto::auth::Viewer;

use crate::components::layout::Layout;
use crate::i18n::strings;
use crate::pages::{
    activity_report::ActivityReportPage,
    archive::ArchivePage,
    contest::{ContestPage, ContestResultsPage},
    contest_entry::{CertificatePage, ContestEntryPage},
    dashboard::DashboardPage,
    home::HomePage,
    judge::{JudgeEntryPage, JudgePage},
    login::LoginPage,
    not_found::NotFound,
    partner::PartnerPage,
    partner_access::PartnerAccessPage,
    partner_report::PartnerReportPage,
    program::ProgramPage,
    schedule::SchedulePage,
    session::SessionPage,
    staff_agreements::{AgreementPage, AgreementsPage},
    staff_calendar::CalendarPage,
    staff_contests::{ContestManagePage, ContestsPage},
    staff_partner_detail::PartnerDetailPage,
    staff_partners::{BlackoutsPage, PartnersPage},
    staff_programs::{ProgramEditorPage, ProgramsPage},
    staff_session::SessionEditorPage,
    staff_volunteers::{MailboxPage, VolunteersPage},
    users::UsersPage,
    volunteer::{MyVolunteeringPage, OpenSessionsPage, VolunteerPage, VolunteerSignInPage},
};

/// The id of the script element that carries the viewer from the server to the client.
const VIEWER_ELEMENT_ID: &str = "siar-viewer";

/// The document around the app, rendered on the server only. It embeds the viewer as JSON,
/// so the client starts with the same language, account and CSRF token the server used.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // For `ClientScripts`, which the pages with islands render.
    provide_context(options);
    // The renderer starts in hydration mode and leaves it where leptos' own hydration script
    // is written, normally in the head. Ours is written in the body, beside each island
    // (`ClientScripts`), and only where one is; nothing outside an island may take a
    // hydration id, or the islands' resources would be numbered differently in the browser.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let viewer_json = serde_json::to_string(&current_viewer())
        .unwrap_or_default()
        // Inside <script>, "</" could end the element early; \u003c is the same JSON string.
        .replace('<', "\\u003c");
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0f5c4d"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/siar.css"/>
                <script id=VIEWER_ELEMENT_ID type="application/json" inner_html=viewer_json></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Who is looking: on the server, what the request middleware found; in the browser (an
/// island), what the server embedded in the page. Signed out and Indonesian if neither is
/// there.
pub(crate) fn current_viewer() -> Viewer {
    #[cfg(feature = "ssr")]
    let found = crate::api::ssr::viewer().ok();
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let found = document()
        .get_element_by_id(VIEWER_ELEMENT_ID)
        .and_then(|element| element.text_content())
        .and_then(|json| serde_json::from_str(&json).ok());
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let found = None;
    found.unwrap_or_default()
}

/// Every page's title on its way into the document. leptos_meta (0.8.7, and still
/// 0.9.0-rc1) writes the text into the server-rendered `<title>` unescaped, so a name such as
/// `Kancil</title><script>…` would end the element and inject markup. The innermost formatter
/// wins and no page sets one (a server test checks that), so this one covers every page. In
/// the browser `document.title` takes plain text: nothing to escape there.
#[cfg(feature = "ssr")]
fn title_for_head(text: String) -> String {
    html_escape::encode_text(&text).into_owned()
}

#[cfg(not(feature = "ssr"))]
fn title_for_head(text: String) -> String {
    text
}

/// What a page that failed shows: the general heading and, under it, what the server said
/// (a problem's title and detail, in the viewer's language: "Hasil lomba belum diumumkan."),
/// never only "an error occurred".
fn error_page(heading: &'static str, errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <h1>{heading}</h1>
        <div role="alert" data-testid="error-detail">
            {move || errors.get().into_iter().map(|(_, error)| view! { <p>{error.to_string()}</p> }).collect_view()}
        </div>
    }
}

/// The application: the layout around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = current_viewer();
    let t = strings(viewer.lang);
    provide_context(viewer);
    view! {
        // The name stands while a page loads its data (its own title is set inside its
        // Suspense): a document never has an empty title, even between two pages.
        <Title formatter=title_for_head text="Siar"/>
        <Router>
            <Layout>
                <ErrorBoundary fallback=move |errors| error_page(t.error_title, errors)>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff") view=DashboardPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/users") view=UsersPage ssr=SsrMode::Async/>
                        <Route path=path!("/schedule") view=SchedulePage ssr=SsrMode::Async/>
                        <Route path=path!("/programs/:slug") view=ProgramPage ssr=SsrMode::Async/>
                        <Route path=path!("/programs/:slug/archive") view=ArchivePage ssr=SsrMode::Async/>
                        <Route path=path!("/sessions/:id") view=SessionPage ssr=SsrMode::Async/>
                        <Route path=path!("/partners/:slug") view=PartnerPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/programs") view=ProgramsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/programs/:slug") view=ProgramEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/sessions/:id") view=SessionEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/calendar") view=CalendarPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/partners") view=PartnersPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/partners/:slug") view=PartnerDetailPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/agreements") view=AgreementsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/agreements/:id") view=AgreementPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/reports/partners") view=PartnerReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/reports/activity") view=ActivityReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/partner-access/:token") view=PartnerAccessPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/blackouts") view=BlackoutsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/volunteers") view=VolunteersPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/mailbox") view=MailboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/volunteer") view=VolunteerPage ssr=SsrMode::Async/>
                        <Route path=path!("/volunteer/sign-in") view=VolunteerSignInPage ssr=SsrMode::Async/>
                        <Route path=path!("/volunteer/open") view=OpenSessionsPage ssr=SsrMode::Async/>
                        <Route path=path!("/volunteer/me") view=MyVolunteeringPage ssr=SsrMode::Async/>
                        <Route path=path!("/contests/:slug") view=ContestPage ssr=SsrMode::Async/>
                        <Route path=path!("/contests/:slug/results") view=ContestResultsPage ssr=SsrMode::Async/>
                        <Route path=path!("/contest-entry/:token") view=ContestEntryPage ssr=SsrMode::Async/>
                        <Route path=path!("/contest-entry/:token/certificate") view=CertificatePage ssr=SsrMode::Async/>
                        <Route path=path!("/judge") view=JudgePage ssr=SsrMode::Async/>
                        <Route path=path!("/judge/entries/:id") view=JudgeEntryPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/contests") view=ContestsPage ssr=SsrMode::Async/>
                        <Route path=path!("/staff/contests/:id") view=ContestManagePage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}
