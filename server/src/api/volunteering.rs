//! Roles, sign-ups and the staff tools around them: `/api/v1/programs/{id}/volunteering`,
//! `/api/v1/sessions/{id}/roles`, `/api/v1/session-roles/{id}/…`, `/api/v1/signups/{id}/…`,
//! `/api/v1/sessions/{id}/roster`, attendance, hours and the local mailbox.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use shared::Problem;
use shared::dto::volunteers::{
    AssignRequest, AttendanceMark, HoursReport, MailView, OpenSession, ProgramVolunteering,
    ProgramVolunteeringResponse, RoleLine, Roster, SessionRoleView, SignupRequest, SignupView,
    Skill,
};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::{ApiJson, ApiQuery, csv_attachment};
use crate::app::AppState;
use crate::auth::{Staff, Volunteer};
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
use crate::services::programs::Audience;
use crate::services::signups::reports::{self, OpenFilter};
use crate::services::{mail, roles, signups};

/// A program's roles and sign-up rules.
#[utoipa::path(
    get, path = "/api/v1/programs/{id}/volunteering", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Program id")),
    responses(
        (status = 200, body = ProgramVolunteeringResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn program_settings(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ProgramVolunteeringResponse>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(roles::program_settings(&state.db, id).await?))
}

/// Sets a program's roles and sign-up rules; upcoming sessions follow (except roles edited
/// on a session).
#[utoipa::path(
    put, path = "/api/v1/programs/{id}/volunteering", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Program id")),
    request_body = ProgramVolunteering,
    responses(
        (status = 200, body = ProgramVolunteeringResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_program_settings(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ProgramVolunteering>,
) -> AppResult<Json<ProgramVolunteeringResponse>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        roles::set_program_settings(
            &state.db,
            id,
            input,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// A session's roles and how full they are (public).
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/roles", tag = "volunteering",
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, body = Vec<SessionRoleView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn session_roles(
    State(state): State<AppState>,
    audience: Audience,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<SessionRoleView>>> {
    Ok(Json(roles::session_roles(&state.db, id, audience).await?))
}

/// Sets one session's roles by hand (from then on they ignore program edits).
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/roles", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = Vec<RoleLine>,
    responses(
        (status = 200, body = Vec<SessionRoleView>),
        (status = 409, description = "A removed role still has people in it", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_session_roles(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(lines): ApiJson<Vec<RoleLine>>,
) -> AppResult<Json<Vec<SessionRoleView>>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        roles::set_session_roles(
            &state.db,
            id,
            lines,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Filters of the open-sessions list.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct OpenQuery {
    /// Only roles open to this skill.
    pub skill: Option<Skill>,
    /// From this day (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// Until this day, inclusive.
    pub to: Option<NaiveDate>,
}

/// Upcoming sessions that need volunteers (free places or a waitlist to join), soonest first.
#[utoipa::path(
    get, path = "/api/v1/volunteering/open", tag = "volunteering",
    params(OpenQuery),
    responses((status = 200, body = Vec<OpenSession>))
)]
pub async fn open_sessions(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OpenQuery>,
) -> AppResult<Json<Vec<OpenSession>>> {
    let filter = OpenFilter {
        skill: query.skill,
        from: query.from,
        to: query.to,
    };
    Ok(Json(
        reports::open_sessions(&state.db, &filter, chrono::Utc::now()).await?,
    ))
}

/// The `Idempotency-Key` header, or the body's key.
fn idempotency_key(headers: &HeaderMap, body: Option<SignupRequest>) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| body.and_then(|b| b.idempotency_key))
        .filter(|k| !k.is_empty())
}

/// Signs the volunteer up for a role: a place if one is free and nobody waits, else the end
/// of the waitlist. Repeating it (same `Idempotency-Key`, or the same role) changes nothing.
#[utoipa::path(
    post, path = "/api/v1/session-roles/{id}/signups", tag = "volunteering",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "Session role id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat on retries; at most 80 printable characters"),
    ),
    request_body(content = Option<SignupRequest>),
    responses(
        (status = 200, description = "Confirmed or waitlisted (see status and waitlist_position)", body = SignupView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sign-up closed, session not open, overlap, missing skill", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_up(
    State(state): State<AppState>,
    volunteer: Volunteer,
    Path(role_id): Path<Uuid>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Json<SignupView>> {
    // The body is optional: a bare POST (or one with only the header) is a sign-up too.
    let body: Option<SignupRequest> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(serde_json::from_slice(&body).map_err(|e| AppError::Malformed(e.to_string()))?)
    };
    let key = idempotency_key(&headers, body);
    Ok(Json(
        state
            .signups
            .sign_up(volunteer.0.id, role_id, key, chrono::Utc::now())
            .await?,
    ))
}

/// The volunteer withdraws (before the cut-off) or declines an offer; the place goes to the
/// next in line.
#[utoipa::path(
    post, path = "/api/v1/signups/{id}/withdraw", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Sign-up id")),
    responses(
        (status = 200, body = SignupView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sign-up closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    volunteer: Volunteer,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SignupView>> {
    Ok(Json(
        signups::withdraw(
            &state.db,
            volunteer.0.id,
            id,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The volunteer takes the place they were offered.
#[utoipa::path(
    post, path = "/api/v1/signups/{id}/accept", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Sign-up id")),
    responses(
        (status = 200, body = SignupView),
        (status = 409, description = "No open offer (expired or never made)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    volunteer: Volunteer,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SignupView>> {
    Ok(Json(
        signups::accept_offer(
            &state.db,
            volunteer.0.id,
            id,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The signed-in volunteer's current sign-ups (places, offers, waitlist positions).
#[utoipa::path(
    get, path = "/api/v1/volunteer/me/signups", tag = "volunteering",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<SignupView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_signups(
    State(state): State<AppState>,
    volunteer: Volunteer,
) -> AppResult<Json<Vec<SignupView>>> {
    Ok(Json(
        signups::my_signups(&state.db, volunteer.0.id, chrono::Utc::now()).await?,
    ))
}

/// Staff put a volunteer in a role (at any time, even beyond capacity).
#[utoipa::path(
    post, path = "/api/v1/session-roles/{id}/assign", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session role id")),
    request_body = AssignRequest,
    responses(
        (status = 200, body = SignupView),
        (status = 409, description = "Overlapping session", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(role_id): Path<Uuid>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> AppResult<Json<SignupView>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        signups::assign(
            &state.db,
            role_id,
            request.volunteer_id,
            &state.config.base_url,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Staff take someone out of a role; the place goes to the next in line.
#[utoipa::path(
    post, path = "/api/v1/signups/{id}/remove", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Sign-up id")),
    responses(
        (status = 200, body = SignupView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SignupView>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        signups::remove(&state.db, id, &state.config.base_url, chrono::Utc::now()).await?,
    ))
}

/// Who is in which role of a session (staff: names and contacts).
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/roster", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, body = Roster),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn roster(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Roster>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(reports::roster(&state.db, id).await?))
}

/// Marks attendance once the session has started.
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/attendance", tag = "volunteering",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = Vec<AttendanceMark>,
    responses(
        (status = 200, body = Roster),
        (status = 409, description = "The session has not started", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mark_attendance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(marks): ApiJson<Vec<AttendanceMark>>,
) -> AppResult<Json<Roster>> {
    staff.require(Permission::CoordinateVolunteers)?;
    Ok(Json(
        reports::mark_attendance(&state.db, id, marks, chrono::Utc::now()).await?,
    ))
}

/// The period of the hours report.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HoursQuery {
    /// First day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
}

/// Hours served per volunteer and per partner institution over a period.
#[utoipa::path(
    get, path = "/api/v1/volunteering/hours", tag = "volunteering",
    security(("session" = [])),
    params(HoursQuery),
    responses(
        (status = 200, body = HoursReport),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn hours(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<HoursQuery>,
) -> AppResult<Json<HoursReport>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(reports::hours(&state.db, query.from, query.to).await?))
}

/// The hours report as CSV (`scope,id,name,sessions,minutes,hours`).
#[utoipa::path(
    get, path = "/api/v1/volunteering/hours.csv", tag = "volunteering",
    security(("session" = [])),
    params(HoursQuery),
    responses((status = 200, content_type = "text/csv", body = String))
)]
pub async fn hours_csv(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<HoursQuery>,
) -> AppResult<Response> {
    staff.require(Permission::ReadStaffData)?;
    let report = reports::hours(&state.db, query.from, query.to).await?;
    Ok(csv_attachment(
        reports::hours_csv(&report),
        &format!("siar-hours-{}-{}.csv", query.from, query.to),
    ))
}

/// The mailbox query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MailboxQuery {
    /// Only mail to this address.
    pub to: Option<String>,
}

/// The newest 100 messages of the outbox, sent or not (staff): the local mailbox when no
/// SMTP server is configured, and a delivery log when one is.
#[utoipa::path(
    get, path = "/api/v1/mailbox", tag = "volunteering",
    security(("session" = [])),
    params(MailboxQuery),
    responses(
        (status = 200, body = Vec<MailView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mailbox(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<MailboxQuery>,
) -> AppResult<Json<Vec<MailView>>> {
    staff.require(Permission::ReadMailbox)?;
    Ok(Json(
        mail::mailbox_for_staff(
            &state.db,
            query.to.as_deref(),
            100,
            state.config.smtp_url.is_some(),
        )
        .await?,
    ))
}
