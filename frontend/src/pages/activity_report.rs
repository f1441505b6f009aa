//! `/staff/reports/activity`: a period of the library's outreach in numbers — sessions per
//! program, audience per month and per episode, volunteer hours, partner contributions and
//! contest entries — each as a server-drawn chart with its numbers in a table beside it, one
//! printable page, with its CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::Lang;
use shared::dto::reports::ActivityReport;

use crate::api::{ApiError, get_activity_report};
use crate::components::bar_chart::{BarRow, Series, bar_chart};
use crate::components::period::{period_form, period_from_query};
use crate::components::server_link::ServerLink;
use crate::components::table_region::table_region;
use crate::format::{count, hours, month_name};
use crate::i18n::{strings, tr, use_viewer};

/// `/staff/reports/activity?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: this year so far).
#[component]
pub fn ActivityReportPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let (from, to) = period_from_query();
    let report = Resource::new(
        move || (from, to),
        |(from, to)| get_activity_report(from, to),
    );
    let title = tr(lang, "Laporan kegiatan", "Activity report");
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        {period_form(lang, "/staff/reports/activity", (from, to))}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let report = report.await?;
                Ok::<_, ApiError>(report_view(lang, &report))
            })}
        </Suspense>
    }
}

fn report_view(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let csv = format!(
        "/api/v1/reports/activity.csv?from={}&to={}",
        report.from, report.to
    );
    view! {
        <p class="report-period">{format!("{} – {}", report.from, report.to)}</p>
        <p class="no-print"><ServerLink href=csv download=true label=tr(lang, "Unduh CSV", "Download CSV")/></p>
        {totals(lang, report)}
        {sessions_part(lang, report)}
        {months_part(lang, report)}
        {episodes_part(lang, report)}
        {volunteers_part(lang, report)}
        {partners_part(lang, report)}
        {contest_part(lang, report)}
    }
}

