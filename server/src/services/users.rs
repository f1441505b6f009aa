//! Staff accounts.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, SqlErr};
use shared::dto::auth::{CreateUserRequest, Role, UserResponse};
use shared::validation::{normalize_email, validate_create_user};
use shared::{FieldError, FieldErrors};
use uuid::Uuid;

use crate::auth::password;
use crate::db::entities::users;
use crate::error::{AppError, AppResult};

/// The wire view of an account. An unknown stored role reads as the least privileged one.
pub fn to_response(user: &users::Model) -> UserResponse {
    UserResponse {
        id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        role: Role::parse(&user.role).unwrap_or(Role::Viewer),
        active: user.active,
    }
}

/// Creates a staff account after checking the shared field rules; an e-mail address already
/// in use is reported on the `email` field.
#[tracing::instrument(skip_all)]
pub async fn create_user(
    db: &DatabaseConnection,
    request: CreateUserRequest,
    now: DateTime<Utc>,
) -> AppResult<UserResponse> {
    validate_create_user(&request).map_err(AppError::Invalid)?;
    let role = request.role.unwrap_or(Role::Viewer);
    let password_hash = password::hash(request.password).await?;
    let model = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(normalize_email(&request.email)),
        name: Set(request.name.trim().to_owned()),
        role: Set(role.as_str().to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        calendar_token: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    match users::Entity::insert(model).exec_with_returning(db).await {
        Ok(user) => {
            tracing::info!(user.id = %user.id, "staff account {} created", user.id);
            Ok(to_response(&user))
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Err(
            AppError::Invalid(FieldErrors::single("email", FieldError::Taken)),
        ),
        Err(e) => Err(e.into()),
    }
}

/// Every staff account, by name.
pub async fn list_users(db: &DatabaseConnection) -> AppResult<Vec<UserResponse>> {
    let rows = users::Entity::find()
        .order_by_asc(users::Column::Name)
        .all(db)
        .await?;
    Ok(rows.iter().map(to_response).collect())
}

/// An account that may sign in, by id.
pub async fn find_active(db: &DatabaseConnection, id: Uuid) -> AppResult<Option<UserResponse>> {
    let user = users::Entity::find_by_id(id).one(db).await?;
    Ok(user.filter(|u| u.active).map(|u| to_response(&u)))
}

/// Whether any account exists (the demo seeds only an empty database).
pub async fn any_exist(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(users::Entity::find().one(db).await?.is_some())
}
