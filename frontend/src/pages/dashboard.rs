//! `/staff`: the staff dashboard (any staff role).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{strings, tr, use_viewer};

/// The staff dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_viewer();
    let t = strings(viewer.lang);
    let greeting = viewer.user.map(|user| {
        view! {
            <p>{t.dashboard_welcome} ", " <strong data-testid="staff-name">{user.name}</strong> "."</p>
            <p>{t.dashboard_role} ": " {user.role.label(viewer.lang)}</p>
        }
    });
    view! {
        <Title text=t.dashboard_title/>
        <h1>{t.dashboard_title}</h1>
        {greeting}
        <section class="card">
            <p>{t.dashboard_empty}</p>
            <p><a href="/staff/programs">{tr(viewer.lang, "Program", "Programs")}</a>" · "
               <a href="/staff/calendar">{tr(viewer.lang, "Kalender", "Calendar")}</a></p>
        </section>
    }
}
