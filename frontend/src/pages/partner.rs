//! `/partners/{slug}`: a partner's public page: who they are, the programs they are part of,
//! their upcoming sessions and their calendar feed.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiError, SessionQuery, get_partner_profile, list_sessions};
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::subscribe::SubscribePanel;
use crate::i18n::{strings, tr, use_viewer};

/// A partner page.
#[component]
pub fn PartnerPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let profile = Resource::new(slug, get_partner_profile);
    // By id, which the profile gives: resolved here so SSR waits for both.
    let sessions = Resource::new(slug, |slug| async move {
        let partner = get_partner_profile(slug).await?;
        list_sessions(SessionQuery {
            from: Some(Utc::now() - Duration::hours(3)),
            partner: Some(partner.id),
            per_page: Some(12),
            ..SessionQuery::default()
        })
        .await
    });
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let partner = profile.await?;
                let upcoming = sessions.await?;
                Ok::<_, ApiError>(view! {
                    <Title text=partner.name.clone()/>
                    <article class="partner">
                        <h1>{partner.name.clone()}</h1>
                        <p class="badge">{partner.kind.label(lang)}</p>
                        {(!partner.contributes.is_empty()).then(|| view! {
                            <p>{partner.contributes.clone()}</p>
                        })}
                        {(!partner.programs.is_empty()).then(|| view! {
                            <h2>{tr(lang, "Program bersama", "Programs together")}</h2>
                            <ul>
                                {partner.programs.iter().map(|p| view! {
                                    <li><a href=format!("/programs/{}", p.slug)>{p.name.clone()}</a>{format!(" ({})", p.role.label(lang))}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        <h2>{tr(lang, "Sesi mendatang", "Upcoming sessions")}</h2>
                        <SessionList sessions=upcoming.items lang link_to=LinkTo::Public/>
                        <SubscribePanel path=format!("/calendar/partners/{}.ics", partner.slug) name=format!("{} · Siar", partner.name)/>
                    </article>
                })
            })}
        </Suspense>
    }
}
