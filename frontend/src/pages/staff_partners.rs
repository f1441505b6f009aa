//! `/staff/partners`: partner organisations and the form to add one; `/staff/blackouts`:
//! days off for one program or all.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::partners::PartnerInput;
use shared::dto::schedule::BlackoutInput;
use shared::recurrence::long_date;
use shared::words::PartnerKind;
use uuid::Uuid;

use crate::api::{
    create_blackout, create_partner, delete_blackout, list_blackouts, list_partners, list_programs,
};
use crate::components::client::ClientScripts;
use crate::components::form::{
    Field, FormStatus, call_or_posted, messages_of, optional, posted_saved, query_messages,
};
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};

/// `/staff/partners`: an island.
#[component]
pub fn PartnersPage() -> impl IntoView {
    view! { <ClientScripts/><Partners/> }
}

/// The partner list and form.
// A staff island: in the staff bundle only (see `components::client`).
#[cfg_attr(any(feature = "ssr", feature = "staff-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "staff-islands")), component)]
fn Partners() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let version = RwSignal::new(0u32);
    let partners = Resource::new(move || version.get(), |_| list_partners());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(PartnerKind::Library);
    let contact = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let contributes = RwSignal::new(String::new());
    let save = Action::new(move |input: &PartnerInput| {
        let input = input.clone();
        async move { create_partner(input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            version.update(|v| *v += 1);
        }
    });
    // A plain post (sent before the client loaded, or without it) comes back with its field
    // errors in the query, or `?saved=added`.
    let posted_added = posted_saved().as_deref() == Some("added");
    let errors = call_or_posted(save.value(), query_messages(lang));
    let csrf = use_viewer().csrf_token;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(PartnerInput {
            name: name.get(),
            kind: kind.get(),
            contact_name: optional(contact.get()),
            contact_email: optional(email.get()),
            contact_phone: optional(phone.get()),
            responsible_user_id: use_viewer().user.map(|u| u.id),
            contributes: contributes.get(),
            offers: vec![],
            needs: String::new(),
            address: String::new(),
            their_responsible: None,
            other_contacts: vec![],
            notes: String::new(),
        });
    };
    let title = tr(lang, "Mitra", "Partners");
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                partners.await.map(|list| view! {
                    {table_region(tr(lang, "Mitra", "Partners"), view! {
                        <table>
                            <thead><tr>
                                <th scope="col">{tr(lang, "Nama", "Name")}</th>
                                <th scope="col">{tr(lang, "Jenis", "Kind")}</th>
                                <th scope="col">{tr(lang, "Kontak", "Contact")}</th>
                                <th scope="col">{tr(lang, "Penanggung jawab", "Responsible")}</th>
                                <th scope="col">{tr(lang, "Kontribusi", "Contributes")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|p| view! {
                                    <tr>
                                        <td><a href=format!("/staff/partners/{}", p.slug)>{p.name}</a></td>
                                        <td>{p.kind.label(lang)}</td>
                                        <td>{[p.contact_name, p.contact_email, p.contact_phone].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</td>
                                        <td>{p.responsible_user_name}</td>
                                        <td>{p.contributes}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                })
            })}
        </Suspense>
        <form class="card stack" method="post" action="/staff/partners" on:submit=submit novalidate aria-labelledby="partner-heading">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h2 id="partner-heading">{tr(lang, "Mitra baru", "New partner")}</h2>
            <FormStatus result=save.value().into() saved=tr(lang, "Mitra ditambahkan.", "Partner added.")/>
            {move || (posted_added && save.value().get().is_none()).then(|| view! {
                <p class="notice" role="status">{tr(lang, "Mitra ditambahkan.", "Partner added.")}</p>
            })}
            <Field id="partner-name" name="name" label=tr(lang, "Nama lembaga", "Organisation") value=name errors required=true/>
            <div class="field">
                <label for="partner-kind">{tr(lang, "Jenis", "Kind")}</label>
                <select id="partner-kind" name="kind" on:change=move |ev| if let Some(k) = PartnerKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                    {PartnerKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label(lang)}</option> }).collect_view()}
                </select>
            </div>
            <Field id="partner-contact" name="contact_name" label=tr(lang, "Narahubung", "Contact person") value=contact errors/>
            <Field id="partner-email" name="contact_email" kind="email" label=tr(lang, "Email", "E-mail") value=email errors/>
            <Field id="partner-phone" name="contact_phone" kind="tel" label=tr(lang, "Telepon", "Phone") value=phone errors/>
            <Field id="partner-contributes" name="contributes" label=tr(lang, "Yang dibawa ke kerja sama", "What they bring") value=contributes errors/>
            <button type="submit" class="button primary">{tr(lang, "Tambah mitra", "Add partner")}</button>
        </form>
    }
}

