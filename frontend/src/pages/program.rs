//! `/programs/{slug}`: a program's public page with its upcoming sessions.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_params_map;

use crate::api::{SessionQuery, get_program, list_sessions, sessions_on_air};
use crate::components::on_air::OnAirBanner;
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::share::{OpenGraph, ShareToWhatsApp, shorten};
use crate::components::subscribe::SubscribePanel;
use crate::i18n::{strings, tr, use_viewer};

/// A program page.
#[component]
pub fn ProgramPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let program = Resource::new(slug, get_program);
    let sessions = Resource::new(slug, |slug| {
        list_sessions(SessionQuery {
            from: Some(Utc::now() - Duration::hours(3)),
            program: Some(slug),
            per_page: Some(12),
            ..SessionQuery::default()
        })
    });
    let live = Resource::new(slug, |slug| sessions_on_air(Some(slug)));
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let program = program.await?;
                let upcoming = sessions.await?;
                let on_air_now = live.await.unwrap_or_default();
                let path = format!("/programs/{}", program.slug);
                // As short as the link preview's description: a whole description is too long
                // for a chat message.
                let about = shorten(&program.description);
                let share_text = match &program.platform {
                    Some(platform) => format!("{} ({}): {about}", program.name, platform),
                    None => format!("{}: {about}", program.name),
                };
                Ok::<_, crate::api::ApiError>(view! {
                    <Title text=program.name.clone()/>
                    <Link rel="alternate" type_="application/rss+xml" title=format!("{} {}", tr(lang, "Rekaman", "Recordings"), program.name) href=format!("/programs/{}/recordings.rss", program.slug)/>
                    <OpenGraph title=program.name.clone() description=program.description.clone() path=path.clone()/>
                    <article class="program">
                        <h1>{program.name.clone()}</h1>
                        <p class="badge">{program.kind.label(lang)}</p>
                        <p>{program.description.clone()}</p>
                        <OnAirBanner items=on_air_now/>
                        <dl class="facts">
                            {program.platform.clone().map(|p| view! {
                                <dt>{tr(lang, "Tayang di", "Broadcast on")}</dt><dd>{p}</dd>
                            })}
                            {program.stream_url.clone().map(|u| view! {
                                <dt>{tr(lang, "Tautan siaran", "Stream link")}</dt>
                                <dd><a href=u.clone() rel="external noopener">{u.clone()}</a></dd>
                            })}
                            {program.place.clone().map(|p| view! {
                                <dt>{tr(lang, "Tempat", "Place")}</dt><dd>{p}</dd>
                            })}
                            <dt>{tr(lang, "Zona waktu", "Time zone")}</dt>
                            <dd>{format!("{} ({})", program.zone_label, program.tz)}</dd>
                            {(!program.partners.is_empty()).then(|| view! {
                                <dt>{tr(lang, "Mitra", "Partners")}</dt>
                                <dd><ul class="inline-list">{program.partners.iter().map(|p| view! {
                                    <li><a href=format!("/partners/{}", p.partner_slug)>{p.partner_name.clone()}</a>{format!(" ({})", p.role.label(lang))}</li>
                                }).collect_view()}</ul></dd>
                            })}
                        </dl>
                        <h2>{tr(lang, "Sesi mendatang", "Upcoming sessions")}</h2>
                        <SessionList sessions=upcoming.items lang link_to=LinkTo::Public/>
                        <p><a href=format!("/schedule?program={}", program.slug)>{tr(lang, "Lihat di jadwal", "See it in the schedule")}</a></p>
                        <p><a href=format!("/programs/{}/archive", program.slug) data-testid="archive-link">{tr(lang, "Arsip episode dan rekaman", "Past episodes and recordings")}</a></p>
                        <ShareToWhatsApp text=share_text path/>
                        <SubscribePanel path=format!("/calendar/programs/{}.ics", program.slug) name=program.name.clone()/>
                    </article>
                })
            })}
        </Suspense>
    }
}
