//! `/api/v1/series`, `/api/v1/sessions`, `/api/v1/blackouts`, `/api/v1/conflicts`: planning
//! recurring series and their sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use shared::Problem;
use shared::dto::partners::PartnerAssignment;
use shared::dto::schedule::{
    BlackoutInput, BlackoutResponse, CancelRequest, Conflict, EditOutcome, EndSeriesRequest, OnAir,
    PreviewRequest, PreviewResponse, SeriesInput, SeriesResponse, SeriesUpdate, SessionEdit,
    SessionInput, SessionPage, SessionResponse, WatchLinkInput,
};
use shared::words::{ProgramKind, SessionStatus};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::{ApiJson, ApiQuery};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::programs::Audience;
use crate::services::sessions::SessionFilter;
use crate::services::{blackouts, series, sessions};

/// The filters of the session listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Sessions starting at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Sessions starting before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Only this program (id).
    pub program_id: Option<Uuid>,
    /// Only this program (slug).
    pub program: Option<String>,
    /// Only programs of this kind.
    #[param(value_type = Option<String>)]
    pub kind: Option<ProgramKind>,
    /// Only sessions with this partner (on the session or its program).
    pub partner: Option<Uuid>,
    /// Only this status.
    #[param(value_type = Option<String>)]
    pub status: Option<SessionStatus>,
    /// Page number from 1 (default 1).
    pub page: Option<u64>,
    /// Page size, 1 to 500 (default 50).
    pub per_page: Option<u64>,
}

/// Sessions by start, filtered and paginated. The public sees published programs only.
#[utoipa::path(
    get, path = "/api/v1/sessions", tag = "sessions",
    params(SessionQuery),
    responses(
        (status = 200, body = SessionPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    audience: Audience,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> AppResult<Json<SessionPage>> {
    let filter = SessionFilter {
        from: query.from,
        to: query.to,
        program_id: query.program_id,
        program_slug: query.program,
        kind: query.kind,
        partner_id: query.partner,
        status: query.status,
        ends_after: None,
    };
    let page = sessions::list_sessions(
        &state.db,
        &filter,
        audience,
        query.page.unwrap_or(1),
        query.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(page))
}

/// Which program's sessions on the air.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnAirQuery {
    /// Only this program (slug).
    pub program: Option<String>,
}

/// Published sessions on the air now, or starting within 15 minutes, with where to watch
/// them; by start. Decided at each request (the answer is not cached).
#[utoipa::path(
    get, path = "/api/v1/on-air", tag = "sessions",
    params(OnAirQuery),
    responses(
        (status = 200, body = Vec<OnAir>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn on_air(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OnAirQuery>,
) -> AppResult<Json<Vec<OnAir>>> {
    Ok(Json(
        sessions::on_air(&state.db, query.program, Utc::now()).await?,
    ))
}

/// One session, with its episode once staff recorded one.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, body = SessionResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_session(
    State(state): State<AppState>,
    audience: Audience,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SessionResponse>> {
    Ok(Json(
        crate::services::episodes::session_with_episode(&state.db, id, audience).await?,
    ))
}

/// Creates a one-off session.
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "sessions",
    security(("session" = [])),
    request_body = SessionInput,
    responses(
        (status = 201, body = EditOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_session(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<SessionInput>,
) -> AppResult<(StatusCode, Json<EditOutcome>)> {
    staff.require(Permission::PlanSchedule)?;
    let outcome = sessions::create_session(&state.db, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// Sets this session's own watch link (a broadcast moved to another channel this once), or
/// gives it back its program's link with both fields empty.
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/watch-link", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = WatchLinkInput,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_watch_link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<WatchLinkInput>,
) -> AppResult<Json<SessionResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        sessions::set_watch_link(&state.db, id, input, Utc::now()).await?,
    ))
}

/// Edits a session: this one only, this and following (splits the series), or all future.
#[utoipa::path(
    patch, path = "/api/v1/sessions/{id}", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = SessionEdit,
    responses(
        (status = 200, body = EditOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn edit_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(edit): ApiJson<SessionEdit>,
) -> AppResult<Json<EditOutcome>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        sessions::edit_session(&state.db, id, edit, Utc::now()).await?,
    ))
}

/// Cancels a session; it stays listed as cancelled.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/cancel", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = CancelRequest,
    responses(
        (status = 200, body = EditOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<CancelRequest>,
) -> AppResult<Json<EditOutcome>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        sessions::cancel_session(&state.db, id, request, Utc::now()).await?,
    ))
}

/// Restores a cancelled session.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/restore", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, body = EditOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<EditOutcome>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        sessions::restore_session(&state.db, id, Utc::now()).await?,
    ))
}

/// Replaces the partners on a session.
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/partners", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = Vec<PartnerAssignment>,
    responses(
        (status = 200, body = EditOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_session_partners(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<Vec<PartnerAssignment>>,
) -> AppResult<Json<EditOutcome>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        sessions::set_session_partners(&state.db, id, input, Utc::now()).await?,
    ))
}

