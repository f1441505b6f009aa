//! Signing in, with the login rate limit: at most 5 failed tries per 10 minutes per account
//! and per client address. Failures are rows in the database, so the limit holds across
//! server instances; once reached, even the right password is refused until the window
//! has moved on.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use shared::dto::auth::UserResponse;
use shared::validation::normalize_email;
use uuid::Uuid;

use crate::auth::password;
use crate::db::entities::{login_attempts, users};
use crate::error::{AppError, AppResult};
use crate::services::users::to_response;

/// The window failures are counted in.
pub const FAILURE_WINDOW: Duration = Duration::minutes(10);
/// Failures allowed within the window, per account and per address.
pub const MAX_FAILURES: u64 = 5;

/// Checks an e-mail address and password. `client_addr` is the requester's IP address.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password_text: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<UserResponse> {
    let account_key = normalize_email(email);
    check_limit(db, &account_key, client_addr, now).await?;

    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&account_key))
        .one(db)
        .await?;
    let accepted = match &user {
        Some(user) if user.active => {
            password::verify(password_text.to_owned(), user.password_hash.clone()).await?
        }
        _ => {
            password::verify_against_dummy(password_text.to_owned()).await?;
            false
        }
    };

    match user {
        Some(user) if accepted => {
            clear_failures(db, &account_key).await?;
            tracing::info!(user.id = %user.id, "staff {} signed in", user.id);
            Ok(to_response(&user))
        }
        _ => {
            record_failure(db, &account_key, client_addr, now).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Refuses with `RateLimited` while the account or the address is locked out. Volunteers'
/// password sign-in shares the limit under the account key `volunteer:<e-mail>`.
pub async fn check_limit(
    db: &DatabaseConnection,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match lockout(db, account_key, client_addr, now).await? {
        Some(retry_after_secs) => {
            tracing::warn!("sign-in refused: too many failed attempts");
            Err(AppError::RateLimited { retry_after_secs })
        }
        None => Ok(()),
    }
}

/// Counts a failed sign-in against the account and the address.
pub async fn record_failure(
    db: &DatabaseConnection,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    login_attempts::Entity::insert(login_attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_key: Set(account_key.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        failed_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Forgets an account's failures after a successful sign-in.
pub async fn clear_failures(db: &DatabaseConnection, account_key: &str) -> AppResult<()> {
    login_attempts::Entity::delete_many()
        .filter(login_attempts::Column::AccountKey.eq(account_key))
        .exec(db)
        .await?;
    Ok(())
}

/// Seconds until a locked account or address may try again, or `None` when it may now.
async fn lockout(
    db: &DatabaseConnection,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<u64>> {
    let since = now - FAILURE_WINDOW;
    let mut wait = None;
    for condition in [
        login_attempts::Column::AccountKey.eq(account_key),
        login_attempts::Column::ClientAddr.eq(client_addr),
    ] {
        // The MAX_FAILURES-th most recent failure decides: it leaves the window first.
        let recent: Vec<DateTime<Utc>> = login_attempts::Entity::find()
            .select_only()
            .column(login_attempts::Column::FailedAt)
            .filter(condition)
            .filter(login_attempts::Column::FailedAt.gt(since))
            .order_by_desc(login_attempts::Column::FailedAt)
            .limit(MAX_FAILURES)
            .into_tuple()
            .all(db)
            .await?;
        if recent.len() as u64 >= MAX_FAILURES
            && let Some(oldest) = recent.last()
        {
            let secs = (*oldest + FAILURE_WINDOW - now).num_seconds().max(1) as u64;
            wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
        }
    }
    Ok(wait)
}

/// Deletes failures that no longer count; run periodically.
pub async fn prune_attempts(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    let result = login_attempts::Entity::delete_many()
        .filter(login_attempts::Column::FailedAt.lte(now - FAILURE_WINDOW))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
