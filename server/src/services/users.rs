//! Staff accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, SqlErr,
};
use shared::dto::auth::{
    ChangePasswordRequest, CreateUserRequest, Role, SetPasswordRequest, UserResponse,
};
use shared::validation::{new_password, normalize_email, validate_create_user};
use shared::{FieldError, FieldErrors};
use uuid::Uuid;

use crate::auth::password;
use crate::db::entities::users;
use crate::error::{AppError, AppResult};
use crate::services::auth;

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
        calendar_token_sealed: Set(None),
        session_generation: Set(0),
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

/// Whether any account exists (the demo seeds only an empty database).
pub async fn any_exist(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(users::Entity::find().one(db).await?.is_some())
}

/// Takes the account's row first (a write, so SQLite's writer lock is held from the start
/// and PostgreSQL's row lock until commit), raising its session generation when `end_sessions`.
async fn lock_account<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    end_sessions: bool,
    now: DateTime<Utc>,
) -> AppResult<users::Model> {
    let generation = if end_sessions {
        Expr::col(users::Column::SessionGeneration).add(1)
    } else {
        Expr::col(users::Column::SessionGeneration)
    };
    users::Entity::update_many()
        .col_expr(users::Column::SessionGeneration, generation)
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(id))
        .exec_with_returning(db)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// An account that may sign in, by id, if `generation` is still its session generation
/// (a session opened before a deactivation, password change or "sign out everywhere" is not).
pub async fn find_signed_in(
    db: &DatabaseConnection,
    id: Uuid,
    generation: i32,
) -> AppResult<Option<UserResponse>> {
    let user = users::Entity::find_by_id(id).one(db).await?;
    Ok(user
        .filter(|u| u.active && u.session_generation == generation)
        .map(|u| to_response(&u)))
}

/// The generation a session opened now must carry.
pub async fn session_generation(db: &DatabaseConnection, id: Uuid) -> AppResult<i32> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.session_generation)
        .ok_or(AppError::NotFound)
}

/// Deactivates (every open session stops at once) or reactivates an account. Nobody can
/// deactivate their own account, so a library is never left without the admin who did it.
#[tracing::instrument(skip_all)]
pub async fn set_active(
    db: &DatabaseConnection,
    actor: Uuid,
    id: Uuid,
    active: bool,
    now: DateTime<Utc>,
) -> AppResult<UserResponse> {
    if actor == id && !active {
        return Err(AppError::field("active", FieldError::OwnAccount));
    }
    let txn = crate::db::begin(db).await?;
    let mut user = lock_account(&txn, id, !active, now).await?;
    if user.active != active {
        let mut model: users::ActiveModel = user.clone().into();
        model.active = Set(active);
        user = model.update(&txn).await?;
    }
    txn.commit().await?;
    tracing::info!(user.id = %id, active, "staff account {id} active: {active}");
    Ok(to_response(&user))
}

/// Ends every open session of the account (a lost phone, a shared computer).
#[tracing::instrument(skip_all)]
pub async fn end_sessions(db: &DatabaseConnection, id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    lock_account(&txn, id, true, now).await?;
    txn.commit().await?;
    tracing::info!(user.id = %id, "sessions of staff account {id} ended");
    Ok(())
}

/// An admin sets a new password for the account (told to the person out of band); every
/// open session of it ends.
#[tracing::instrument(skip_all)]
pub async fn set_password(
    db: &DatabaseConnection,
    id: Uuid,
    request: SetPasswordRequest,
    now: DateTime<Utc>,
) -> AppResult<()> {
    new_password(&request.password).map_err(|e| AppError::field("password", e))?;
    let hash = password::hash(request.password).await?;
    store_password(db, id, hash, now).await?;
    tracing::info!(user.id = %id, "password of staff account {id} set by an admin");
    Ok(())
}

/// The person changes their own password, proving the current one (under the sign-in rate
/// limit). Every session of the account ends; the caller binds the one this was asked from
/// again.
#[tracing::instrument(skip_all)]
pub async fn change_own_password(
    db: &DatabaseConnection,
    user: &UserResponse,
    request: ChangePasswordRequest,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    new_password(&request.new_password).map_err(|e| AppError::field("new_password", e))?;
    let account_key = normalize_email(&user.email);
    auth::take_attempt(db, &account_key, client_addr, now).await?;
    let stored = users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !password::verify(request.current_password, stored.password_hash).await? {
        return Err(AppError::field(
            "current_password",
            FieldError::WrongPassword,
        ));
    }
    auth::clear_failures(db, &account_key).await?;
    let hash = password::hash(request.new_password).await?;
    store_password(db, user.id, hash, now).await?;
    tracing::info!(user.id = %user.id, "staff {} changed their password", user.id);
    Ok(())
}

async fn store_password(
    db: &DatabaseConnection,
    id: Uuid,
    hash: String,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    let user = lock_account(&txn, id, true, now).await?;
    let mut model: users::ActiveModel = user.into();
    model.password_hash = Set(hash);
    model.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}
