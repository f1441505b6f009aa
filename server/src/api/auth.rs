//! `/api/v1/auth`: sign in, sign out, who am I.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use shared::Problem;
use shared::dto::auth::{
    ChangePasswordRequest, LoginRequest, LoginResponse, PasswordChanged, UserResponse,
};
use tower_sessions::Session;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::{SESSION_USER_GENERATION_KEY, SESSION_USER_KEY, Staff};
use crate::context::RequestContext;
use crate::csrf;
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
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
) -> AppResult<(csrf::Rotation, Json<LoginResponse>)> {
    let user = services::auth::sign_in(
        &state.db,
        &request.email,
        &request.password,
        &context.client_addr,
        chrono::Utc::now(),
    )
    .await?;
    let rotation = start_session(&state, &session, &user).await?;
    let csrf_token = rotation.token.clone();
    Ok((rotation, Json(LoginResponse { user, csrf_token })))
}

/// Binds the session to `user` and the account's session generation (raised when an admin
/// or the person ends every session); see [`bind_session`].
pub async fn start_session(
    state: &AppState,
    session: &Session,
    user: &UserResponse,
) -> AppResult<csrf::Rotation> {
    let generation = services::users::session_generation(&state.db, user.id).await?;
    let rotation = bind_session(state, session, SESSION_USER_KEY, user.id).await?;
    session
        .insert(SESSION_USER_GENERATION_KEY, generation)
        .await
        .map_err(session_error)?;
    Ok(rotation)
}

/// Every sign-in's last step: the session's `key` now names `id`, under a fresh session id
/// and a fresh CSRF token (no fixation of either). Put the rotation into the answer.
pub async fn bind_session(
    state: &AppState,
    session: &Session,
    key: &str,
    id: uuid::Uuid,
) -> AppResult<csrf::Rotation> {
    session.cycle_id().await.map_err(session_error)?;
    session.insert(key, id).await.map_err(session_error)?;
    Ok(csrf::rotate(state.config.secure_cookies()))
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

/// Changes the signed-in person's own password. Every other session of the account ends;
/// this one goes on under a new CSRF token, returned.
#[utoipa::path(
    put, path = "/api/v1/auth/password", tag = "auth",
    security(("session" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = PasswordChanged),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The current password is wrong, or the new one too short", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    staff: Staff,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> AppResult<(csrf::Rotation, Json<PasswordChanged>)> {
    let user = staff.require(Permission::ManageOwnAccount)?;
    let rotation = change_own_password(&state, &session, &context, user, request).await?;
    let csrf_token = rotation.token.clone();
    Ok((rotation, Json(PasswordChanged { csrf_token })))
}

/// The one way to change one's own password (API and form): checked and stored (which ends
/// every session of the account), then this session is started again.
pub async fn change_own_password(
    state: &AppState,
    session: &Session,
    context: &RequestContext,
    user: &UserResponse,
    request: ChangePasswordRequest,
) -> AppResult<csrf::Rotation> {
    services::users::change_own_password(
        &state.db,
        user,
        request,
        &context.client_addr,
        chrono::Utc::now(),
    )
    .await?;
    start_session(state, session, user).await
}
