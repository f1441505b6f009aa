//! Signing in, with the login rate limit: at most 5 failed tries per 10 minutes per account
//! and per client address. Failures are rows in the database, so the limit holds across
//! server instances; once reached, even the right password is refused until the window
//! has moved on.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
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
/// Failures allowed within the window, per account.
pub const MAX_FAILURES: u64 = 5;
/// Failures allowed within the window from one client address, over all accounts: higher
/// than an account's, so one person mistyping behind a shared address (a school's network, a
/// proxy without `SIAR_CLIENT_IP_HEADER`) does not lock everyone else out, while guessing
/// across many accounts from one address still stops.
pub const MAX_ADDRESS_FAILURES: u64 = 50;

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
    take_attempt(db, &account_key, client_addr, now).await?;

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
        // The attempt taken above stays counted.
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Takes one sign-in attempt for the account (volunteers' password sign-in uses the key
/// `volunteer:<e-mail>`) and the address, or refuses with `RateLimited` while either is locked
/// out. The attempt counts as a failure until [`clear_failures`] forgets it after a right
/// password, so checking and counting are one step: wrong passwords sent in parallel cannot
/// all pass the check before any of them is counted.
pub async fn take_attempt(
    db: &DatabaseConnection,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // One attempt at a time per account, then per address; always in this order, so two
        // attempts never wait for each other in a circle.
        for key in [
            format!("account:{account_key}"),
            format!("address:{client_addr}"),
        ] {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                [key.into()],
            ))
            .await?;
        }
    }
    // Old failures go first (SQLite's transaction already holds the writer's lock: `db::begin`).
    login_attempts::Entity::delete_many()
        .filter(login_attempts::Column::AccountKey.eq(account_key))
        .filter(login_attempts::Column::FailedAt.lte(now - FAILURE_WINDOW))
        .exec(&txn)
        .await?;
    if let Some(retry_after_secs) = lockout(&txn, account_key, client_addr, now).await? {
        txn.rollback().await?;
        tracing::warn!("sign-in refused: too many failed attempts");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    login_attempts::Entity::insert(login_attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_key: Set(account_key.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        failed_at: Set(now),
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
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
    db: &impl ConnectionTrait,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<u64>> {
    let since = now - FAILURE_WINDOW;
    let mut wait = None;
    for (condition, limit) in [
        (
            login_attempts::Column::AccountKey.eq(account_key),
            MAX_FAILURES,
        ),
        (
            login_attempts::Column::ClientAddr.eq(client_addr),
            MAX_ADDRESS_FAILURES,
        ),
    ] {
        // The limit-th most recent failure decides: it leaves the window first.
        let recent: Vec<DateTime<Utc>> = login_attempts::Entity::find()
            .select_only()
            .column(login_attempts::Column::FailedAt)
            .filter(condition)
            .filter(login_attempts::Column::FailedAt.gt(since))
            .order_by_desc(login_attempts::Column::FailedAt)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        if recent.len() as u64 >= limit
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
