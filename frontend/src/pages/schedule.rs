//! `/schedule`: the public agenda, a week (or with `?month=`, a month) at a time, filtered by
//! program, type and partner with a plain GET form, so it works without JavaScript.

use chrono::Duration;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::dto::partners::PartnerLink;
use shared::recurrence::long_date;
use shared::words::ProgramKind;

use crate::api::{SessionQuery, list_programs, list_sessions};
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::subscribe::SubscribePanel;
use crate::format::{library_midnight, month_name, month_start, next_month, parse_day, week_start};
use crate::i18n::{strings, tr, use_viewer};

/// The public schedule.
#[component]
pub fn SchedulePage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let query = use_query_map();
    let today = crate::format::library_today();
    let params = move || {
        query.with(|q| {
            let month = q.get("month").and_then(|m| parse_day(&format!("{m}-01")));
            let week = q.get("week").and_then(|w| parse_day(&w));
            let filter = |key: &str| q.get(key).filter(|v| !v.is_empty());
            (
                month,
                week,
                filter("program"),
                filter("kind"),
                filter("partner"),
            )
        })
    };
    let range = move || {
        let (month, week, ..) = params();
        match month {
            Some(first) => (month_start(first), next_month(first), true),
            None => {
                let start = week_start(week.unwrap_or(today));
                (start, start + Duration::days(7), false)
            }
        }
    };
    let sessions = Resource::new(
        move || (range(), params()),
        |((from, to, _), (_, _, program, kind, partner))| {
            list_sessions(SessionQuery {
                from: Some(library_midnight(from)),
                to: Some(library_midnight(to)),
                program,
                kind: kind.and_then(|k| ProgramKind::parse(&k)),
                partner: partner.and_then(|p| p.parse().ok()),
                page: Some(1),
                per_page: Some(500),
            })
        },
    );
    let programs = Resource::new(|| (), |_| list_programs());
    let title = tr(lang, "Jadwal acara", "Schedule");

    let filters_link = move |key: &str, value: String| {
        let (_, _, program, kind, partner) = params();
        let mut parts = vec![format!("{key}={value}")];
        for (name, v) in [("program", program), ("kind", kind), ("partner", partner)] {
            if let Some(v) = v {
                parts.push(format!("{name}={v}"));
            }
        }
        format!("/schedule?{}", parts.join("&"))
    };
    let heading = move || {
        let (from, to, monthly) = range();
        if monthly {
            month_name(lang, from)
        } else {
            format!(
                "{} – {}",
                long_date(lang, from),
                long_date(lang, to - Duration::days(1))
            )
        }
    };
    let prev_link = move || {
        let (from, _, monthly) = range();
        if monthly {
            filters_link(
                "month",
                month_start(from - Duration::days(1))
                    .format("%Y-%m")
                    .to_string(),
            )
        } else {
            filters_link("week", (from - Duration::days(7)).to_string())
        }
    };
    let next_link = move || {
        let (_, to, monthly) = range();
        if monthly {
            filters_link("month", to.format("%Y-%m").to_string())
        } else {
            filters_link("week", to.to_string())
        }
    };

    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p class="muted">{tr(lang,
            "Semua waktu dalam zona waktu program (WITA untuk Makassar).",
            "All times are in each program's time zone (WITA for Makassar).")}</p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let programs = programs.await.unwrap_or_default();
                let (_, _, program, kind, partner) = params();
                let mut partners: Vec<PartnerLink> = programs.iter().flat_map(|p| p.partners.clone()).collect();
                partners.sort_by(|a, b| a.partner_name.cmp(&b.partner_name));
                partners.dedup_by_key(|p| p.partner_id);
                view! {
                    <form method="get" action="/schedule" class="filters" aria-label=tr(lang, "Saring jadwal", "Filter the schedule")>
                        <div class="field">
                            <label for="filter-program">{tr(lang, "Program", "Program")}</label>
                            <select id="filter-program" name="program">
                                <option value="">{tr(lang, "Semua program", "All programs")}</option>
                                {programs.iter().map(|p| view! {
                                    <option value=p.slug.clone() selected=program.as_deref() == Some(p.slug.as_str())>{p.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-kind">{tr(lang, "Jenis", "Type")}</label>
                            <select id="filter-kind" name="kind">
                                <option value="">{tr(lang, "Semua jenis", "All types")}</option>
                                {ProgramKind::ALL.iter().map(|k| view! {
                                    <option value=k.as_str() selected=kind.as_deref() == Some(k.as_str())>{k.label(lang)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-partner">{tr(lang, "Mitra", "Partner")}</label>
                            <select id="filter-partner" name="partner">
                                <option value="">{tr(lang, "Semua mitra", "All partners")}</option>
                                {partners.iter().map(|p| view! {
                                    <option value=p.partner_id.to_string() selected=partner.as_deref() == Some(p.partner_id.to_string().as_str())>{p.partner_name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">{tr(lang, "Terapkan", "Apply")}</button>
                    </form>
                }
            })}
        </Suspense>
        <nav class="pager" aria-label=tr(lang, "Pilih rentang", "Choose the range")>
            <a href=prev_link rel="prev">{tr(lang, "← Sebelumnya", "← Previous")}</a>
            <h2 id="range-heading">{heading}</h2>
            <a href=next_link rel="next">{tr(lang, "Berikutnya →", "Next →")}</a>
        </nav>
        <p class="range-switch">
            <a href=move || filters_link("week", range().0.to_string())>{tr(lang, "Per minggu", "By week")}</a>
            " · "
            <a href=move || filters_link("month", range().0.format("%Y-%m").to_string())>{tr(lang, "Per bulan", "By month")}</a>
        </p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                sessions.await.map(|page| view! {
                    <div aria-labelledby="range-heading">
                        <SessionList sessions=page.items lang link_to=LinkTo::Public/>
                    </div>
                })
            })}
        </Suspense>
        <SubscribePanel path="/calendar/all.ics" name=tr(lang, "Siar: semua program", "Siar: all programs")/>
    }
}
