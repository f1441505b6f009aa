//! The staff account forms, so they work without JavaScript: an admin's actions on
//! `/staff/users` and one's own password on `/staff`. Each answers 303 back to its page with
//! `?done=` or `?error=`, which the page explains.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use shared::dto::auth::{ChangePasswordRequest, SetPasswordRequest};
use shared::{FieldError, FieldErrors};
use tower_sessions::Session;
use uuid::Uuid;

use crate::api::auth::change_own_password;
use crate::app::AppState;
use crate::auth::Staff;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::forms::{Pairs, field};
use crate::policy::Permission;
use crate::services::users;

/// Back to the account's row on `/staff/users`, saying what happened.
fn back_to_users(id: Uuid, outcome: AppResult<()>, done: &str) -> AppResult<Redirect> {
    let result = match outcome {
        Ok(()) => format!("done={done}"),
        Err(AppError::Invalid(errors)) => format!("error={}", users_error(&errors)),
        Err(other) => return Err(other),
    };
    Ok(Redirect::to(&format!("/staff/users?{result}#user-{id}")))
}

fn users_error(errors: &FieldErrors) -> &'static str {
    if errors.0.contains_key("password") {
        "password"
    } else if errors
        .0
        .values()
        .any(|list| list.contains(&FieldError::OwnAccount))
    {
        "own-account"
    } else {
        "invalid"
    }
}

/// `POST /staff/users/{id}/deactivate`.
pub async fn deactivate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    let admin = staff.require(Permission::ManageAccounts)?;
    let outcome = users::set_active(&state.db, admin.id, id, false, chrono::Utc::now()).await;
    back_to_users(id, outcome.map(drop), "deactivated")
}

/// `POST /staff/users/{id}/activate`.
pub async fn activate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    let admin = staff.require(Permission::ManageAccounts)?;
    let outcome = users::set_active(&state.db, admin.id, id, true, chrono::Utc::now()).await;
    back_to_users(id, outcome.map(drop), "activated")
}

/// `POST /staff/users/{id}/sign-out`: ends every session of the account.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManageAccounts)?;
    let outcome = users::end_sessions(&state.db, id, chrono::Utc::now()).await;
    back_to_users(id, outcome, "signed-out")
}

/// `POST /staff/users/{id}/password`: field `password`.
pub async fn set_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::ManageAccounts)?;
    let request = SetPasswordRequest {
        password: field(&pairs, "password").unwrap_or_default().to_owned(),
    };
    let outcome = users::set_password(&state.db, id, request, chrono::Utc::now()).await;
    back_to_users(id, outcome, "password")
}

/// `POST /account/password`: fields `current_password`, `new_password`; back to the
/// dashboard's account card.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let user = staff.require(Permission::ManageOwnAccount)?;
    let request = ChangePasswordRequest {
        current_password: field(&pairs, "current_password")
            .unwrap_or_default()
            .to_owned(),
        new_password: field(&pairs, "new_password").unwrap_or_default().to_owned(),
    };
    let outcome = change_own_password(&state, &session, &context, user, request).await;
    let code = match outcome {
        Ok(rotation) => {
            let back = Redirect::to("/staff?password=changed#my-account");
            return Ok((rotation, back).into_response());
        }
        Err(AppError::Invalid(errors)) if errors.0.contains_key("current_password") => "wrong",
        Err(AppError::Invalid(_)) => "short",
        Err(AppError::RateLimited { .. }) => "locked",
        Err(other) => return Err(other),
    };
    Ok(Redirect::to(&format!("/staff?password={code}#my-account")).into_response())
}
