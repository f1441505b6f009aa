//! `/staff/reports/partners`: the cooperation report for a period, one printable page, with
//! its CSV.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{ApiError, get_partner_report};
use crate::components::period::{period_form, period_from_query};
use crate::components::server_link::ServerLink;
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};

/// `/staff/reports/partners?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: this year so far).
#[component]
pub fn PartnerReportPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let (from, to) = period_from_query();
    let report = Resource::new(
        move || (from, to),
        |(from, to)| get_partner_report(from, to),
    );
    let title = tr(
        lang,
        "Laporan kerja sama mitra",
        "Partner cooperation report",
    );
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        {period_form(lang, "/staff/reports/partners", (from, to))}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let report = report.await?;
                let csv = format!("/api/v1/reports/partners.csv?from={}&to={}", report.from, report.to);
                Ok::<_, ApiError>(view! {
                    <p class="no-print"><ServerLink href=csv download=true label=tr(lang, "Unduh CSV", "Download CSV")/></p>
                    {table_region(tr(lang, "Laporan kerja sama", "Cooperation report"), view! {
                        <table data-testid="partner-report">
                            <caption>{format!("{} – {}", report.from, report.to)}</caption>
                            <thead><tr>
                                <th scope="col">{tr(lang, "Mitra", "Partner")}</th>
                                <th scope="col">{tr(lang, "Sesi terlaksana", "Sessions held")}</th>
                                <th scope="col">{tr(lang, "Peran", "Roles")}</th>
                                <th scope="col">{tr(lang, "Jam relawan", "Volunteer hours")}</th>
                                <th scope="col">{tr(lang, "Perjanjian berlaku", "Agreements in force")}</th>
                            </tr></thead>
                            <tbody>
                                {report.lines.iter().map(|line| view! {
                                    <tr>
                                        <th scope="row">{line.name.clone()}</th>
                                        <td>{line.sessions_held}</td>
                                        <td>{line.roles.iter().map(|r| format!("{} × {}", r.role.label(lang), r.sessions)).collect::<Vec<_>>().join(", ")}</td>
                                        <td>{format!("{:.1}", f64::from(line.volunteer_minutes) / 60.0)}</td>
                                        <td>{line.agreements_active}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                })
            })}
        </Suspense>
    }
}