/// Sessions overlapping this one that share its program, host or a partner.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/conflicts", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, body = Vec<Conflict>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn session_conflicts(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<Conflict>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(sessions::conflicts_for(&state.db, id).await?))
}

/// The range of the conflict listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// From (default now).
    pub from: Option<DateTime<Utc>>,
    /// To (default 90 days after `from`; at most a year).
    pub to: Option<DateTime<Utc>>,
}

/// Every conflict among sessions in a range.
#[utoipa::path(
    get, path = "/api/v1/conflicts", tag = "sessions",
    security(("session" = [])),
    params(RangeQuery),
    responses(
        (status = 200, body = Vec<Conflict>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_conflicts(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(range): ApiQuery<RangeQuery>,
) -> AppResult<Json<Vec<Conflict>>> {
    staff.require(Permission::ReadStaffData)?;
    let from = range.from.unwrap_or_else(Utc::now);
    let to = range
        .to
        .unwrap_or(from + Duration::days(90))
        .min(from + Duration::days(366));
    Ok(Json(
        sessions::conflicts_between(&state.db, from, to).await?,
    ))
}

/// The next ten dates of a rule and its summary, without saving anything. For staff building
/// a series: expanding a rule costs CPU, which strangers must not be able to spend.
#[utoipa::path(
    post, path = "/api/v1/series/preview", tag = "series",
    security(("session" = [])),
    request_body = PreviewRequest,
    responses(
        (status = 200, body = PreviewResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview_series(
    staff: Staff,
    ApiJson(request): ApiJson<PreviewRequest>,
) -> AppResult<Json<PreviewResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(series::preview_off_thread(request, Utc::now()).await?))
}

/// Creates a recurring series and its sessions for the next twelve months.
#[utoipa::path(
    post, path = "/api/v1/series", tag = "series",
    security(("session" = [])),
    request_body = SeriesInput,
    responses(
        (status = 201, body = SeriesResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a rule that yields no dates", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_series(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<SeriesInput>,
) -> AppResult<(StatusCode, Json<SeriesResponse>)> {
    staff.require(Permission::PlanSchedule)?;
    let created = series::create_series(&state.db, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The series of a program.
#[utoipa::path(
    get, path = "/api/v1/programs/{id}/series", tag = "series",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Program id")),
    responses(
        (status = 200, body = Vec<SeriesResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_program_series(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<SeriesResponse>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(series::list_series(&state.db, id).await?))
}

/// One series.
#[utoipa::path(
    get, path = "/api/v1/series/{id}", tag = "series",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Series id")),
    responses(
        (status = 200, body = SeriesResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_series(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<SeriesResponse>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(series::get_series(&state.db, id).await?))
}

/// Changes a series from now on, or from `from_session` on (splitting it there). The
/// response is the series that now holds the changed sessions.
#[utoipa::path(
    put, path = "/api/v1/series/{id}", tag = "series",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Series id")),
    request_body = SeriesUpdate,
    responses(
        (status = 200, body = SeriesResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_series(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(update): ApiJson<SeriesUpdate>,
) -> AppResult<Json<SeriesResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        series::update_series(&state.db, id, update, Utc::now())
            .await?
            .0,
    ))
}

/// Ends a series after a day; later sessions go.
#[utoipa::path(
    post, path = "/api/v1/series/{id}/end", tag = "series",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Series id")),
    request_body = EndSeriesRequest,
    responses(
        (status = 200, body = SeriesResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn end_series(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<EndSeriesRequest>,
) -> AppResult<Json<SeriesResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        series::end_series(&state.db, id, request, Utc::now())
            .await?
            .0,
    ))
}

/// Every day off.
#[utoipa::path(
    get, path = "/api/v1/blackouts", tag = "series",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<BlackoutResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_blackouts(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<Vec<BlackoutResponse>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(blackouts::list_blackouts(&state.db).await?))
}

/// Adds a day off (one program, or all); its series sessions are cancelled.
#[utoipa::path(
    post, path = "/api/v1/blackouts", tag = "series",
    security(("session" = [])),
    request_body = BlackoutInput,
    responses(
        (status = 201, body = BlackoutResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_blackout(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<BlackoutInput>,
) -> AppResult<(StatusCode, Json<BlackoutResponse>)> {
    staff.require(Permission::PlanSchedule)?;
    let created = blackouts::create_blackout(&state.db, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Removes a day off; the sessions it cancelled return.
#[utoipa::path(
    delete, path = "/api/v1/blackouts/{id}", tag = "series",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Blackout id")),
    responses(
        (status = 204),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_blackout(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    staff.require(Permission::PlanSchedule)?;
    blackouts::delete_blackout(&state.db, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
