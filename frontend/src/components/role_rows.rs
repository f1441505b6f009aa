//! Volunteer roles as rows to edit (name, places, the skill it needs, from a list in the
//! page's language), with two empty rows for new roles: a session's own roles
//! (`POST /staff/sessions/{id}/roles`) and a program's (inside its sign-up rules form). An
//! emptied name removes that role (unless people are in it, which the server refuses).
//! Errors come back by row, `roles[{row}].{field}`, as the fields are numbered here.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::volunteers::{MAX_ROLE_CAPACITY, ProgramRoleResponse, SessionRoleView, Skill};
use uuid::Uuid;

use crate::components::form::{FieldMessages, plain_error, posted_messages, posted_saved};
use crate::i18n::{tr, use_viewer};

/// Empty rows offered for new roles.
const NEW_ROWS: usize = 2;

/// One role as the rows show it.
#[derive(Clone)]
pub struct RoleRow {
    /// Its id; none for a new role.
    pub id: Option<Uuid>,
    /// Its name.
    pub name: String,
    /// Its places.
    pub capacity: u32,
    /// The skill it needs.
    pub skill: Option<Skill>,
}

impl From<SessionRoleView> for RoleRow {
    fn from(role: SessionRoleView) -> Self {
        RoleRow {
            id: Some(role.id),
            name: role.name,
            capacity: role.capacity,
            skill: role.skill,
        }
    }
}

impl From<ProgramRoleResponse> for RoleRow {
    fn from(role: ProgramRoleResponse) -> Self {
        RoleRow {
            id: Some(role.id),
            name: role.name,
            capacity: role.capacity,
            skill: role.skill,
        }
    }
}

/// The session's roles form.
#[component]
pub fn SessionRolesForm(
    lang: Lang,
    session_id: Uuid,
    roles: Vec<SessionRoleView>,
) -> impl IntoView {
    let csrf = use_viewer().csrf_token;
    let errors = posted_messages(lang, "roles");
    let saved = posted_saved().as_deref() == Some("roles");
    view! {
        <form method="post" action=format!("/staff/sessions/{session_id}/roles") class="stack" id="session-roles">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h3>{tr(lang, "Peran relawan sesi ini", "This session's volunteer roles")}</h3>
            <p class="hint">{tr(lang,
                "Perubahan di sini hanya untuk sesi ini. Kosongkan nama untuk menghapus peran.",
                "Changes here are for this session only. Empty a name to remove the role.")}</p>
            {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Peran tersimpan.", "Roles saved.")}</p> })}
            {role_fieldsets(lang, &errors, roles.into_iter().map(RoleRow::from).collect())}
            <button type="submit" class="button primary">{tr(lang, "Simpan peran", "Save roles")}</button>
        </form>
    }
}

/// A fieldset per role and two empty ones, to sit inside a form.
pub fn role_fieldsets(
    lang: Lang,
    errors: &FieldMessages,
    roles: Vec<RoleRow>,
) -> impl IntoView + use<> {
    roles
        .into_iter()
        .map(Some)
        .chain(std::iter::repeat_n(None, NEW_ROWS))
        .enumerate()
        .map(|(row, role)| role_row(lang, errors, row, role))
        .collect_view()
}

fn role_row(
    lang: Lang,
    errors: &FieldMessages,
    row: usize,
    role: Option<RoleRow>,
) -> impl IntoView + use<> {
    let id = |field: &str| format!("role-{row}-{field}");
    let name = plain_error(errors, &format!("roles[{row}].name"), &id("name"));
    let capacity = plain_error(errors, &format!("roles[{row}].capacity"), &id("capacity"));
    let skill = role.as_ref().and_then(|r| r.skill);
    let legend = match &role {
        Some(role) => role.name.clone(),
        None => tr(lang, "Peran baru", "New role").to_owned(),
    };
    view! {
        <fieldset class="role-row">
            <legend>{legend}</legend>
            <input type="hidden" name="role_id" value=role.as_ref().and_then(|r| r.id).map(|id| id.to_string()).unwrap_or_default()/>
            <div class="field">
                <label for=id("name")>{tr(lang, "Nama peran", "Role name")}</label>
                <input id=id("name") name="role_name" maxlength="80" value=role.as_ref().map(|r| r.name.clone()).unwrap_or_default()
                    aria-invalid=name.invalid aria-describedby=name.described_by/>
                {name.line}
            </div>
            <div class="field">
                <label for=id("capacity")>{tr(lang, "Jumlah tempat", "Places")}</label>
                <input id=id("capacity") name="role_capacity" type="number" min="1" max=MAX_ROLE_CAPACITY.to_string()
                    value=role.as_ref().map_or_else(|| "1".to_owned(), |r| r.capacity.to_string())
                    aria-invalid=capacity.invalid aria-describedby=capacity.described_by/>
                {capacity.line}
            </div>
            <div class="field">
                <label for=id("skill")>{tr(lang, "Keahlian yang dibutuhkan", "Skill needed")}</label>
                <select id=id("skill") name="role_skill">
                    <option value="" selected=skill.is_none()>{tr(lang, "Tidak ada", "None")}</option>
                    {Skill::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=skill == Some(s)>{s.label(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
        </fieldset>
    }
}
