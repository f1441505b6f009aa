//! `/api/v1/users`: staff accounts (admins only): list, create, deactivate and reactivate,
//! set a password, end every session.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::Problem;
use shared::dto::auth::{CreateUserRequest, SetPasswordRequest, UserResponse};
use uuid::Uuid;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
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
    staff.require(Permission::ManageAccounts)?;
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
    staff.require(Permission::ManageAccounts)?;
    let user = services::users::create_user(&state.db, request, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Deactivates an account: every open session of it stops at its next request.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/deactivate", tag = "users",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 200, body = UserResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An admin cannot deactivate their own account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deactivate_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<UserResponse>> {
    let admin = staff.require(Permission::ManageAccounts)?;
    let user = services::users::set_active(&state.db, admin.id, id, false, now()).await?;
    Ok(Json(user))
}

/// Reactivates an account (its old sessions stay ended; the person signs in again).
#[utoipa::path(
    post, path = "/api/v1/users/{id}/activate", tag = "users",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 200, body = UserResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activate_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<UserResponse>> {
    let admin = staff.require(Permission::ManageAccounts)?;
    let user = services::users::set_active(&state.db, admin.id, id, true, now()).await?;
    Ok(Json(user))
}

/// Sets a new password for an account (tell the person out of band); its sessions end.
#[utoipa::path(
    put, path = "/api/v1/users/{id}/password", tag = "users",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Set; every session of the account has ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(request): ApiJson<SetPasswordRequest>,
) -> AppResult<StatusCode> {
    staff.require(Permission::ManageAccounts)?;
    services::users::set_password(&state.db, id, request, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every open session of an account (a lost phone, a shared computer).
#[utoipa::path(
    post, path = "/api/v1/users/{id}/sign-out", tag = "users",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 204, description = "Every session of the account has ended"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    staff.require(Permission::ManageAccounts)?;
    services::users::end_sessions(&state.db, id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
