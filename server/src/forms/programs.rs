//! The program form as a plain post, so creating or changing a program is done correctly
//! before the page's client has loaded (or without it): `POST /staff/programs` creates, `POST
//! /staff/programs/{slug}` changes. Both answer 303 to the program's editor with
//! `?saved=program`, or back to the form's page marked `?form=program` with `?errors=`. The
//! partner-roles form of the program and session editors posts to `POST
//! /staff/programs/{slug}/partners` and `/staff/sessions/{id}/partners`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use shared::dto::partners::{PartnerAssignment, PartnerLink};
use shared::dto::programs::{DEFAULT_TZ, ProgramInput};
use shared::words::{PartnerRole, ProgramKind, ProgramStatus};
use shared::{FieldError, FieldErrors};
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{AppError, AppResult};
use crate::forms::{Pairs, back, back_to_form, field, with_errors};
use crate::policy::Permission;
use crate::services::episodes::audience_import;
use crate::services::programs::{self, Audience};
use crate::services::sessions;

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

/// The partner list after a plain post of the partner-roles form: `remove=<partner id>/<role>`
/// takes one link off; otherwise `partner_id` and `role` add one (a link already there stays
/// once). A field that names nothing is the field's error.
fn partners_after(
    current: &[PartnerLink],
    pairs: &Pairs,
) -> Result<Vec<PartnerAssignment>, FieldErrors> {
    let mut next: Vec<PartnerAssignment> = current
        .iter()
        .map(|link| PartnerAssignment {
            partner_id: link.partner_id,
            role: link.role,
        })
        .collect();
    if let Some(removed) = field(pairs, "remove") {
        let parsed = removed
            .split_once('/')
            .and_then(|(id, role)| Some((id.parse::<Uuid>().ok()?, PartnerRole::parse(role)?)));
        let Some((partner_id, role)) = parsed else {
            return Err(FieldErrors::single("remove", FieldError::NotAllowed));
        };
        next.retain(|a| !(a.partner_id == partner_id && a.role == role));
        return Ok(next);
    }
    let Some(partner_id) = field(pairs, "partner_id").and_then(|id| id.trim().parse().ok()) else {
        return Err(FieldErrors::single("partner_id", FieldError::Required));
    };
    let Some(role) = field(pairs, "role").and_then(PartnerRole::parse) else {
        return Err(FieldErrors::single("role", FieldError::NotAllowed));
    };
    if !next
        .iter()
        .any(|a| a.partner_id == partner_id && a.role == role)
    {
        next.push(PartnerAssignment { partner_id, role });
    }
    Ok(next)
}

/// `POST /staff/programs/{slug}/partners`: adds or removes one of the program's partners
/// (see [`partners_after`]); back to the editor with `?saved=partners` or the form's errors.
pub async fn program_partners(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let now = chrono::Utc::now();
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    let page = format!("/staff/programs/{}", program.slug);
    let stored = match partners_after(&program.partners, &pairs) {
        Ok(next) => programs::set_program_partners(&state.db, program.id, next, now)
            .await
            .map(drop),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    partners_answer(&page, stored)
}

/// `POST /staff/sessions/{id}/partners`: the same for one session.
pub async fn session_partners(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let session = sessions::get_session(&state.db, id, Audience::Staff).await?;
    let page = format!("/staff/sessions/{id}");
    let stored = match partners_after(&session.partners, &pairs) {
        Ok(next) => sessions::set_session_partners(&state.db, id, next, chrono::Utc::now())
            .await
            .map(drop),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    partners_answer(&page, stored)
}

/// Back to the editor at `page` after a partner-roles post: `?saved=partners`, or marked
/// `?form=partners` with the field errors.
fn partners_answer(page: &str, stored: AppResult<()>) -> AppResult<Redirect> {
    match stored {
        Ok(()) => Ok(Redirect::to(&format!("{page}?saved=partners"))),
        Err(error) => back(&format!("{page}?form=partners"), error),
    }
}

/// Which form the audience import's echo belongs to.
pub const AUDIENCE_ECHO: &str = "audience";

/// `POST /staff/programs/{slug}/audience`: `csv`, the rows pasted or typed (see
/// `services::episodes::audience_import`). Back with `?saved=audience&updated=<n>`, or with
/// every wrong cell and the text kept.
pub async fn import_audience(
    State(state): State<AppState>,
    staff: Staff,
    session: Session,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let page = format!("/staff/programs/{slug}");
    let csv = field(&pairs, "csv").unwrap_or_default();
    match audience_import::import_audience(&state.db, &slug, csv, chrono::Utc::now()).await {
        Ok(done) => Ok(Redirect::to(&format!(
            "{page}?saved=audience&updated={}#audience",
            done.updated
        ))),
        Err(error) => {
            let form = format!("{page}?form=audience");
            back_to_form(&session, AUDIENCE_ECHO, pairs, (&form, "#audience"), error).await
        }
    }
}
