//! The HTML shell, the router and the error boundary.

use leptos::context::Provider;
use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use shared::Lang;
use shared::dto::auth::Viewer;

use crate::api::get_viewer;
use crate::components::layout::Layout;
use crate::i18n::strings;
use crate::pages::{
    dashboard::DashboardPage, home::HomePage, login::LoginPage, not_found::NotFound,
    users::UsersPage,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0f5c4d"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/siar.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: loads the viewer once, then renders the layout and the page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = OnceResource::new(get_viewer());
    view! {
        <Router>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // Without a viewer the page still renders, in Indonesian, signed out.
                    let viewer = viewer.await.unwrap_or(Viewer {
                        lang: Lang::default(),
                        user: None,
                        csrf_token: String::new(),
                    });
                    let t = strings(viewer.lang);
                    view! {
                        <Provider value=viewer>
                            <Layout>
                                <ErrorBoundary fallback=move |_| view! { <h1>{t.error_title}</h1> }>
                                    <Routes fallback=NotFound>
                                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                                        <Route path=path!("/staff") view=DashboardPage ssr=SsrMode::Async/>
                                        <Route path=path!("/staff/users") view=UsersPage ssr=SsrMode::Async/>
                                    </Routes>
                                </ErrorBoundary>
                            </Layout>
                        </Provider>
                    }
                })}
            </Suspense>
        </Router>
    }
}
