//! "Sedang tayang" / "Live now": sessions on the air or starting within 15 minutes, each with
//! its watch link. The server decides it at each page request, so it needs no script and is
//! right whenever the page is loaded.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::schedule::{AirState, OnAir};

use crate::format::time_range;
use crate::i18n::{tr, use_viewer};

/// The banner; nothing when no session is on the air.
#[component]
pub fn OnAirBanner(items: Vec<OnAir>) -> impl IntoView {
    let lang = use_viewer().lang;
    (!items.is_empty()).then(|| {
        view! {
            <section class="on-air" aria-labelledby="on-air-heading" data-testid="on-air">
                <h2 id="on-air-heading">{tr(lang, "Siaran langsung", "On the air")}</h2>
                <ul>
                    {items.into_iter().map(|item| on_air_item(lang, item)).collect_view()}
                </ul>
            </section>
        }
    })
}

fn on_air_item(lang: Lang, item: OnAir) -> impl IntoView + use<> {
    let s = item.session;
    let watch = s.stream_url.clone().map(|url| {
        let label = match &s.platform {
            Some(platform) => format!("{} {platform}", tr(lang, "Tonton di", "Watch on")),
            None => tr(lang, "Tonton", "Watch").to_owned(),
        };
        view! { <a class="button primary" href=url rel="external noopener" data-testid="on-air-watch">{label}</a> }
    });
    view! {
        <li data-state=match item.state { AirState::Live => "live", AirState::StartsSoon => "soon" }>
            <strong class="badge on-air-badge">{state_text(lang, item.state, item.minutes_to_start)}</strong>" "
            <a href=format!("/sessions/{}", s.id)>{s.title.clone()}</a>
            <span class="muted">{format!(" · {}", time_range(lang, s.start_local, s.end_local, &s.zone_label))}</span>
            " "{watch}
        </li>
    }
}

/// "Sedang tayang", "Mulai 5 menit lagi", "Starts in 1 minute".
pub fn state_text(lang: Lang, state: AirState, minutes: u32) -> String {
    match (state, lang) {
        (AirState::Live, Lang::Id) => "Sedang tayang".to_owned(),
        (AirState::Live, Lang::En) => "Live now".to_owned(),
        (AirState::StartsSoon, Lang::Id) => format!("Mulai {minutes} menit lagi"),
        (AirState::StartsSoon, Lang::En) if minutes == 1 => "Starts in 1 minute".to_owned(),
        (AirState::StartsSoon, Lang::En) => format!("Starts in {minutes} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_reads_in_both_languages() {
        assert_eq!(state_text(Lang::Id, AirState::Live, 0), "Sedang tayang");
        assert_eq!(state_text(Lang::En, AirState::Live, 0), "Live now");
        assert_eq!(
            state_text(Lang::Id, AirState::StartsSoon, 5),
            "Mulai 5 menit lagi"
        );
        assert_eq!(
            state_text(Lang::En, AirState::StartsSoon, 1),
            "Starts in 1 minute"
        );
        assert_eq!(
            state_text(Lang::En, AirState::StartsSoon, 12),
            "Starts in 12 minutes"
        );
    }
}
