//! `/`: the public home page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_strings;

/// The public home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_strings();
    let programs = [
        t.program_dongkelor,
        t.program_dapur_pustaka,
        t.program_talkshow,
        t.program_contest,
    ];
    view! {
        <Title text=t.home_title/>
        <section class="hero">
            <h1>{t.home_title}</h1>
            <p class="lead">{t.home_lead}</p>
        </section>
        <section aria-labelledby="programs-heading">
            <h2 id="programs-heading">{t.home_programs_heading}</h2>
            <ul class="program-list">
                {programs.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
            <p><a href="/schedule">{t.home_schedule_soon}</a></p>
        </section>
    }
}