/// Days off.
#[component]
pub fn BlackoutsPage() -> impl IntoView {
    view! { <ClientScripts/><Blackouts/> }
}

/// The days off and the form to add one.
// A staff island: in the staff bundle only (see `components::client`).
#[cfg_attr(any(feature = "ssr", feature = "staff-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "staff-islands")), component)]
fn Blackouts() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let version = RwSignal::new(0u32);
    let blackouts = Resource::new(move || version.get(), |_| list_blackouts());
    let programs = Resource::new(|| (), |_| list_programs());
    let day = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let program = RwSignal::new(None::<Uuid>);
    let save = Action::new(move |input: &BlackoutInput| {
        let input = input.clone();
        async move { create_blackout(input).await }
    });
    let remove = Action::new(move |id: &Uuid| {
        let id = *id;
        async move { delete_blackout(id).await }
    });
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) || matches!(remove.value().get(), Some(Ok(_)))
        {
            version.update(|v| *v += 1);
        }
    });
    // A plain post (sent before the client loaded, or without it) comes back with its field
    // errors in the query, or `?saved=added|removed`.
    let posted_errors = query_messages(lang);
    let posted_notice = match posted_saved().as_deref() {
        Some("added") => Some(tr(lang, "Hari libur ditambahkan.", "Day off added.")),
        Some("removed") => Some(tr(lang, "Hari libur dihapus.", "Day off removed.")),
        _ => None,
    };
    let csrf = use_viewer().csrf_token;
    let errors = Signal::derive(move || {
        let Some(result) = save.value().get() else {
            return posted_errors.clone();
        };
        let mut all = messages_of(Some(&result));
        if chrono::NaiveDate::parse_from_str(&day.get(), "%Y-%m-%d").is_err() {
            all.entry("day".into()).or_default();
        }
        all
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(date) = chrono::NaiveDate::parse_from_str(&day.get(), "%Y-%m-%d") else {
            return;
        };
        save.dispatch(BlackoutInput {
            program_id: program.get(),
            day: date,
            reason: reason.get(),
        });
    };
    let title = tr(lang, "Hari libur", "Days off");
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p class="muted">{tr(lang,
            "Sesi seri pada hari libur dibatalkan otomatis dan kembali bila hari libur dihapus.",
            "Series sessions on a day off are cancelled, and come back when the day off is removed.")}</p>
        {posted_notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
            let csrf = csrf.clone();
            Suspend::new(async move {
                let programs = programs.await.unwrap_or_default();
                blackouts.await.map(|list| view! {
                    <ul class="blackouts">
                        {list.into_iter().map(|b| {
                            let program_name = b.program_id
                                .and_then(|id| programs.iter().find(|p| p.id == id).map(|p| p.name.clone()))
                                .unwrap_or_else(|| tr(lang, "Semua program", "All programs").to_owned());
                            let id = b.id;
                            let label = format!("{} · {} · {} ({} {})", long_date(lang, b.day), b.reason, program_name, b.skipped_sessions, tr(lang, "sesi", "sessions"));
                            view! {
                                <li>
                                    {label.clone()}
                                    <form method="post" action=format!("/staff/blackouts/{id}/delete") class="inline"
                                        on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); remove.dispatch(id); }>
                                        <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                        <button type="submit" class="link-button" aria-label=format!("{}: {label}", tr(lang, "Hapus", "Remove"))>
                                            {tr(lang, "Hapus", "Remove")}
                                        </button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <form class="card stack" method="post" action="/staff/blackouts" on:submit=submit novalidate aria-labelledby="blackout-heading">
                        <input type="hidden" name="csrf_token" value=csrf.clone()/>
                        <h2 id="blackout-heading">{tr(lang, "Tambah hari libur", "Add a day off")}</h2>
                        <FormStatus result=save.value().into() saved=tr(lang, "Hari libur ditambahkan.", "Day off added.")/>
                        <Field id="blackout-day" name="day" kind="date" label=tr(lang, "Tanggal", "Date") value=day errors required=true/>
                        <Field id="blackout-reason" name="reason" label=tr(lang, "Alasan", "Reason") value=reason errors required=true/>
                        <div class="field">
                            <label for="blackout-program">{tr(lang, "Program", "Program")}</label>
                            <select id="blackout-program" name="program_id" on:change=move |ev| program.set(event_target_value(&ev).parse().ok())>
                                <option value="">{tr(lang, "Semua program", "All programs")}</option>
                                {programs.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button primary">{tr(lang, "Tambah", "Add")}</button>
                    </form>
                })
            })
            }}
        </Suspense>
    }
}
