//! `/partner-access/{token}`: a partner's private page, reached by the secret link staff
//! send its contact: the sessions it takes part in (answering the requests), its agreements
//! with their documents, and its calendar feed. Plain forms: it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::dto::agreements::PartnerSession;
use shared::words::PartnerAnswer;

use crate::api::{ApiError, get_partner_access};
use crate::components::server_link::ServerLink;
use crate::components::subscribe::SubscribePanel;
use crate::format::dated_when;
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::staff_agreements::{period, status_badge};

#[component]
fn SessionItem(session: PartnerSession, token: String, csrf: String) -> impl IntoView {
    let lang = use_viewer().lang;
    let s = session;
    let answer_label = s.answer.map(|a| a.label(lang));
    let action = format!("/partner-access/{token}/sessions/{}/answer", s.session_id);
    let note_id = format!("note-{}", s.session_id);
    let can_answer = s.answer.is_some() && !s.cancelled;
    view! {
        <li id=format!("session-{}", s.session_id) class="card">
            <h3>{s.title.clone()}</h3>
            <p data-testid="when">{dated_when(lang, s.start_local, s.end_local, &s.zone_label, s.library_clock.as_ref())}</p>
            <p>{s.program_name.clone()}" · "{s.role.label(lang)}
                {s.cancelled.then(|| view! { " · "<strong>{tr(lang, "Dibatalkan", "Cancelled")}</strong> })}
            </p>
            {answer_label.map(|label| view! { <p>{tr(lang, "Jawaban Anda: ", "Your answer: ")}<strong data-testid="answer">{label}</strong></p> })}
            {can_answer.then(|| view! {
                <form method="post" action=action class="stack">
                    <input type="hidden" name="csrf_token" value=csrf/>
                    <label for=note_id.clone()>{tr(lang, "Catatan untuk perpustakaan (boleh kosong)", "A note for the library (optional)")}</label>
                    <input id=note_id name="note" value=s.answer_note.clone().unwrap_or_default()/>
                    <div class="actions">
                        <button type="submit" name="answer" value=PartnerAnswer::Confirmed.as_str() class="button primary">{tr(lang, "Kami ikut", "We take part")}</button>
                        <button type="submit" name="answer" value=PartnerAnswer::Declined.as_str() class="button">{tr(lang, "Kami tidak bisa", "We cannot")}</button>
                    </div>
                </form>
            })}
        </li>
    }
}

/// `/partner-access/{token}`.
#[component]
pub fn PartnerAccessPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, get_partner_access);
    let answered = use_query_map().get_untracked().get("answered").is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                let token = token();
                Suspend::new(async move {
                    let view_data = data.await?;
                    let title = format!("{} · {}", view_data.name, tr(lang, "Halaman mitra", "Partner page"));
                    Ok::<_, ApiError>(view! {
                        <Title text=title/>
                        <h1>{view_data.name.clone()}</h1>
                        <p>{tr(lang,
                            "Halaman pribadi mitra Perpustakaan Kota Makassar. Jangan bagikan alamat ini di luar lembaga Anda.",
                            "The private page of a partner of the Makassar City Library. Do not share this address outside your organisation.")}</p>
                        {answered.then(|| view! { <p class="notice" role="status">{tr(lang, "Terima kasih, jawaban Anda tersimpan.", "Thank you, your answer was saved.")}</p> })}
                        <section aria-labelledby="sessions-heading">
                            <h2 id="sessions-heading">{tr(lang, "Sesi bersama kami", "Sessions with us")}</h2>
                            {view_data.sessions.is_empty().then(|| view! { <p>{tr(lang, "Belum ada sesi.", "No sessions yet.")}</p> })}
                            <ul class="plain">
                                {view_data.sessions.iter().cloned().map(|s| view! {
                                    <SessionItem session=s token=token.clone() csrf=csrf.clone()/>
                                }).collect_view()}
                            </ul>
                        </section>
                        <section aria-labelledby="agreements-heading">
                            <h2 id="agreements-heading">{tr(lang, "Perjanjian kerja sama", "Cooperation agreements")}</h2>
                            {view_data.agreements.is_empty().then(|| view! { <p>{tr(lang, "Belum ada perjanjian.", "No agreement yet.")}</p> })}
                            {view_data.agreements.iter().map(|a| view! {
                                <article class="card" data-testid="partner-agreement">
                                    <h3>{a.title.clone()}</h3>
                                    <p>{status_badge(lang, a.status)}" "{a.form.label(lang)}" · "{period(lang, a)}</p>
                                    {a.agreed_by.clone().map(|who| view! {
                                        <p>{tr(lang, "Disepakati oleh ", "Agreed by ")}{who}{a.agreed_on.map(|d| format!(" ({d})"))}</p>
                                    })}
                                    {(!a.programs.is_empty()).then(|| view! {
                                        <p>{tr(lang, "Program: ", "Programs: ")}{a.programs.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")}</p>
                                    })}
                                    {(!a.scope.is_empty()).then(|| view! { <p class="prewrap">{a.scope.clone()}</p> })}
                                    {(!a.shared_rules.is_empty()).then(|| view! {
                                        <h4>{tr(lang, "Aturan bersama", "Shared rules")}</h4>
                                        <p class="prewrap">{a.shared_rules.clone()}</p>
                                    })}
                                    {(!a.costs.is_empty()).then(|| view! {
                                        <h4>{tr(lang, "Pembagian biaya", "Cost sharing")}</h4>
                                        <ul>{a.costs.iter().map(|c| view! {
                                            <li>{format!("{}: {}", c.payer, c.item)}{c.amount_idr.map(|n| format!(" (Rp{n})"))}</li>
                                        }).collect_view()}</ul>
                                    })}
                                    {(!a.documents.is_empty()).then(|| view! {
                                        <h4>{tr(lang, "Dokumen", "Documents")}</h4>
                                        <ul>{a.documents.iter().map(|d| view! {
                                            <li><ServerLink href=format!("/api/v1/partner-access/{}/documents/{}", token, d.id) download=true label=d.file_name.clone()/></li>
                                        }).collect_view()}</ul>
                                    })}
                                </article>
                            }).collect_view()}
                        </section>
                        <SubscribePanel path=format!("/calendar/partners/{}.ics", view_data.slug) name=format!("{} · Siar", view_data.name)/>
                    })
                })
            }}
        </Suspense>
    }
}
