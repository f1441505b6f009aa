//! The partners on a program or session, each with a role, and a form to add or remove them.
//! The forms post plainly too (`POST /staff/programs/{slug}/partners`,
//! `/staff/sessions/{id}/partners`): sent before the client loads, or without it, they do
//! the same and come back with `?saved=partners` or the form's errors.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::partners::{PartnerAssignment, PartnerLink, PartnerResponse};
use shared::words::PartnerRole;
use uuid::Uuid;

use crate::api::{PartnerTarget, set_partners};
use crate::components::form::{
    FieldError, FormStatus, call_or_posted, messages_for, posted_messages, posted_saved,
};
use crate::i18n::{tr, use_viewer};

/// The partner roles of `target`, starting from `current`.
#[component]
pub fn PartnerRoles(
    lang: Lang,
    target: PartnerTarget,
    current: Vec<PartnerLink>,
    /// Every partner, to choose from.
    partners: Vec<PartnerResponse>,
    /// Where the forms post without the client.
    action: String,
) -> impl IntoView {
    let csrf = use_viewer().csrf_token;
    let links = RwSignal::new(current);
    let chosen = RwSignal::new(None::<Uuid>);
    let role = RwSignal::new(PartnerRole::CoHost);
    let save = Action::new(move |assignments: &Vec<PartnerAssignment>| {
        let assignments = assignments.clone();
        async move { set_partners(target, assignments).await }
    });
    let store = move |next: Vec<PartnerLink>| {
        let assignments = next
            .iter()
            .map(|l| PartnerAssignment {
                partner_id: l.partner_id,
                role: l.role,
            })
            .collect();
        links.set(next);
        save.dispatch(assignments);
    };
    let names = partners.clone();
    let errors = call_or_posted(save.value(), posted_messages(lang, "partners"));
    let saved_by_post = posted_saved().as_deref() == Some("partners");
    let has_choice_error = move || !messages_for(&errors.get(), "partner_id").is_empty();
    let prefix = match target {
        PartnerTarget::Program(_) => "program-partner",
        PartnerTarget::Session(_) => "session-partner",
    };
    view! {
        <section class="card stack" aria-labelledby=format!("{prefix}-heading")>
            <h2 id=format!("{prefix}-heading")>{tr(lang, "Mitra", "Partners")}</h2>
            <FormStatus result=save.value().into() saved=tr(lang, "Mitra tersimpan.", "Partners saved.")/>
            {move || (saved_by_post && save.value().get().is_none()).then(|| view! {
                <p class="notice" role="status">{tr(lang, "Mitra tersimpan.", "Partners saved.")}</p>
            })}
            <ul>
                {
                let action = action.clone();
                let csrf = csrf.clone();
                move || links.get().into_iter().map(|l| {
                    let removed = l.clone();
                    view! {
                        <li>
                            {format!("{} ({}) ", l.partner_name, l.role.label(lang))}
                            {l.answer.map(|a| view! { <strong data-testid="partner-answer">{a.label(lang)}</strong>" " })}
                            {l.answer_note.clone().map(|note| view! { <q>{note}</q>" " })}
                            <form class="inline-form" method="post" action=action.clone() on:submit=move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                let next = links.get().into_iter().filter(|x| *x != removed).collect();
                                store(next);
                            }>
                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                <input type="hidden" name="remove" value=format!("{}/{}", l.partner_id, l.role.as_str())/>
                                <button type="submit" class="link-button">{tr(lang, "Hapus", "Remove")}</button>
                            </form>
                        </li>
                    }
                }).collect_view()
                }
            </ul>
            <form class="filters" method="post" action=action.clone() on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let Some(id) = chosen.get() else { return };
                let Some(partner) = names.iter().find(|p| p.id == id) else { return };
                let mut next = links.get();
                next.push(PartnerLink { partner_id: id, partner_name: partner.name.clone(), partner_slug: partner.slug.clone(), role: role.get(), answer: None, answer_note: None });
                store(next);
            }>
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <div class="field">
                    <label for=format!("{prefix}-choice")>{tr(lang, "Mitra", "Partner")}</label>
                    <select id=format!("{prefix}-choice") name="partner_id" aria-invalid=move || has_choice_error().then_some("true") aria-describedby=move || has_choice_error().then(|| format!("{prefix}-choice-error")) on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                        <option value="">{tr(lang, "Pilih mitra", "Choose a partner")}</option>
                        {partners.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                    </select>
                    <FieldError id=format!("{prefix}-choice-error") messages=Signal::derive(move || messages_for(&errors.get(), "partner_id"))/>
                </div>
                <div class="field">
                    <label for=format!("{prefix}-role")>{tr(lang, "Peran", "Role")}</label>
                    <select id=format!("{prefix}-role") name="role" on:change=move |ev| if let Some(r) = PartnerRole::parse(&event_target_value(&ev)) { role.set(r) }>
                        {PartnerRole::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label(lang)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{tr(lang, "Tambahkan", "Add")}</button>
            </form>
        </section>
    }
}
