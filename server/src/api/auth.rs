//! `/api/v1/auth`: sign in, sign out, who am I.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use shared::Problem;
use shared::dto::auth::{LoginRequest, LoginResponse, UserResponse};
use tower_sessions::Session;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::{SESSION_USER_KEY, Staff};
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::services;

/// Signs a staff member in: sets the session cookie and returns the CSRF token.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong e-mail address or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    ApiJson(request): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    let user = services::auth::sign_in(
        &state.db,
        &request.email,
        &request.password,
        &context.client_addr,
        chrono::Utc::now(),
    )
    .await?;
    start_session(&session, &user).await?;
    Ok(Json(LoginResponse {
        user,
        csrf_token: context.csrf_token,
    }))
}

/// Binds the session to `user` under a fresh session id (no session fixation).
pub async fn start_session(session: &Session, user: &UserResponse) -> AppResult<()> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_USER_KEY, user.id)
        .await
        .map_err(session_error)
}

/// Ends the session. Signing out twice is not an error.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(session: Session) -> AppResult<StatusCode> {
    session.flush().await.map_err(session_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in staff member.
#[utoipa::path(
    get, path = "/api/v1/auth/me", tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, body = UserResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(staff: Staff) -> Json<UserResponse> {
    Json(staff.0)
}

/// A session store failure is the database failing.
pub fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("session store: {error}"))
}
