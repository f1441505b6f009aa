//! `/api/v1/users`: staff accounts (admins only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::Problem;
use shared::dto::auth::{CreateUserRequest, Role, UserResponse};

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::services;

/// Every staff account.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<UserResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<Vec<UserResponse>>> {
    staff.require(Role::Admin)?;
    Ok(Json(services::users::list_users(&state.db).await?))
}

/// Creates a staff account.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users",
    security(("session" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the e-mail address is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> AppResult<(StatusCode, Json<UserResponse>)> {
    staff.require(Role::Admin)?;
    let user = services::users::create_user(&state.db, request, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(user)))
}