/// The year at a glance.
fn totals(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let held: u32 = report.programs.iter().map(|p| p.held).sum();
    let cancelled: u32 = report.programs.iter().map(|p| p.cancelled).sum();
    let viewers: u64 = report.months.iter().map(|m| m.viewers).sum();
    let in_person: u64 = report.months.iter().map(|m| m.in_person).sum();
    let entries: u32 = report.contest_entries.iter().map(|c| c.entries).sum();
    let figures = [
        (
            tr(lang, "Sesi terlaksana", "Sessions held"),
            count(lang, u64::from(held)),
        ),
        (
            tr(lang, "Sesi dibatalkan", "Sessions cancelled"),
            count(lang, u64::from(cancelled)),
        ),
        (tr(lang, "Penonton", "Viewers"), count(lang, viewers)),
        (
            tr(lang, "Hadir langsung", "In person"),
            count(lang, in_person),
        ),
        (
            tr(lang, "Jam relawan", "Volunteer hours"),
            hours(lang, report.volunteers.minutes),
        ),
        (
            tr(lang, "Peserta lomba", "Contest entries"),
            count(lang, u64::from(entries)),
        ),
    ];
    view! {
        <dl class="report-totals" data-testid="report-totals">
            {figures.into_iter().map(|(name, value)| view! {
                <div><dt>{name}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}

/// A titled part of the report: its chart beside its table, or a line saying it is empty.
fn part(
    id: &'static str,
    heading: &'static str,
    lang: Lang,
    content: Option<(AnyView, AnyView)>,
) -> impl IntoView + use<> {
    let heading_id = format!("{id}-heading");
    let body = match content {
        Some((chart, table)) => view! {
            <div class="report-pair">{chart}{table}</div>
        }
        .into_any(),
        None => view! {
            <p>{tr(lang, "Tidak ada data pada periode ini.", "Nothing in this period.")}</p>
        }
        .into_any(),
    };
    view! {
        <section class="card report-part" id=id aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{heading}</h2>
            {body}
        </section>
    }
}

fn sessions_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(lang, "Sesi per program", "Sessions per program");
    let content = (!report.programs.is_empty()).then(|| {
        let rows = report
            .programs
            .iter()
            .map(|p| BarRow {
                label: p.name.clone(),
                values: vec![u64::from(p.held), u64::from(p.cancelled)],
            })
            .collect();
        let series = vec![
            Series {
                name: tr(lang, "Terlaksana", "Held").into(),
                class: "chart-a",
            },
            Series {
                name: tr(lang, "Dibatalkan", "Cancelled").into(),
                class: "chart-b",
            },
        ];
        let chart = bar_chart(heading.into(), series, rows, move |n| count(lang, n)).into_any();
        let table = table_region(
            heading,
            view! {
                <table data-testid="report-programs">
                    <thead><tr>
                        <th scope="col">{tr(lang, "Program", "Program")}</th>
                        <th scope="col">{tr(lang, "Terlaksana", "Held")}</th>
                        <th scope="col">{tr(lang, "Dibatalkan", "Cancelled")}</th>
                        <th scope="col">{tr(lang, "Akan datang", "Planned")}</th>
                    </tr></thead>
                    <tbody>
                        {report.programs.iter().map(|p| view! {
                            <tr>
                                <th scope="row">{p.name.clone()}</th>
                                <td>{count(lang, u64::from(p.held))}</td>
                                <td>{count(lang, u64::from(p.cancelled))}</td>
                                <td>{count(lang, u64::from(p.planned))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            },
        )
        .into_any();
        (chart, table)
    });
    part("report-sessions", heading, lang, content)
}

fn months_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(lang, "Penonton per bulan", "Audience per month");
    let any = report.months.iter().any(|m| m.episodes > 0);
    let content = any.then(|| {
        let rows = report
            .months
            .iter()
            .map(|m| BarRow {
                label: month_name(lang, m.month),
                values: vec![m.viewers],
            })
            .collect();
        let series = vec![Series {
            name: tr(lang, "Penonton", "Viewers").into(),
            class: "chart-a",
        }];
        let chart = bar_chart(
            tr(lang, "Penonton per bulan", "Viewers per month").into(),
            series,
            rows,
            move |n| count(lang, n),
        )
        .into_any();
        let table = table_region(
            heading,
            view! {
                <table data-testid="report-months">
                    <thead><tr>
                        <th scope="col">{tr(lang, "Bulan", "Month")}</th>
                        <th scope="col">{tr(lang, "Episode", "Episodes")}</th>
                        <th scope="col">{tr(lang, "Penonton", "Viewers")}</th>
                        <th scope="col">{tr(lang, "Puncak siaran", "Live peak")}</th>
                        <th scope="col">{tr(lang, "Komentar", "Comments")}</th>
                        <th scope="col">{tr(lang, "Hadir langsung", "In person")}</th>
                    </tr></thead>
                    <tbody>
                        {report.months.iter().map(|m| view! {
                            <tr>
                                <th scope="row">{month_name(lang, m.month)}</th>
                                <td>{count(lang, u64::from(m.episodes))}</td>
                                <td>{count(lang, m.viewers)}</td>
                                <td>{count(lang, u64::from(m.live_peak))}</td>
                                <td>{count(lang, m.comments)}</td>
                                <td>{count(lang, m.in_person)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            },
        )
        .into_any();
        (chart, table)
    });
    part("report-months", heading, lang, content)
}

fn episodes_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(lang, "Penonton per episode", "Audience per episode");
    let content = (!report.episodes.is_empty()).then(|| {
        let rows = report
            .episodes
            .iter()
            .map(|e| BarRow {
                label: format!("{} · {}", e.day, e.title),
                values: vec![u64::from(e.audience.viewers.unwrap_or(0))],
            })
            .collect();
        let series = vec![Series { name: tr(lang, "Penonton", "Viewers").into(), class: "chart-a" }];
        let chart = bar_chart(
            tr(lang, "Penonton per episode", "Viewers per episode").into(),
            series,
            rows,
            move |n| count(lang, n),
        )
        .into_any();
        let number = move |n: Option<u32>| n.map(|n| count(lang, u64::from(n))).unwrap_or_else(|| "–".into());
        let table = table_region(heading, view! {
            <table data-testid="report-episodes">
                <thead><tr>
                    <th scope="col">{tr(lang, "Episode", "Episode")}</th>
                    <th scope="col">{tr(lang, "Penonton", "Viewers")}</th>
                    <th scope="col">{tr(lang, "Puncak siaran", "Live peak")}</th>
                    <th scope="col">{tr(lang, "Komentar", "Comments")}</th>
                    <th scope="col">{tr(lang, "Hadir langsung", "In person")}</th>
                </tr></thead>
                <tbody>
                    {report.episodes.iter().map(|e| view! {
                        <tr>
                            <th scope="row">
                                <a href=format!("/staff/sessions/{}", e.session_id)>{e.title.clone()}</a>
                                <br/><span class="muted">{e.day.to_string()}</span>
                            </th>
                            <td>{number(e.audience.viewers)}</td>
                            <td>{number(e.audience.live_peak)}</td>
                            <td>{number(e.audience.comments)}</td>
                            <td>{number(e.audience.in_person)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
        .into_any();
        (chart, table)
    });
    part("report-episodes", heading, lang, content)
}

fn volunteers_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(lang, "Jam relawan", "Volunteer hours");
    let volunteers = &report.volunteers;
    let name_of = move |name: &str| {
        if name.is_empty() {
            tr(lang, "Relawan tanpa mitra", "Volunteers without a partner").to_owned()
        } else {
            name.to_owned()
        }
    };
    let content = (!volunteers.by_partner.is_empty()).then(|| {
        let rows = volunteers
            .by_partner
            .iter()
            .map(|line| BarRow {
                label: name_of(&line.name),
                values: vec![u64::from(line.minutes)],
            })
            .collect();
        let series = vec![Series {
            name: tr(lang, "Jam", "Hours").into(),
            class: "chart-a",
        }];
        let chart = bar_chart(
            tr(lang, "Jam relawan per mitra", "Volunteer hours per partner").into(),
            series,
            rows,
            move |minutes| hours(lang, minutes),
        )
        .into_any();
        let table = view! {
            <div>
                <p data-testid="report-volunteers">
                    {format!(
                        "{} {} · {} {} · {} {}",
                        count(lang, u64::from(volunteers.people)),
                        tr(lang, "relawan", "volunteers"),
                        count(lang, u64::from(volunteers.shifts)),
                        tr(lang, "tugas dihadiri", "shifts attended"),
                        hours(lang, volunteers.minutes),
                        tr(lang, "jam", "hours"),
                    )}
                </p>
                {table_region(heading, view! {
                    <table>
                        <thead><tr>
                            <th scope="col">{tr(lang, "Mitra", "Partner")}</th>
                            <th scope="col">{tr(lang, "Tugas", "Shifts")}</th>
                            <th scope="col">{tr(lang, "Jam", "Hours")}</th>
                        </tr></thead>
                        <tbody>
                            {volunteers.by_partner.iter().map(|line| view! {
                                <tr>
                                    <th scope="row">{name_of(&line.name)}</th>
                                    <td>{count(lang, u64::from(line.sessions))}</td>
                                    <td>{hours(lang, u64::from(line.minutes))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </div>
        }
        .into_any();
        (chart, table)
    });
    part("report-volunteers", heading, lang, content)
}

fn partners_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(lang, "Kontribusi mitra", "Partner contributions");
    let content = (!report.partners.is_empty()).then(|| {
        let rows = report
            .partners
            .iter()
            .map(|line| BarRow {
                label: line.name.clone(),
                values: vec![u64::from(line.sessions_held)],
            })
            .collect();
        let series = vec![Series { name: tr(lang, "Sesi", "Sessions").into(), class: "chart-a" }];
        let chart = bar_chart(
            tr(lang, "Sesi terlaksana bersama mitra", "Sessions held with each partner").into(),
            series,
            rows,
            move |n| count(lang, n),
        )
        .into_any();
        let table = table_region(heading, view! {
            <table data-testid="report-partners">
                <thead><tr>
                    <th scope="col">{tr(lang, "Mitra", "Partner")}</th>
                    <th scope="col">{tr(lang, "Sesi terlaksana", "Sessions held")}</th>
                    <th scope="col">{tr(lang, "Peran", "Roles")}</th>
                    <th scope="col">{tr(lang, "Jam relawan", "Volunteer hours")}</th>
                </tr></thead>
                <tbody>
                    {report.partners.iter().map(|line| view! {
                        <tr>
                            <th scope="row">{line.name.clone()}</th>
                            <td>{count(lang, u64::from(line.sessions_held))}</td>
                            <td>{line.roles.iter().map(|r| format!("{} × {}", r.role.label(lang), r.sessions)).collect::<Vec<_>>().join(", ")}</td>
                            <td>{hours(lang, u64::from(line.volunteer_minutes))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
        .into_any();
        (chart, table)
    });
    part("report-partners", heading, lang, content)
}

fn contest_part(lang: Lang, report: &ActivityReport) -> impl IntoView + use<> {
    let heading = tr(
        lang,
        "Peserta lomba per kategori",
        "Contest entries per category",
    );
    let content = (!report.contest_entries.is_empty()).then(|| {
        let rows = report
            .contest_entries
            .iter()
            .map(|line| BarRow {
                label: format!("{} · {}", line.contest, line.category),
                values: vec![u64::from(line.entries), u64::from(line.eligible)],
            })
            .collect();
        let series = vec![
            Series {
                name: tr(lang, "Peserta", "Entries").into(),
                class: "chart-a",
            },
            Series {
                name: tr(lang, "Memenuhi syarat", "Eligible").into(),
                class: "chart-b",
            },
        ];
        let chart = bar_chart(heading.into(), series, rows, move |n| count(lang, n)).into_any();
        let table = table_region(heading, view! {
            <table data-testid="report-contest">
                <thead><tr>
                    <th scope="col">{tr(lang, "Kategori", "Category")}</th>
                    <th scope="col">{tr(lang, "Peserta", "Entries")}</th>
                    <th scope="col">{tr(lang, "Video diterima", "Videos received")}</th>
                    <th scope="col">{tr(lang, "Memenuhi syarat", "Eligible")}</th>
                </tr></thead>
                <tbody>
                    {report.contest_entries.iter().map(|line| view! {
                        <tr>
                            <th scope="row">{format!("{} · {}", line.contest, line.category)}</th>
                            <td>{count(lang, u64::from(line.entries))}</td>
                            <td>{count(lang, u64::from(line.videos_received))}</td>
                            <td>{count(lang, u64::from(line.eligible))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })
        .into_any();
        (chart, table)
    });
    part("report-contest", heading, lang, content)
}
