//! `/staff/agreements`: cooperation agreements and the form to record one;
//! `/staff/agreements/{id}`: one agreement, its form and its documents. Plain forms: they
//! work without JavaScript, and field errors come back in the address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Lang;
use shared::dto::agreements::{
    ACCEPTED_DOCUMENTS, AgreementChoices, AgreementResponse, MAX_DOCUMENT_BYTES, costs_to_text,
};
use shared::words::{AgreementForm, AgreementState, AgreementStatus};
use uuid::Uuid;

use crate::api::{ApiError, get_agreement_editor, get_agreements};
use crate::components::form::{
    FieldMessages, plain_error, plain_input, plain_textarea, query_messages,
};
use crate::components::server_link::ServerLink;
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};

/// The status as a badge.
pub fn status_badge(lang: Lang, status: AgreementStatus) -> impl IntoView {
    let class = match status {
        AgreementStatus::Active => "badge ok",
        AgreementStatus::Expired | AgreementStatus::Ended => "badge muted",
        _ => "badge",
    };
    view! { <span class=class>{status.label(lang)}</span> }
}

/// "2027-01-01 – 2027-12-31" or "from 2027-01-01".
pub fn period(lang: Lang, agreement: &AgreementResponse) -> String {
    match agreement.ends_on {
        Some(end) => format!("{} – {end}", agreement.starts_on),
        None => format!("{} {}", tr(lang, "sejak", "from"), agreement.starts_on),
    }
}

