//! Staff's volunteering forms, plain posts that work without JavaScript: invite a volunteer,
//! turn an account off or on, put someone in a role or take them out, mark attendance, and
//! set a program's roles. Each answers 303 back to the page it came from; a refusal comes
//! back as `?error=<problem slug>`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use shared::Lang;
use shared::dto::volunteers::{
    AttendanceMark, ProgramVolunteering, RoleInput, RoleLine, Skill, VolunteerInput,
};
use shared::{FieldError, FieldErrors};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{AppError, AppResult};
use crate::forms::{Pairs, back, encode_query, field};
use crate::policy::Permission;
use crate::services::programs::Audience;
use crate::services::{programs, roles, signups, volunteers};

fn refused(page: &str, error: &AppError) -> Option<Redirect> {
    let slug = match error {
        AppError::Refused(refusal) => refusal.slug().to_owned(),
        AppError::Invalid(errors) => {
            let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
            format!("invalid:{}", fields.join(","))
        }
        _ => return None,
    };
    Some(Redirect::to(&format!(
        "{page}?error={}",
        encode_query(&slug)
    )))
}

fn answer(page: &str, outcome: AppResult<()>) -> AppResult<Redirect> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{page}?done=1"))),
        Err(error) => refused(page, &error).ok_or(error),
    }
}

/// `POST /staff/volunteers/invite`: name, email, lang.
pub async fn invite(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let input = VolunteerInput {
        name: field(&pairs, "name").unwrap_or_default().to_owned(),
        email: field(&pairs, "email").unwrap_or_default().to_owned(),
        lang: Lang::from_tag(field(&pairs, "lang").unwrap_or_default()).unwrap_or_default(),
        ..VolunteerInput::default()
    };
    let outcome = volunteers::register(
        &state.db,
        input,
        true,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await
    .map(|_| ());
    answer("/staff/volunteers", outcome)
}

/// `POST /staff/volunteers/{id}/active`: `active=true|false`.
pub async fn set_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let active = field(&pairs, "active").unwrap_or_default() == "true";
    let outcome = volunteers::set_active(&state.db, id, active, chrono::Utc::now())
        .await
        .map(|_| ());
    answer("/staff/volunteers", outcome)
}

fn session_page(pairs: &Pairs) -> String {
    let session = field(pairs, "session_id").unwrap_or_default();
    match session.parse::<Uuid>() {
        Ok(id) => format!("/staff/sessions/{id}"),
        Err(_) => "/staff".to_owned(),
    }
}

/// `POST /staff/session-roles/{id}/assign`: `email` of the volunteer, `session_id` to go back.
pub async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(role_id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let page = session_page(&pairs);
    let email = field(&pairs, "email")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let found = volunteers::list(&state.db, Some(&email))
        .await?
        .into_iter()
        .find(|v| v.email == email);
    let outcome = match found {
        Some(volunteer) => signups::assign(
            &state.db,
            role_id,
            volunteer.id,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await
        .map(|_| ()),
        None => Err(AppError::field("email", FieldError::UnknownReference)),
    };
    answer(&page, outcome)
}

/// `POST /staff/signups/{id}/remove`: `session_id` to go back.
pub async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let page = session_page(&pairs);
    let outcome = signups::remove(&state.db, id, &state.config.base_url, chrono::Utc::now())
        .await
        .map(|_| ());
    answer(&page, outcome)
}

/// `POST /staff/sessions/{id}/attendance`: one `present` field per sign-up that came, and
/// one `signup` field per sign-up on the form.
pub async fn attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let present: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "present")
        .map(|(_, v)| v.as_str())
        .collect();
    let marks = pairs
        .iter()
        .filter(|(k, _)| k == "signup")
        .filter_map(|(_, v)| {
            Some(AttendanceMark {
                signup_id: v.parse().ok()?,
                attended: present.contains(&v.as_str()),
                minutes_served: None,
            })
        })
        .collect();
    let page = format!("/staff/sessions/{id}");
    let outcome = signups::reports::mark_attendance(&state.db, id, marks, chrono::Utc::now())
        .await
        .map(|_| ());
    answer(&page, outcome)
}

