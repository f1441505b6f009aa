//! Sessions grouped by their local day, each with its time, zone, program, host, partners
//! and, when called off, "Dibatalkan" with the reason.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::schedule::SessionResponse;
use shared::recurrence::long_date;
use shared::words::SessionStatus;

use crate::format::{library_time, time_range};
use crate::i18n::tr;

/// Where a session's title links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTo {
    /// The public session page.
    Public,
    /// The staff session editor.
    Editor,
}

/// The sessions, grouped by local date, in the order given.
#[component]
pub fn SessionList(sessions: Vec<SessionResponse>, lang: Lang, link_to: LinkTo) -> impl IntoView {
    if sessions.is_empty() {
        return view! {
            <p class="muted">{tr(lang, "Tidak ada sesi pada rentang ini.", "No sessions in this range.")}</p>
        }
        .into_any();
    }
    let mut days: Vec<(chrono::NaiveDate, Vec<SessionResponse>)> = Vec::new();
    for session in sessions {
        let day = session.start_local.date();
        match days.last_mut() {
            Some((last, list)) if *last == day => list.push(session),
            _ => days.push((day, vec![session])),
        }
    }
    days.into_iter()
        .map(|(day, sessions)| {
            view! {
                <section class="day">
                    <h3>{long_date(lang, day)}</h3>
                    <ul class="sessions">
                        {sessions.into_iter().map(|s| view! { <SessionItem session=s lang link_to/> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

#[component]
fn SessionItem(session: SessionResponse, lang: Lang, link_to: LinkTo) -> impl IntoView {
    let cancelled = session.status == SessionStatus::Cancelled;
    let href = match link_to {
        LinkTo::Public => format!("/sessions/{}", session.id),
        LinkTo::Editor => format!("/staff/sessions/{}", session.id),
    };
    let partners = session
        .partners
        .iter()
        .map(|p| p.partner_name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="session" class:cancelled=cancelled data-session-id=session.id.to_string()>
            <span class="when">{time_range(lang, session.start_local, session.end_local, &session.zone_label)}{library_time(lang, &session)}</span>
            <a class="title" href=href>{session.title.clone()}</a>
            {cancelled.then(|| view! {
                <span class="badge cancelled-badge">{SessionStatus::Cancelled.label(lang)}</span>
            })}
            <span class="meta">
                {session.program_name.clone()}
                {session.host.clone().map(|h| format!(" · {h}"))}
                {(!partners.is_empty()).then(|| format!(" · {partners}"))}
            </span>
            {session.cancel_reason.clone().filter(|_| cancelled).map(|r| view! { <span class="reason">{r}</span> })}
        </li>
    }
}
