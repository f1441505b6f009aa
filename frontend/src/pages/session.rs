//! `/sessions/{id}`: one session's stable public page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::words::SessionStatus;
use uuid::Uuid;

use shared::dto::schedule::EditOutcome;

use crate::api::{ApiError, get_session};
use crate::components::episode::EpisodeDetails;
use crate::components::share::{OpenGraph, ShareToWhatsApp};
use crate::components::subscribe::AddToCalendar;
use crate::format::session_when;
use crate::i18n::{strings, tr, use_viewer};

/// The route's `:id` as a session id (`None` when it is not one).
pub fn route_session_id() -> Option<Uuid> {
    use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok()))
}

/// The session `id` (none for `None`), fetched again whenever `version` changes.
pub fn session_resource(
    id: Option<Uuid>,
    version: impl Fn() -> u32 + Send + Sync + 'static,
) -> Resource<Result<Option<EditOutcome>, ApiError>> {
    Resource::new(
        move || (id, version()),
        |(id, _)| async move {
            match id {
                Some(id) => get_session(id).await.map(Some),
                None => Ok(None),
            }
        },
    )
}

/// A session page.
#[component]
pub fn SessionPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let session = session_resource(route_session_id(), || 0);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let Some(outcome) = session.await? else {
                    return Ok::<_, crate::api::ApiError>(view! { <h1>{t.not_found_title}</h1> }.into_any());
                };
                let s = outcome.session;
                let cancelled = s.status == SessionStatus::Cancelled;
                let when = session_when(lang, &s);
                let path = format!("/sessions/{}", s.id);
                let about = match (&s.platform, cancelled) {
                    (_, true) => format!("{} · {when}", SessionStatus::Cancelled.label(lang)),
                    (Some(platform), false) => format!("{when} · {} {platform}", tr(lang, "Tonton di", "Watch on")),
                    (None, false) => when.clone(),
                };
                let share_text = format!("{} — {about}", s.title);
                Ok(view! {
                    <Title text=s.title.clone()/>
                    <OpenGraph title=s.title.clone() description=format!("{} · {about}", s.program_name) path=path.clone()/>
                    <article class="session-page" class:cancelled=cancelled>
                        <p><a href=format!("/programs/{}", s.program_slug)>{s.program_name.clone()}</a></p>
                        <h1>{s.title.clone()}</h1>
                        {cancelled.then(|| view! {
                            <p class="alert" role="status">
                                <strong>{SessionStatus::Cancelled.label(lang)}</strong>
                                {s.cancel_reason.clone().map(|r| format!(": {r}"))}
                            </p>
                        })}
                        <p class="when">{when}</p>
                        <dl class="facts">
                            {s.stream_url.clone().map(|url| {
                                let label = s.platform.clone().unwrap_or_else(|| url.clone());
                                view! {
                                    <dt>{tr(lang, "Tonton di", "Watch on")}</dt>
                                    <dd><a href=url rel="external noopener" data-testid="watch-link">{label}</a></dd>
                                }
                            })}
                            {s.place.clone().map(|p| view! { <dt>{tr(lang, "Tempat", "Place")}</dt><dd>{p}</dd> })}
                            {s.host.clone().map(|h| view! { <dt>{tr(lang, "Pembawa acara", "Host")}</dt><dd>{h}</dd> })}
                            {(!s.partners.is_empty()).then(|| view! {
                                <dt>{tr(lang, "Mitra", "Partners")}</dt>
                                <dd><ul class="inline-list">{s.partners.iter().map(|p| view! {
                                    <li><a href=format!("/partners/{}", p.partner_slug)>{p.partner_name.clone()}</a>{format!(" ({})", p.role.label(lang))}</li>
                                }).collect_view()}</ul></dd>
                            })}
                        </dl>
                        {s.episode.clone().map(|episode| view! {
                            <section aria-labelledby="episode-heading">
                                <h2 id="episode-heading">{tr(lang, "Rekaman dan catatan", "Recording and notes")}</h2>
                                <EpisodeDetails episode title=s.title.clone() lang embed=true/>
                            </section>
                        })}
                        <AddToCalendar session=s.clone() lang/>
                        <ShareToWhatsApp text=share_text path/>
                    </article>
                }.into_any())
            })}
        </Suspense>
    }
}