/// Reads the rows of a roles form (a session's or a program's), in order: `role_id` (empty for a new role),
/// `role_name`, `role_capacity`, `role_skill` (empty for none). A row without a name is left
/// out: a new row not used, or a role taken off. Errors are named by row,
/// `roles[{row}].{field}`, as the form numbers its fields.
pub fn role_rows(pairs: &Pairs) -> Result<Vec<RoleLine>, FieldErrors> {
    let column = |name: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .collect()
    };
    let (ids, names, capacities, skills) = (
        column("role_id"),
        column("role_name"),
        column("role_capacity"),
        column("role_skill"),
    );
    let mut errors = FieldErrors::new();
    let mut lines = Vec::new();
    for (row, name) in names.into_iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        let cell = |list: &[&str]| list.get(row).copied().unwrap_or_default().to_owned();
        let field = |name: &str| format!("roles[{row}].{name}");
        let id = match cell(&ids).as_str() {
            "" => None,
            text => match text.parse::<Uuid>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add(&field("id"), FieldError::UnknownReference);
                    continue;
                }
            },
        };
        let skill = match cell(&skills).as_str() {
            "" => None,
            code => match Skill::parse(code) {
                Some(skill) => Some(skill),
                None => {
                    errors.add(&field("skill"), FieldError::NotAllowed);
                    continue;
                }
            },
        };
        let role = RoleInput {
            name: name.to_owned(),
            // Not a number: 0, which the range rule refuses with the allowed range.
            capacity: cell(&capacities).parse().unwrap_or(0),
            skill,
        };
        if let Err(role_errors) = role.validate() {
            for (name, list) in role_errors.0 {
                for error in list {
                    errors.add(&field(&name), error);
                }
            }
        }
        lines.push(RoleLine { id, role });
    }
    errors.into_result().map(|()| lines)
}

/// `POST /staff/sessions/{id}/roles`: the session's own roles ([`role_rows`]). Back to the
/// editor with `?saved=roles`, or `?form=roles` and the field errors.
pub async fn session_roles(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let page = format!("/staff/sessions/{id}");
    let outcome = match role_rows(&pairs) {
        Ok(lines) => roles::set_session_roles(
            &state.db,
            id,
            lines,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await
        .map(drop),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{page}?saved=roles#session-roles"))),
        Err(error) => back(&format!("{page}?form=roles"), error),
    }
}

/// `POST /staff/programs/{slug}/volunteering`: the program's roles as rows ([`role_rows`]),
/// `signup_cutoff_minutes`, `offer_window_minutes`. Back with `?saved=program-roles`, or
/// `?form=program-roles` and the field errors, or `?error=<refusal>`.
pub async fn program_roles(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::CoordinateVolunteers)?;
    let now = chrono::Utc::now();
    let page = format!("/staff/programs/{slug}");
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    // Not a number: a value the range rules refuse, naming the allowed range.
    let number = |name: &str| {
        field(&pairs, name)
            .unwrap_or_default()
            .trim()
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    };
    let rows = role_rows(&pairs);
    let mut input = ProgramVolunteering {
        signup_cutoff_minutes: number("signup_cutoff_minutes"),
        offer_window_minutes: number("offer_window_minutes"),
        roles: Vec::new(),
    };
    // Every wrong field at once: the rows' and the sign-up rules'.
    let outcome = match (rows, input.validate()) {
        (Ok(roles), Ok(())) => {
            input.roles = roles;
            roles::set_program_settings(&state.db, program.id, input, &state.config.base_url, now)
                .await
                .map(drop)
        }
        (rows, rules) => {
            let mut errors = rows.err().unwrap_or_default();
            for (field, list) in rules.err().unwrap_or_default().0 {
                for error in list {
                    errors.add(&field, error);
                }
            }
            Err(AppError::Invalid(errors))
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "{page}?saved=program-roles#volunteer-roles"
        ))),
        Err(AppError::Refused(refusal)) => Ok(Redirect::to(&format!(
            "{page}?error={}#volunteer-roles",
            refusal.slug()
        ))),
        Err(error) => back(&format!("{page}?form=program-roles"), error),
    }
}
