//! `/api/v1/partners`: partner organisations (staff only: contact details are personal).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::Problem;
use shared::dto::partners::{PartnerInput, PartnerResponse};
use uuid::Uuid;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::partners;

/// Every partner, by name.
#[utoipa::path(
    get, path = "/api/v1/partners", tag = "partners",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<PartnerResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_partners(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<Vec<PartnerResponse>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(partners::list_partners(&state.db).await?))
}

/// Creates a partner.
#[utoipa::path(
    post, path = "/api/v1/partners", tag = "partners",
    security(("session" = [])),
    request_body = PartnerInput,
    responses(
        (status = 201, body = PartnerResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_partner(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<PartnerInput>,
) -> AppResult<(StatusCode, Json<PartnerResponse>)> {
    staff.require(Permission::ManagePartners)?;
    let partner = partners::create_partner(&state.db, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(partner)))
}

/// One partner.
#[utoipa::path(
    get, path = "/api/v1/partners/{id}", tag = "partners",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Partner id")),
    responses(
        (status = 200, body = PartnerResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_partner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PartnerResponse>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(partners::get_partner(&state.db, id).await?))
}

/// Changes a partner.
#[utoipa::path(
    put, path = "/api/v1/partners/{id}", tag = "partners",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Partner id")),
    request_body = PartnerInput,
    responses(
        (status = 200, body = PartnerResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_partner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<PartnerInput>,
) -> AppResult<Json<PartnerResponse>> {
    staff.require(Permission::ManagePartners)?;
    Ok(Json(
        partners::update_partner(&state.db, id, input, chrono::Utc::now()).await?,
    ))
}

/// Removes a partner and its roles.
#[utoipa::path(
    delete, path = "/api/v1/partners/{id}", tag = "partners",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Partner id")),
    responses(
        (status = 204),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_partner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    staff.require(Permission::ManagePartners)?;
    partners::delete_partner(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
