//! Staff pages for volunteering: `/staff/volunteers` (everyone, hours of the last 30 days,
//! CSV export) and `/staff/mailbox` (the outbox: where mail goes without an SMTP server).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{ApiError, get_mailbox, get_open_sessions, get_volunteer_overview};
use crate::components::form::textarea_text;
use crate::components::server_link::ServerLink;
use crate::components::share::ShareToWhatsApp;
use crate::components::table_region::table_region;
use crate::format::{library_stamp, library_today};
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::volunteer::open_slots_text;

/// The coming week's open places as one message for the volunteers' WhatsApp group: shown
/// as it will be sent, and sent with one tap.
#[component]
fn WeekSlotsShare() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let today = library_today();
    let open = Resource::new(
        move || today,
        |today| get_open_sessions(None, Some(today), Some(today + chrono::Duration::days(7))),
    );
    view! {
        <section class="card" aria-labelledby="week-slots-heading">
            <h2 id="week-slots-heading">{tr(lang, "Ajak relawan minggu ini", "Ask for volunteers this week")}</h2>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    let text = open_slots_text(lang, &open.await.unwrap_or_default());
                    if text.is_empty() {
                        return view! { <p>{tr(lang, "Semua peran tujuh hari ke depan sudah terisi.", "Every role of the coming seven days is filled.")}</p> }.into_any();
                    }
                    view! {
                        <label for="week-slots-text">{tr(lang, "Pesan untuk grup relawan", "Message for the volunteers' group")}</label>
                        <textarea id="week-slots-text" readonly rows="6" data-testid="week-slots-text">{textarea_text(text.clone())}</textarea>
                        <ShareToWhatsApp text path="/volunteer/open".to_owned()/>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// `/staff/volunteers`.
#[component]
pub fn VolunteersPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let data = Resource::new(|| (), |_| get_volunteer_overview());
    let error = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("error");
    let csrf = viewer.csrf_token.clone();
    let invite_csrf = csrf.clone();
    view! {
        <Title text=tr(lang, "Relawan", "Volunteers")/>
        <h1>{tr(lang, "Relawan", "Volunteers")}</h1>
        {error.map(|e| view! { <p class="alert" role="alert">{tr(lang, "Periksa isian: ", "Check the fields: ")}{e}</p> })}
        <details class="card">
            <summary>{tr(lang, "Undang relawan", "Invite a volunteer")}</summary>
            <form method="post" action="/staff/volunteers/invite" class="stack">
                <input type="hidden" name="csrf_token" value=invite_csrf/>
                <label for="invite-name">{tr(lang, "Nama", "Name")}</label>
                <input id="invite-name" name="name" required/>
                <label for="invite-email">{tr(lang, "Email", "E-mail")}</label>
                <input id="invite-email" name="email" type="email" required/>
                <label for="invite-lang">{tr(lang, "Bahasa email", "Language of e-mails")}</label>
                <select id="invite-lang" name="lang">
                    <option value="id">"Bahasa Indonesia"</option>
                    <option value="en">"English"</option>
                </select>
                <button type="submit" class="button primary">{tr(lang, "Kirim undangan", "Send the invitation")}</button>
            </form>
        </details>
        <WeekSlotsShare/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
            let csrf = csrf.clone();
            Suspend::new(async move {
                let data = data.await?;
                let csv = format!("/api/v1/volunteering/hours.csv?from={}&to={}", data.from, data.to);
                Ok::<_, ApiError>(view! {
                    <section class="card" aria-labelledby="hours-heading">
                        <h2 id="hours-heading">{tr(lang, "Jam pengabdian", "Hours served")}" "{format!("{} – {}", data.from, data.to)}</h2>
                        {table_region(tr(lang, "Jam per relawan", "Hours per volunteer"), view! {<table>
                            <caption>{tr(lang, "Per relawan", "Per volunteer")}</caption>
                            <thead><tr><th scope="col">{tr(lang, "Nama", "Name")}</th><th scope="col">{tr(lang, "Sesi", "Sessions")}</th><th scope="col">{tr(lang, "Jam", "Hours")}</th></tr></thead>
                            <tbody>
                                {data.hours.by_volunteer.iter().map(|l| view! {
                                    <tr><td>{l.name.clone()}</td><td>{l.sessions}</td><td>{format!("{:.1}", f64::from(l.minutes) / 60.0)}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>})}
                        {table_region(tr(lang, "Jam per mitra", "Hours per partner"), view! {<table>
                            <caption>{tr(lang, "Per mitra", "Per partner")}</caption>
                            <thead><tr><th scope="col">{tr(lang, "Mitra", "Partner")}</th><th scope="col">{tr(lang, "Sesi", "Sessions")}</th><th scope="col">{tr(lang, "Jam", "Hours")}</th></tr></thead>
                            <tbody>
                                {data.hours.by_partner.iter().map(|l| view! {
                                    <tr>
                                        <td>{if l.name.is_empty() { tr(lang, "(tanpa mitra)", "(no partner)").to_owned() } else { l.name.clone() }}</td>
                                        <td>{l.sessions}</td><td>{format!("{:.1}", f64::from(l.minutes) / 60.0)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>})}
                        <p><ServerLink href=csv download=true label=tr(lang, "Unduh CSV", "Download CSV")/></p>
                    </section>
                    {table_region(tr(lang, "Semua relawan", "Every volunteer"), view! {<table>
                        <caption>{tr(lang, "Semua relawan", "Every volunteer")}</caption>
                        <thead><tr>
                            <th scope="col">{tr(lang, "Nama", "Name")}</th>
                            <th scope="col">{tr(lang, "Email", "E-mail")}</th>
                            <th scope="col">{tr(lang, "HP", "Phone")}</th>
                            <th scope="col">{tr(lang, "Keahlian", "Skills")}</th>
                            <th scope="col">{tr(lang, "Status", "Status")}</th>
                            <th scope="col">{tr(lang, "Tindakan", "Action")}</th>
                        </tr></thead>
                        <tbody>
                            {data.volunteers.iter().map(|v| view! {
                                <tr>
                                    <td>{v.name.clone()}</td>
                                    <td>{v.email.clone()}</td>
                                    <td>{v.phone.clone().unwrap_or_default()}</td>
                                    <td>{v.skills.iter().map(|s| s.label(lang)).collect::<Vec<_>>().join(", ")}</td>
                                    <td>{if v.active { tr(lang, "Aktif", "Active") } else { tr(lang, "Nonaktif", "Deactivated") }}</td>
                                    <td>
                                        <form method="post" action=format!("/staff/volunteers/{}/active", v.id) class="inline">
                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                            <input type="hidden" name="active" value=(!v.active).to_string()/>
                                            <button type="submit" class="button" aria-label=format!("{}: {}", if v.active { tr(lang, "Nonaktifkan", "Deactivate") } else { tr(lang, "Aktifkan", "Activate") }, v.name)>
                                                {if v.active { tr(lang, "Nonaktifkan", "Deactivate") } else { tr(lang, "Aktifkan", "Activate") }}
                                            </button>
                                        </form>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>})}
                })
            })}}
        </Suspense>
    }
}

/// A letter's text with its web addresses as links (the sign-in links in letters to
/// volunteers are followed from here when no mail server is set up).
fn with_links(body: &str) -> impl IntoView + use<> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let (text, from_link) = rest.split_at(start);
        let end = from_link
            .find(char::is_whitespace)
            .unwrap_or(from_link.len());
        let (url, after) = from_link.split_at(end);
        parts.push(
            view! { {text.to_owned()}<a href=url.to_owned() rel="external">{url.to_owned()}</a> }
                .into_any(),
        );
        rest = after;
    }
    parts.push(rest.to_owned().into_any());
    parts
}

/// `/staff/mailbox`.
#[component]
pub fn MailboxPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let mail = Resource::new(|| (), |_| get_mailbox());
    view! {
        <Title text=tr(lang, "Kotak surat", "Mailbox")/>
        <h1>{tr(lang, "Kotak surat", "Mailbox")}</h1>
        <p>{tr(
            lang,
            "Semua email yang ditulis Siar, terbaru di atas. Tanpa server SMTP, email berhenti di sini.",
            "Every e-mail Siar wrote, newest first. Without an SMTP server, mail stops here.",
        )}</p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let mail = mail.await?;
                Ok::<_, ApiError>(view! {
                    <ol class="mailbox">
                        {mail.into_iter().map(|m| {
                            let state = match (&m.sent_at, &m.last_error) {
                                (Some(_), _) => m.delivered_via.clone().unwrap_or_default(),
                                (None, Some(_)) => tr(lang, "gagal, dicoba lagi", "failed, will retry").to_owned(),
                                (None, None) => tr(lang, "menunggu", "waiting").to_owned(),
                            };
                            view! {
                                <li class="card" data-recipient=m.recipient.clone()>
                                    <details>
                                        <summary>
                                            <strong>{m.subject.clone()}</strong>" → "{m.recipient.clone()}
                                            " · "{library_stamp(lang, m.created_at)}" · "{state}
                                        </summary>
                                        <pre class="mail-body">{with_links(&m.body)}</pre>
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                })
            })}
        </Suspense>
    }
}