/// The agreement's fields (a new one when `agreement` is none).
#[component]
fn AgreementFields(
    agreement: Option<AgreementResponse>,
    choices: AgreementChoices,
    errors: FieldMessages,
    /// The partner to tick on a new agreement.
    preset_partner: Option<Uuid>,
) -> impl IntoView {
    let lang = use_viewer().lang;
    let a = agreement.as_ref();
    let text = |f: fn(&AgreementResponse) -> String| a.map(f).unwrap_or_default();
    let form = a.map_or(AgreementForm::WrittenMou, |a| a.form);
    let state = a.map_or(AgreementState::InForce, |a| a.state);
    let partner_ticked = |id: Uuid| {
        a.map_or(preset_partner == Some(id), |a| {
            a.partners.iter().any(|p| p.id == id)
        })
    };
    let program_ticked = |id: Uuid| a.is_some_and(|a| a.programs.iter().any(|p| p.id == id));
    let responsible = a.and_then(|a| a.library_responsible_id);
    let partners_error = plain_error(&errors, "partner_ids", "agreement-partners");
    let programs_error = plain_error(&errors, "program_ids", "agreement-programs");
    view! {
        {plain_input(&errors, "agreement", "title", tr(lang, "Judul", "Title"), text(|a| a.title.clone()), "text", true)}
        <div class="field">
            <label for="agreement-form">{tr(lang, "Bentuk", "Form")}</label>
            <select id="agreement-form" name="form">
                {AgreementForm::ALL.iter().map(|f| view! {
                    <option value=f.as_str() selected=*f == form>{f.label(lang)}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="agreement-state">{tr(lang, "Keadaan", "State")}</label>
            <select id="agreement-state" name="state">
                {AgreementState::ALL.iter().map(|s| view! {
                    <option value=s.as_str() selected=*s == state>{s.label(lang)}</option>
                }).collect_view()}
            </select>
        </div>
        <fieldset id="agreement-partners" aria-invalid=partners_error.invalid aria-describedby=partners_error.described_by>
            <legend>{tr(lang, "Mitra yang terikat", "Partners bound by it")}</legend>
            {choices.partners.iter().map(|p| view! {
                <label class="checkbox"><input type="checkbox" name="partner_ids" value=p.id.to_string() checked=partner_ticked(p.id)/>" "{p.name.clone()}</label>
            }).collect_view()}
            {partners_error.line}
        </fieldset>
        <fieldset id="agreement-programs" aria-invalid=programs_error.invalid aria-describedby=programs_error.described_by>
            <legend>{tr(lang, "Program yang dicakup", "Programs covered")}</legend>
            {choices.programs.iter().map(|p| view! {
                <label class="checkbox"><input type="checkbox" name="program_ids" value=p.id.to_string() checked=program_ticked(p.id)/>" "{p.name.clone()}</label>
            }).collect_view()}
            {programs_error.line}
        </fieldset>
        {plain_input(&errors, "agreement", "starts_on", tr(lang, "Berlaku mulai", "In force from"), text(|a| a.starts_on.to_string()), "date", true)}
        {plain_input(&errors, "agreement", "ends_on", tr(lang, "Berlaku sampai (kosong: tanpa batas)", "In force until (empty: open-ended)"), text(|a| a.ends_on.map(|d| d.to_string()).unwrap_or_default()), "date", false)}
        {plain_input(&errors, "agreement", "agreed_by", tr(lang, "Disepakati oleh (wajib untuk kesepakatan lisan)", "Agreed by (required for an oral agreement)"), text(|a| a.agreed_by.clone().unwrap_or_default()), "text", false)}
        {plain_input(&errors, "agreement", "agreed_on", tr(lang, "Tanggal disepakati", "Agreed on"), text(|a| a.agreed_on.map(|d| d.to_string()).unwrap_or_default()), "date", false)}
        {plain_textarea(&errors, "agreement", "scope", tr(lang, "Ruang lingkup / ringkasan kesepakatan", "Scope / summary of what was agreed"),
            Some(tr(lang, "Untuk kesepakatan lisan: tulis ringkasan apa yang disepakati.", "For an oral agreement: write down what was agreed.")), text(|a| a.scope.clone()))}
        {plain_textarea(&errors, "agreement", "shared_rules", tr(lang, "Aturan dan mekanisme bersama", "Shared rules and mechanisms"),
            Some(tr(lang, "Siapa melakukan apa, bagaimana berkoordinasi.", "Who does what, how both sides coordinate.")), text(|a| a.shared_rules.clone()))}
        {plain_textarea(&errors, "agreement", "costs", tr(lang, "Pembagian biaya", "Cost sharing"),
            Some(tr(lang, "Satu baris per biaya: pembayar; keperluan; jumlah dalam rupiah (boleh kosong).", "One line per cost: who pays; what for; amount in rupiah (optional).")),
            a.map(|a| costs_to_text(&a.costs)).unwrap_or_default())}
        <div class="field">
            <label for="agreement-responsible">{tr(lang, "Penanggung jawab di perpustakaan", "Responsible at the library")}</label>
            <select id="agreement-responsible" name="library_responsible_id">
                <option value="">{tr(lang, "(belum ditentukan)", "(not set)")}</option>
                {choices.staff.iter().map(|u| view! {
                    <option value=u.id.to_string() selected=responsible == Some(u.id)>{u.name.clone()}</option>
                }).collect_view()}
            </select>
        </div>
        {plain_input(&errors, "agreement", "partner_responsible", tr(lang, "Penanggung jawab di pihak mitra", "Responsible at the partner"), text(|a| a.partner_responsible.clone().unwrap_or_default()), "text", false)}
    }
}

/// `/staff/agreements`.
#[component]
pub fn AgreementsPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let data = Resource::new(|| (), |_| get_agreements());
    let errors = query_messages(lang);
    let preset_partner = use_query_map()
        .get_untracked()
        .get("partner")
        .and_then(|p| p.parse::<Uuid>().ok());
    let open_form = !errors.is_empty() || preset_partner.is_some();
    let csrf = viewer.csrf_token.clone();
    let title = tr(lang, "Perjanjian kerja sama", "Cooperation agreements");
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let errors = errors.clone();
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let data = data.await?;
                    Ok::<_, ApiError>(view! {
                        {table_region(tr(lang, "Perjanjian", "Agreements"), view! {
                            <table>
                                <thead><tr>
                                    <th scope="col">{tr(lang, "Judul", "Title")}</th>
                                    <th scope="col">{tr(lang, "Mitra", "Partners")}</th>
                                    <th scope="col">{tr(lang, "Bentuk", "Form")}</th>
                                    <th scope="col">{tr(lang, "Masa berlaku", "In force")}</th>
                                    <th scope="col">{tr(lang, "Status", "Status")}</th>
                                </tr></thead>
                                <tbody>
                                    {data.agreements.iter().map(|a| view! {
                                        <tr>
                                            <td><a href=format!("/staff/agreements/{}", a.id)>{a.title.clone()}</a></td>
                                            <td>{a.partners.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                                            <td>{a.form.label(lang)}</td>
                                            <td>{period(lang, a)}</td>
                                            <td>{status_badge(lang, a.status)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        <details class="card" open=open_form>
                            <summary>{tr(lang, "Catat perjanjian baru", "Record a new agreement")}</summary>
                            {(!errors.is_empty()).then(|| view! {
                                <p class="alert" role="alert">{tr(lang, "Periksa isian yang ditandai.", "Check the marked fields.")}</p>
                            })}
                            <form method="post" action="/staff/agreements" class="stack" data-testid="new-agreement">
                                <input type="hidden" name="csrf_token" value=csrf/>
                                <AgreementFields agreement=None choices=data.choices errors=errors preset_partner=preset_partner/>
                                <button type="submit" class="button primary">{tr(lang, "Simpan perjanjian", "Save the agreement")}</button>
                            </form>
                        </details>
                    })
                })
            }}
        </Suspense>
    }
}

/// `/staff/agreements/{id}`.
#[component]
pub fn AgreementPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let id = crate::pages::id_param();
    let data = Resource::new(id, get_agreement_editor);
    let errors = query_messages(lang);
    let query = use_query_map().get_untracked();
    let saved = query.get("done").is_some() || query.get("attached").is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let errors = errors.clone();
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let editor = data.await?;
                    let a = editor.agreement.clone();
                    let file_error = plain_error(&errors, "file", "document-file");
                    let form_errors: FieldMessages = errors.iter().filter(|(k, _)| *k != "file").map(|(k, v)| (k.clone(), v.clone())).collect();
                    let upload_action = format!("/staff/agreements/{}/documents?csrf_token={}", a.id, csrf);
                    Ok::<_, ApiError>(view! {
                        <Title text=a.title.clone()/>
                        <p><a href="/staff/agreements">{tr(lang, "← Semua perjanjian", "← All agreements")}</a></p>
                        <h1>{a.title.clone()}</h1>
                        <p>{status_badge(lang, a.status)}" "{a.form.label(lang)}" · "{period(lang, &a)}" · "
                            {a.partners.iter().map(|p| view! {
                                <a href=format!("/staff/partners/{}", p.slug)>{p.name.clone()}</a>" "
                            }).collect_view()}
                        </p>
                        {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Tersimpan.", "Saved.")}</p> })}
                        {(!form_errors.is_empty()).then(|| view! {
                            <p class="alert" role="alert">{tr(lang, "Periksa isian yang ditandai.", "Check the marked fields.")}</p>
                        })}
                        <section class="card" id="documents" aria-labelledby="documents-heading">
                            <h2 id="documents-heading">{tr(lang, "Dokumen", "Documents")}</h2>
                            <ul data-testid="documents">
                                {a.documents.iter().map(|d| view! {
                                    <li>
                                        <ServerLink href=format!("/api/v1/agreements/{}/documents/{}", a.id, d.id) download=true label=d.file_name.clone()/>
                                        {format!(" ({} KiB)", (d.size_bytes + 1023) / 1024)}
                                        <form method="post" action=format!("/staff/agreements/{}/documents/{}/delete", a.id, d.id) class="inline">
                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                            <button type="submit" class="button small">{tr(lang, "Hapus", "Remove")}<span class="visually-hidden">" "{d.file_name.clone()}</span></button>
                                        </form>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <form method="post" action=upload_action enctype="multipart/form-data" class="stack">
                                <label for="document-file">{tr(lang, "Lampirkan dokumen", "Attach a document")}</label>
                                <p class="hint" id="document-file-hint">{format!("{ACCEPTED_DOCUMENTS} · {} {} MiB", tr(lang, "maks.", "max."), MAX_DOCUMENT_BYTES / (1024 * 1024))}</p>
                                <input id="document-file" type="file" name="file" accept="application/pdf,image/jpeg,image/png" required
                                    aria-invalid=file_error.invalid aria-describedby=file_error.described_by.map_or_else(|| "document-file-hint".to_owned(), |e| format!("document-file-hint {e}"))/>
                                {file_error.line}
                                <button type="submit" class="button">{tr(lang, "Unggah", "Upload")}</button>
                            </form>
                        </section>
                        <form method="post" action=format!("/staff/agreements/{}", a.id) class="card stack" aria-label=tr(lang, "Ubah perjanjian", "Edit the agreement")>
                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                            <AgreementFields agreement=Some(a.clone()) choices=editor.choices errors=form_errors preset_partner=None/>
                            <button type="submit" class="button primary">{tr(lang, "Simpan perubahan", "Save changes")}</button>
                        </form>
                        <form method="post" action=format!("/staff/agreements/{}/delete", a.id) class="card">
                            <input type="hidden" name="csrf_token" value=csrf/>
                            <button type="submit" class="button danger">{tr(lang, "Hapus perjanjian ini", "Delete this agreement")}</button>
                        </form>
                    })
                })
            }}
        </Suspense>
    }
}
