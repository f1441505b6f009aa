//! `/api/v1/volunteers` and `/api/v1/volunteer/me`: volunteer accounts. Registration and
//! sign-in are public; a volunteer reads and changes their own profile; staff list, invite,
//! change, deactivate and merge accounts (personal data: staff and the person only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use shared::Problem;
use shared::dto::calendar::CalendarLinks;
use shared::dto::volunteers::{
    MergeRequest, SignInLinkRequest, VolunteerInput, VolunteerResponse, VolunteerSignIn,
    VolunteerSignedIn,
};
use tower_sessions::Session;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{bind_session, session_error};
use crate::api::{ApiJson, ApiQuery};
use crate::app::AppState;
use crate::auth::{SESSION_VOLUNTEER_KEY, Staff, Volunteer};
use crate::context::RequestContext;
use crate::csrf;
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
use crate::services::{feeds, volunteers};

/// Registers a volunteer and mails a sign-in link. The answer is the same when the address
/// already has an account (its owner gets a sign-in link instead), so it tells nobody who
/// volunteers.
#[utoipa::path(
    post, path = "/api/v1/volunteers/register", tag = "volunteers",
    request_body = VolunteerInput,
    responses(
        (status = 202, description = "A sign-in link is on its way to the address"),
        (status = 422, description = "A field is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this client address or for this e-mail address; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> AppResult<StatusCode> {
    volunteers::register_public(
        &state.db,
        input,
        &context.client_addr,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mails a one-time sign-in link (valid 15 minutes) to a volunteer's address. The answer is
/// the same whether or not the address is known.
#[utoipa::path(
    post, path = "/api/v1/volunteers/sign-in-link", tag = "volunteers",
    request_body = SignInLinkRequest,
    responses(
        (status = 202, description = "A link is on its way if the address belongs to a volunteer"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this client address or for this e-mail address; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn request_link(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    ApiJson(request): ApiJson<SignInLinkRequest>,
) -> AppResult<StatusCode> {
    volunteers::request_link(
        &state.db,
        &request.email,
        &context.client_addr,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Signs a volunteer in with a link's token, or with e-mail and password.
#[utoipa::path(
    post, path = "/api/v1/volunteers/sign-in", tag = "volunteers",
    request_body = VolunteerSignIn,
    responses(
        (status = 200, body = VolunteerSignedIn),
        (status = 401, description = "Wrong e-mail address or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed passwords; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link expired, was used, or is unknown; or the account is deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    ApiJson(request): ApiJson<VolunteerSignIn>,
) -> AppResult<(csrf::Rotation, Json<VolunteerSignedIn>)> {
    let brief = match (request.token, request.email, request.password) {
        (Some(token), _, _) => {
            volunteers::sign_in_with_link(&state.db, &token, chrono::Utc::now()).await?
        }
        (None, Some(email), Some(password)) => {
            volunteers::sign_in_with_password(
                &state.db,
                &email,
                &password,
                &context.client_addr,
                chrono::Utc::now(),
            )
            .await?
        }
        _ => {
            return Err(AppError::field("token", shared::FieldError::Required));
        }
    };
    let rotation = start_volunteer_session(&state, &session, brief.id).await?;
    let volunteer = volunteers::find(&state.db, brief.id).await?;
    let csrf_token = rotation.token.clone();
    Ok((
        rotation,
        Json(VolunteerSignedIn {
            volunteer: volunteers::to_response(&volunteer),
            csrf_token,
        }),
    ))
}

/// Binds the session to the volunteer; see [`bind_session`].
pub async fn start_volunteer_session(
    state: &AppState,
    session: &Session,
    id: Uuid,
) -> AppResult<csrf::Rotation> {
    bind_session(state, session, SESSION_VOLUNTEER_KEY, id).await
}

/// Signs the volunteer out (a staff sign-in in the same browser stays).
#[utoipa::path(
    post, path = "/api/v1/volunteers/sign-out", tag = "volunteers",
    responses((status = 204, description = "Signed out"))
)]
pub async fn sign_out(session: Session) -> AppResult<StatusCode> {
    session
        .remove::<Uuid>(SESSION_VOLUNTEER_KEY)
        .await
        .map_err(session_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in volunteer's profile.
#[utoipa::path(
    get, path = "/api/v1/volunteer/me", tag = "volunteers",
    security(("session" = [])),
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    volunteer: Volunteer,
) -> AppResult<Json<VolunteerResponse>> {
    let model = volunteers::find(&state.db, volunteer.0.id).await?;
    Ok(Json(volunteers::to_response(&model)))
}

/// Changes the signed-in volunteer's profile.
#[utoipa::path(
    put, path = "/api/v1/volunteer/me", tag = "volunteers",
    security(("session" = [])),
    request_body = VolunteerInput,
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_me(
    State(state): State<AppState>,
    volunteer: Volunteer,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> AppResult<Json<VolunteerResponse>> {
    Ok(Json(
        volunteers::update(&state.db, volunteer.0.id, input, false, chrono::Utc::now()).await?,
    ))
}

/// The signed-in volunteer's private calendar feed (`/calendar/me/{token}.ics`).
#[utoipa::path(
    get, path = "/api/v1/volunteer/me/calendar", tag = "volunteers",
    security(("session" = [])),
    responses(
        (status = 200, body = CalendarLinks),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_calendar(
    State(state): State<AppState>,
    volunteer: Volunteer,
) -> AppResult<Json<CalendarLinks>> {
    let token = volunteers::calendar_token(&state.db, &state.vault, volunteer.0.id).await?;
    Ok(Json(feeds::private_links(
        &state.config.base_url,
        &token,
        &volunteer.0.name,
    )))
}

/// A new private feed URL for the signed-in volunteer; the old one stops working.
#[utoipa::path(
    post, path = "/api/v1/volunteer/me/calendar/reset", tag = "volunteers",
    security(("session" = [])),
    responses(
        (status = 200, body = CalendarLinks),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_my_calendar(
    State(state): State<AppState>,
    volunteer: Volunteer,
) -> AppResult<Json<CalendarLinks>> {
    let token = volunteers::reset_calendar_token(&state.db, &state.vault, volunteer.0.id).await?;
    Ok(Json(feeds::private_links(
        &state.config.base_url,
        &token,
        &volunteer.0.name,
    )))
}

/// The query of the volunteer list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VolunteerQuery {
    /// Part of a name or e-mail address.
    q: Option<String>,
}

/// Every volunteer (staff).
#[utoipa::path(
    get, path = "/api/v1/volunteers", tag = "volunteers",
    security(("session" = [])),
    params(VolunteerQuery),
    responses(
        (status = 200, body = Vec<VolunteerResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<VolunteerQuery>,
) -> AppResult<Json<Vec<VolunteerResponse>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(volunteers::list(&state.db, query.q.as_deref()).await?))
}

/// Staff invite a volunteer: the account is made and a sign-in link mailed.
#[utoipa::path(
    post, path = "/api/v1/volunteers", tag = "volunteers",
    security(("session" = [])),
    request_body = VolunteerInput,
    responses(
        (status = 201, body = VolunteerResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> AppResult<(StatusCode, Json<VolunteerResponse>)> {
    staff.require(Permission::CoordinateVolunteers)?;
    let volunteer = volunteers::register(
        &state.db,
        input,
        true,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(volunteer)))
}

/// One volunteer (staff).
#[utoipa::path(
    get, path = "/api/v1/volunteers/{id}", tag = "volunteers",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Volunteer id")),
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<VolunteerResponse>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(volunteers::to_response(
        &volunteers::find(&state.db, id).await?,
    )))
}

/// Changes a volunteer's profile (staff).
#[utoipa::path(
    put, path = "/api/v1/volunteers/{id}", tag = "volunteers",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Volunteer id")),
    request_body = VolunteerInput,
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<VolunteerInput>,
) -> AppResult<Json<VolunteerResponse>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        volunteers::update(&state.db, id, input, true, chrono::Utc::now()).await?,
    ))
}

/// Deactivates a volunteer: no more sign-in or sign-up.
#[utoipa::path(
    post, path = "/api/v1/volunteers/{id}/deactivate", tag = "volunteers",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Volunteer id")),
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deactivate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<VolunteerResponse>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        volunteers::set_active(&state.db, id, false, chrono::Utc::now()).await?,
    ))
}

/// Turns a deactivated volunteer back on.
#[utoipa::path(
    post, path = "/api/v1/volunteers/{id}/activate", tag = "volunteers",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Volunteer id")),
    responses(
        (status = 200, body = VolunteerResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<VolunteerResponse>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        volunteers::set_active(&state.db, id, true, chrono::Utc::now()).await?,
    ))
}

/// Merges a duplicate account into another.
#[utoipa::path(
    post, path = "/api/v1/volunteers/merge", tag = "volunteers",
    security(("session" = [])),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "The kept account", body = VolunteerResponse),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn merge(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<MergeRequest>,
) -> AppResult<Json<VolunteerResponse>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        volunteers::merge(&state.db, request, chrono::Utc::now()).await?,
    ))
}
