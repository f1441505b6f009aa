//! `/staff/partners/{slug}`: one partner for staff: its profile (kind, address, contacts,
//! who is responsible on each side, what it brings and needs), its private link and its
//! agreements. A plain form: it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::dto::agreements::NamedRef;
use shared::dto::partners::{PartnerResponse, contacts_to_text};
use shared::words::{Contribution, PartnerKind};

use crate::api::{ApiError, get_partner_detail};
use crate::components::form::{FieldMessages, plain_input, plain_textarea, query_messages};
use crate::format::dated_when;
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::staff_agreements::{period, status_badge};

#[component]
fn ProfileForm(
    partner: PartnerResponse,
    staff: Vec<NamedRef>,
    errors: FieldMessages,
    csrf: String,
) -> impl IntoView {
    let lang = use_viewer().lang;
    let p = partner;
    view! {
        <form method="post" action=format!("/staff/partners/{}", p.slug) class="card stack" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{tr(lang, "Profil", "Profile")}</h2>
            <input type="hidden" name="csrf_token" value=csrf/>
            {plain_input(&errors, "partner", "name", tr(lang, "Nama", "Name"), p.name.clone(), "text", true)}
            <div class="field">
                <label for="partner-kind">{tr(lang, "Jenis", "Kind")}</label>
                <select id="partner-kind" name="kind">
                    {PartnerKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=*k == p.kind>{k.label(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            {plain_textarea(&errors, "partner", "address", tr(lang, "Alamat", "Address"), None, p.address.clone())}
            <fieldset>
                <legend>{tr(lang, "Kontak utama", "Primary contact")}</legend>
                {plain_input(&errors, "partner", "contact_name", tr(lang, "Nama", "Name"), p.contact_name.clone().unwrap_or_default(), "text", false)}
                {plain_input(&errors, "partner", "contact_email", tr(lang, "Email", "E-mail"), p.contact_email.clone().unwrap_or_default(), "email", false)}
                {plain_input(&errors, "partner", "contact_phone", tr(lang, "Telepon / WhatsApp", "Phone / WhatsApp"), p.contact_phone.clone().unwrap_or_default(), "tel", false)}
            </fieldset>
            {plain_textarea(&errors, "partner", "other_contacts", tr(lang, "Kontak lain", "Other contacts"),
                Some(tr(lang, "Satu per baris: nama; jabatan; email; telepon.", "One per line: name; position; e-mail; phone.")),
                contacts_to_text(&p.other_contacts))}
            {plain_input(&errors, "partner", "their_responsible", tr(lang, "Penanggung jawab di pihak mitra", "Responsible at the partner"), p.their_responsible.clone().unwrap_or_default(), "text", false)}
            <div class="field">
                <label for="partner-responsible_user_id">{tr(lang, "Penanggung jawab di perpustakaan", "Responsible at the library")}</label>
                <select id="partner-responsible_user_id" name="responsible_user_id">
                    <option value="">{tr(lang, "(belum ditentukan)", "(not set)")}</option>
                    {staff.iter().map(|u| view! {
                        <option value=u.id.to_string() selected=p.responsible_user_id == Some(u.id)>{u.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>{tr(lang, "Yang dibawa mitra", "What the partner brings")}</legend>
                {Contribution::ALL.iter().map(|c| view! {
                    <label class="checkbox"><input type="checkbox" name="offers" value=c.as_str() checked=p.offers.contains(c)/>" "{c.label(lang)}</label>
                }).collect_view()}
            </fieldset>
            {plain_textarea(&errors, "partner", "contributes", tr(lang, "Kontribusi (uraian)", "Contribution (in words)"), None, p.contributes.clone())}
            {plain_textarea(&errors, "partner", "needs", tr(lang, "Yang dibutuhkan mitra", "What the partner needs"), None, p.needs.clone())}
            {plain_textarea(&errors, "partner", "notes", tr(lang, "Catatan", "Notes"), None, p.notes.clone())}
            <button type="submit" class="button primary">{tr(lang, "Simpan profil", "Save the profile")}</button>
        </form>
    }
}

/// `/staff/partners/{slug}`.
#[component]
pub fn PartnerDetailPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let data = Resource::new(slug, get_partner_detail);
    let errors = query_messages(lang);
    let query = use_query_map().get_untracked();
    let saved = query.get("done").is_some();
    let reset = query.get("reset").is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let errors = errors.clone();
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let detail = data.await?;
                    let p = detail.partner.clone();
                    Ok::<_, ApiError>(view! {
                        <Title text=p.name.clone()/>
                        <p><a href="/staff/partners">{tr(lang, "← Semua mitra", "← All partners")}</a></p>
                        <h1>{p.name.clone()}</h1>
                        <p class="badge">{p.kind.label(lang)}</p>
                        {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Tersimpan.", "Saved.")}</p> })}
                        {(!errors.is_empty()).then(|| view! {
                            <p class="alert" role="alert">{tr(lang, "Periksa isian yang ditandai.", "Check the marked fields.")}</p>
                        })}
                        {detail.access_link.clone().map(|link| view! {
                            <section class="card" id="access" aria-labelledby="access-heading">
                                <h2 id="access-heading">{tr(lang, "Tautan pribadi mitra", "The partner's private link")}</h2>
                                <p>{tr(lang,
                                    "Kirim tautan ini ke kontak mitra: di sana mereka melihat sesi dan perjanjiannya, dan menjawab permintaan sesi. Siapa pun yang memegangnya dapat melihatnya; buat tautan baru bila tersebar.",
                                    "Send this link to the partner's contact: there they see their sessions and agreements and answer session requests. Anyone holding it can see them; make a new one if it got out.")}</p>
                                {reset.then(|| view! { <p class="notice" role="status">{tr(lang, "Tautan baru dibuat; tautan lama tidak berlaku lagi.", "A new link was made; the old one no longer works.")}</p> })}
                                <label for="access-url">{tr(lang, "Alamat", "Address")}</label>
                                <input id="access-url" type="text" readonly value=link.url.clone() data-testid="partner-access-url"/>
                                <p><a href=link.url.clone()>{tr(lang, "Buka halaman mitra", "Open the partner's page")}</a></p>
                                <form method="post" action=format!("/staff/partners/{}/access-link/reset", p.slug)>
                                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                    <button type="submit" class="button">{tr(lang, "Buat tautan baru", "Make a new link")}</button>
                                </form>
                            </section>
                        })}
                        <section class="card" id="sessions" aria-labelledby="sessions-heading">
                            <h2 id="sessions-heading">{tr(lang, "Sesi dan jawaban mitra", "Sessions and the partner's answers")}</h2>
                            {detail.sessions.is_empty().then(|| view! {
                                <p>{tr(lang, "Tidak ada sesi dalam sepekan terakhir dan bulan-bulan mendatang.", "No sessions in the last week or the coming months.")}</p>
                            })}
                            <ul data-testid="partner-sessions">
                                {detail.sessions.iter().map(|s| view! {
                                    <li>
                                        <a href=format!("/staff/sessions/{}", s.session_id)>{s.title.clone()}</a>
                                        {format!(" · {} · {}", dated_when(lang, s.start_local, s.end_local, &s.zone_label, s.library_clock.as_ref()), s.role.label(lang))}
                                        {s.cancelled.then(|| format!(" · {}", tr(lang, "Dibatalkan", "Cancelled")))}
                                        {s.answer.map(|a| view! { " · "<strong data-testid="answer">{a.label(lang)}</strong> })}
                                        {s.answer_note.clone().map(|note| view! { " "<q>{note}</q> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                        <section class="card" aria-labelledby="agreements-heading">
                            <h2 id="agreements-heading">{tr(lang, "Perjanjian", "Agreements")}</h2>
                            {detail.agreements.is_empty().then(|| view! {
                                <p>{tr(lang, "Belum ada perjanjian.", "No agreement yet.")}</p>
                            })}
                            <ul>
                                {detail.agreements.iter().map(|a| view! {
                                    <li><a href=format!("/staff/agreements/{}", a.id)>{a.title.clone()}</a>" "{status_badge(lang, a.status)}" "{a.form.label(lang)}" · "{period(lang, a)}</li>
                                }).collect_view()}
                            </ul>
                            <p><a href=format!("/staff/agreements?partner={}", p.id)>{tr(lang, "Catat perjanjian dengan mitra ini", "Record an agreement with this partner")}</a></p>
                        </section>
                        <ProfileForm partner=p staff=detail.staff.clone() errors=errors csrf=csrf/>
                    })
                })
            }}
        </Suspense>
    }
}
