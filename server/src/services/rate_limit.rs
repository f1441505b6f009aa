//! Rate limits on the public doors that make Siar send mail: volunteer registration,
//! sign-in links and contest entries. Anyone may use them without an account, so without a
//! limit they let a stranger send library-branded letters to any address at machine speed.
//!
//! Each request is one row per bucket it counts in; counting and writing are one step per
//! bucket (PostgreSQL's advisory lock; SQLite's one writer, held from `BEGIN`), so a
//! flood of parallel requests cannot all pass the count before any of them is written.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, Statement,
};
use uuid::Uuid;

use crate::db::entities::rate_events;
use crate::error::{AppError, AppResult};

/// The window public mail requests are counted in.
pub const MAIL_WINDOW: Duration = Duration::minutes(10);
/// Mail-sending requests one client address may make per window: enough for a teacher
/// entering a whole class from one school network, far too few to spam.
pub const MAILS_PER_CLIENT: u64 = 60;
/// Volunteer registrations and link requests naming one address per window, from anywhere:
/// its owner is not flooded even by many senders. (Sign-in links also have their own, lower
/// cap of letters; a contest's receipts to one address are capped by its entries per person.)
pub const MAILS_PER_RECIPIENT: u64 = 10;

/// One limit a request counts against.
#[derive(Debug, Clone)]
pub struct Limit {
    /// What is counted, e.g. `mail-from:203.0.113.7`.
    pub bucket: String,
    /// Requests allowed within the window.
    pub max: u64,
    /// How far back requests count.
    pub window: Duration,
}

/// The limit of a public request from `client_addr` that sends a letter.
pub fn mail_from(client_addr: &str) -> Limit {
    Limit {
        bucket: format!("mail-from:{client_addr}"),
        max: MAILS_PER_CLIENT,
        window: MAIL_WINDOW,
    }
}

/// The limit of a public request that sends a letter to `recipient`.
pub fn mail_to(recipient: &str) -> Limit {
    Limit {
        bucket: format!("mail-to:{}", shared::validation::normalize_email(recipient)),
        max: MAILS_PER_RECIPIENT,
        window: MAIL_WINDOW,
    }
}

/// Counts one request against every limit, or refuses with `RateLimited` (nothing counted)
/// when any of them is used up.
pub async fn take(db: &DatabaseConnection, limits: &[Limit], now: DateTime<Utc>) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Always in the given order, so two requests never wait for each other in a circle.
        for limit in limits {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                [limit.bucket.clone().into()],
            ))
            .await?;
        }
    }
    let mut wait: Option<u64> = None;
    for limit in limits {
        // Expired rows go before the count.
        rate_events::Entity::delete_many()
            .filter(rate_events::Column::Bucket.eq(&limit.bucket))
            .filter(rate_events::Column::At.lte(now - limit.window))
            .exec(&txn)
            .await?;
        let recent = rate_events::Entity::find()
            .filter(rate_events::Column::Bucket.eq(&limit.bucket))
            .count(&txn)
            .await?;
        if recent >= limit.max {
            let secs = limit.window.num_seconds().max(1) as u64;
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    if let Some(retry_after_secs) = wait {
        txn.rollback().await?;
        tracing::warn!("public request refused: rate limit reached");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    for limit in limits {
        rate_events::Entity::insert(rate_events::ActiveModel {
            id: Set(Uuid::now_v7()),
            bucket: Set(limit.bucket.clone()),
            at: Set(now),
        })
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Deletes requests older than any limit's window; run periodically.
pub async fn prune(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    let result = rate_events::Entity::delete_many()
        .filter(rate_events::Column::At.lte(now - MAIL_WINDOW))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
