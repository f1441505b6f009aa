//! `/api/v1/programs`: programs (public ones for everyone, all for staff).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::Problem;
use shared::dto::partners::PartnerAssignment;
use shared::dto::programs::{ProgramInput, ProgramResponse};
use uuid::Uuid;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::programs::{self, Audience};

/// Programs by name: published ones, or all for staff.
#[utoipa::path(
    get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, body = Vec<ProgramResponse>))
)]
pub async fn list_programs(
    State(state): State<AppState>,
    audience: Audience,
) -> AppResult<Json<Vec<ProgramResponse>>> {
    Ok(Json(
        programs::list_programs(&state.db, audience, chrono::Utc::now()).await?,
    ))
}

/// Creates a program.
#[utoipa::path(
    post, path = "/api/v1/programs", tag = "programs",
    security(("session" = [])),
    request_body = ProgramInput,
    responses(
        (status = 201, body = ProgramResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown zone, or slug taken", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_program(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<ProgramInput>,
) -> AppResult<(StatusCode, Json<ProgramResponse>)> {
    staff.require(Permission::PlanSchedule)?;
    let program = programs::create_program(&state.db, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(program)))
}

/// One program.
#[utoipa::path(
    get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = Uuid, Path, description = "Program id")),
    responses(
        (status = 200, body = ProgramResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_program(
    State(state): State<AppState>,
    audience: Audience,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ProgramResponse>> {
    Ok(Json(
        programs::get_program(&state.db, id, audience, chrono::Utc::now()).await?,
    ))
}

/// Changes a program.
#[utoipa::path(
    put, path = "/api/v1/programs/{id}", tag = "programs",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Program id")),
    request_body = ProgramInput,
    responses(
        (status = 200, body = ProgramResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_program(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ProgramInput>,
) -> AppResult<Json<ProgramResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        programs::update_program(&state.db, id, input, chrono::Utc::now()).await?,
    ))
}

/// Replaces the partners on a program.
#[utoipa::path(
    put, path = "/api/v1/programs/{id}/partners", tag = "programs",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Program id")),
    request_body = Vec<PartnerAssignment>,
    responses(
        (status = 200, body = ProgramResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_program_partners(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<Vec<PartnerAssignment>>,
) -> AppResult<Json<ProgramResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        programs::set_program_partners(&state.db, id, input, chrono::Utc::now()).await?,
    ))
}
