//! `/`: the public home page: what is on in the coming week, every program (the contest's
//! link goes to its entry page), and the way to the full schedule.

use chrono::Duration;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::programs::ProgramResponse;
use shared::words::{ProgramKind, ProgramStatus};

use crate::api::{SessionQuery, list_programs, list_sessions, sessions_on_air};
use crate::components::on_air::OnAirBanner;
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::share::OpenGraph;
use crate::format::library_midnight;
use crate::i18n::{strings, tr, use_viewer};

/// Where a program's link leads: a contest to its entry page, any other to its program page.
fn program_href(program: &ProgramResponse) -> String {
    match program.kind {
        ProgramKind::Contest => format!("/contests/{}", program.slug),
        _ => format!("/programs/{}", program.slug),
    }
}

/// The public home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    // The library's today, so the server's answer and the hydrating client ask the same.
    let today = crate::format::library_today();
    let week = Resource::new(
        move || today,
        |today| {
            list_sessions(SessionQuery {
                from: Some(library_midnight(today)),
                to: Some(library_midnight(today + Duration::days(7))),
                page: Some(1),
                per_page: Some(50),
                ..SessionQuery::default()
            })
        },
    );
    let programs = Resource::new(|| (), |_| list_programs());
    let live = Resource::new(|| (), |_| sessions_on_air(None));
    view! {
        <Title text=t.home_title/>
        <OpenGraph title=t.home_title.to_owned() description=t.home_lead.to_owned() path="/".to_owned()/>
        <section class="hero">
            <h1>{t.home_title}</h1>
            <p class="lead">{t.home_lead}</p>
        </section>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let on_air_now = live.await.unwrap_or_default();
                let sessions = week.await.map(|page| page.items).unwrap_or_default();
                let programs: Vec<ProgramResponse> = programs
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| p.status == ProgramStatus::Published)
                    .collect();
                view! {
                    <OnAirBanner items=on_air_now/>
                    <section aria-labelledby="week-heading">
                        <h2 id="week-heading">{tr(lang, "Tujuh hari ke depan", "The coming seven days")}</h2>
                        <SessionList sessions lang link_to=LinkTo::Public/>
                        <p><a href="/schedule">{t.home_schedule_link}</a></p>
                    </section>
                    <section aria-labelledby="programs-heading">
                        <h2 id="programs-heading">{t.home_programs_heading}</h2>
                        <ul class="program-list" data-testid="home-programs">
                            {programs.into_iter().map(|p| {
                                let href = program_href(&p);
                                let kind = p.kind.label(lang);
                                view! { <li><a href=href>{p.name}</a>" · "<span class="muted">{kind}</span></li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
        </Suspense>
    }
}
