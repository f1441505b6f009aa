//! The program form as a plain post, so creating or changing a program is done correctly
//! before the page's client has loaded (or without it): `POST /staff/programs` creates, `POST
//! /staff/programs/{slug}` changes. Both answer 303 to the program's editor with
//! `?saved=program`, or back to the form's page marked `?form=program` with `?errors=`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use shared::dto::programs::{DEFAULT_TZ, ProgramInput};
use shared::words::{ProgramKind, ProgramStatus};
use shared::{FieldError, FieldErrors};

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::forms::{Pairs, back, field, with_errors};
use crate::policy::Permission;
use crate::services::programs::{self, Audience};

/// The form's fields as a program; `cover_image_url` is not on the form and stays as given.
fn program_from_form(
    pairs: &Pairs,
    cover_image_url: Option<String>,
) -> Result<ProgramInput, FieldErrors> {
    let first = |name: &str| field(pairs, name).map_or("", str::trim);
    let optional = |name: &str| Some(first(name).to_owned()).filter(|v| !v.is_empty());
    let Some(kind) = ProgramKind::parse(first("kind")) else {
        return Err(FieldErrors::single("kind", FieldError::NotAllowed));
    };
    let Some(status) = ProgramStatus::parse(first("status")) else {
        return Err(FieldErrors::single("status", FieldError::NotAllowed));
    };
    Ok(ProgramInput {
        name: first("name").to_owned(),
        slug: first("slug").to_owned(),
        kind,
        // Kept as typed: a description may have its own line breaks and indentation.
        description: field(pairs, "description").unwrap_or_default().to_owned(),
        cover_image_url,
        tz: optional("tz").unwrap_or_else(|| DEFAULT_TZ.to_owned()),
        // Not a number: 0, which the rules refuse with the field's range.
        default_duration_minutes: first("default_duration_minutes").parse().unwrap_or(0),
        stream_url: optional("stream_url"),
        platform: optional("platform"),
        place: optional("place"),
        status,
    })
}

fn saved(slug: &str) -> Redirect {
    Redirect::to(&format!("/staff/programs/{slug}?saved=program"))
}

/// `POST /staff/programs`: a new program.
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let form_page = "/staff/programs?form=program";
    let input = match program_from_form(&pairs, None) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(form_page, &errors)),
    };
    match programs::create_program(&state.db, input, chrono::Utc::now()).await {
        Ok(program) => Ok(saved(&program.slug)),
        Err(error) => back(form_page, error),
    }
}

/// `POST /staff/programs/{slug}`: the program's details.
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let now = chrono::Utc::now();
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    let form_page = format!("/staff/programs/{}?form=program", program.slug);
    let input = match program_from_form(&pairs, program.cover_image_url.clone()) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(&form_page, &errors)),
    };
    match programs::update_program(&state.db, program.id, input, now).await {
        Ok(program) => Ok(saved(&program.slug)),
        Err(error) => back(&form_page, error),
    }
}
