//! `/staff/calendar`: every program's sessions by month, week or as an agenda
//! (`?view=month|week|agenda&date=YYYY-MM-DD`), linking each to its editor.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Lang;
use shared::dto::schedule::SessionResponse;
use shared::recurrence::{Weekday, clock, long_date};
use shared::words::SessionStatus;
use uuid::Uuid;

use crate::api::{SessionQuery, list_conflicts, list_sessions};
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::table_region::table_region;
use crate::format::{
    library_midnight, library_time, month_name, month_start, next_month, parse_day, week_start,
};
use crate::i18n::{strings, tr, use_viewer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CalendarView {
    Month,
    Week,
    Agenda,
}

impl CalendarView {
    fn parse(value: Option<String>) -> Self {
        match value.as_deref() {
            Some("week") => CalendarView::Week,
            Some("agenda") => CalendarView::Agenda,
            _ => CalendarView::Month,
        }
    }

    fn code(self) -> &'static str {
        match self {
            CalendarView::Month => "month",
            CalendarView::Week => "week",
            CalendarView::Agenda => "agenda",
        }
    }

    /// The days shown around `day`: [from, to), and the step to the previous/next page.
    fn range(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            CalendarView::Month => {
                let from = week_start(month_start(day));
                let last = next_month(day) - Duration::days(1);
                (from, week_start(last) + Duration::days(7))
            }
            CalendarView::Week => (week_start(day), week_start(day) + Duration::days(7)),
            CalendarView::Agenda => (day, day + Duration::days(30)),
        }
    }

    fn step(self, day: NaiveDate, forward: bool) -> NaiveDate {
        match (self, forward) {
            (CalendarView::Month, true) => next_month(day),
            (CalendarView::Month, false) => month_start(month_start(day) - Duration::days(1)),
            (CalendarView::Week, f) => day + Duration::days(if f { 7 } else { -7 }),
            (CalendarView::Agenda, f) => day + Duration::days(if f { 30 } else { -30 }),
        }
    }
}

/// The staff calendar.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let query = use_query_map();
    let today = crate::format::library_today();
    let state = move || {
        query.with(|q| {
            let view = CalendarView::parse(q.get("view"));
            let day = q.get("date").and_then(|d| parse_day(&d)).unwrap_or(today);
            (view, day)
        })
    };
    let sessions = Resource::new(state, |(view, day)| {
        let (from, to) = view.range(day);
        list_sessions(SessionQuery {
            from: Some(library_midnight(from) - Duration::hours(6)),
            to: Some(library_midnight(to) + Duration::hours(6)),
            per_page: Some(500),
            ..SessionQuery::default()
        })
    });
    let conflicts = Resource::new(state, |(view, day)| {
        let (from, to) = view.range(day);
        list_conflicts(
            library_midnight(from) - Duration::hours(6),
            library_midnight(to) + Duration::hours(6),
        )
    });
    let title = tr(lang, "Kalender", "Calendar");
    let link = move |view: CalendarView, day: NaiveDate| {
        format!("/staff/calendar?view={}&date={day}", view.code())
    };
    let heading = move || {
        let (view, day) = state();
        match view {
            CalendarView::Month => month_name(lang, day),
            _ => {
                let (from, to) = view.range(day);
                format!(
                    "{} – {}",
                    long_date(lang, from),
                    long_date(lang, to - Duration::days(1))
                )
            }
        }
    };
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <nav class="view-switch" aria-label=tr(lang, "Tampilan", "View")>
            {[(CalendarView::Month, tr(lang, "Bulan", "Month")), (CalendarView::Week, tr(lang, "Minggu", "Week")), (CalendarView::Agenda, tr(lang, "Agenda", "Agenda"))]
                .into_iter().map(|(v, label)| view! {
                    <a href=move || link(v, state().1) aria-current=move || (state().0 == v).then_some("page")>{label}</a>
                }).collect_view()}
        </nav>
        <nav class="pager" aria-label=tr(lang, "Pilih rentang", "Choose the range")>
            <a href=move || { let (v, d) = state(); link(v, v.step(d, false)) } rel="prev">{tr(lang, "← Sebelumnya", "← Previous")}</a>
            <h2 id="calendar-heading">{heading}</h2>
            <a href=move || { let (v, d) = state(); link(v, v.step(d, true)) } rel="next">{tr(lang, "Berikutnya →", "Next →")}</a>
        </nav>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let (view, day) = state();
                let clashing: HashSet<Uuid> = conflicts.await?.iter()
                    .flat_map(|c| [c.session_id, c.other_session_id])
                    .collect();
                sessions.await.map(|page| match view {
                    CalendarView::Agenda => view! { <SessionList sessions=page.items lang link_to=LinkTo::Editor/> }.into_any(),
                    _ => {
                        let (from, to) = view.range(day);
                        view! { <Grid lang from to month=(view == CalendarView::Month).then_some(day) sessions=page.items clashing/> }.into_any()
                    }
                })
            })}
        </Suspense>
    }
}

/// Weeks as rows, days as columns; days outside `month` are dimmed.
#[component]
fn Grid(
    lang: Lang,
    from: NaiveDate,
    to: NaiveDate,
    month: Option<NaiveDate>,
    sessions: Vec<SessionResponse>,
    /// Sessions in a conflict (same host or partner at once, a day off).
    clashing: HashSet<Uuid>,
) -> impl IntoView {
    let mut by_day: BTreeMap<NaiveDate, Vec<SessionResponse>> = BTreeMap::new();
    for s in sessions {
        by_day.entry(s.start_local.date()).or_default().push(s);
    }
    let weeks = (to - from).num_days() / 7;
    view! {
        {table_region(tr(lang, "Kalender", "Calendar"), view! {
            <table class="calendar" aria-labelledby="calendar-heading">
                <thead><tr>
                    {Weekday::ALL.into_iter().map(|d| view! { <th scope="col">{d.name(lang)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {(0..weeks).map(|w| view! {
                        <tr>
                            {(0..7).map(|d| {
                                let day = from + Duration::days(w * 7 + d);
                                let outside = month.is_some_and(|m| m.month() != day.month());
                                let list = by_day.get(&day).cloned().unwrap_or_default();
                                view! {
                                    <td class:outside=outside>
                                        <span class="day-number" aria-label=long_date(lang, day)>{day.day()}</span>
                                        <ul>
                                            {list.into_iter().map(|s| view! {
                                                <li class:cancelled=s.status == SessionStatus::Cancelled>
                                                    <a href=format!("/staff/sessions/{}", s.id)>
                                                        {format!("{} {}{} {}", clock(lang, s.start_local.time()), s.zone_label, library_time(lang, &s), s.title)}
                                                    </a>
                                                    {clashing.contains(&s.id).then(|| view! {
                                                        " "<span class="badge cancelled-badge" data-testid="clash">{tr(lang, "bentrok", "clash")}</span>
                                                    })}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                }
                                // Each day erased to one type: the month grid is too deep a type otherwise.
                                .into_any()
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
