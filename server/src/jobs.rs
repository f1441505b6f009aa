//! The background job loop every instance runs: expired waitlist offers, session reminders,
//! change notices, agreement expiry reminders, then mail delivery. All state lives in the
//! database, and each job is safe to run on several instances at once, so scaling out needs
//! no leader.

use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;

use crate::error::AppResult;
use crate::services::cooperation;
use crate::services::mail::{self, Transport};
use crate::services::signups::jobs;

/// Runs one pass of every job at `now` (tests call this with their own clock).
pub async fn run_once(
    db: &DatabaseConnection,
    transport: &Transport,
    base_url: &str,
    now: chrono::DateTime<Utc>,
) -> AppResult<usize> {
    jobs::expire_offers(db, base_url, now).await?;
    jobs::queue_reminders(db, base_url, now).await?;
    jobs::notify_changes(db, base_url, now).await?;
    cooperation::queue_expiry_reminders(db, base_url, now).await?;
    mail::deliver_due(db, transport, now).await
}

/// Runs the jobs every `every` until the task is aborted.
pub async fn run(db: DatabaseConnection, transport: Transport, base_url: String, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = run_once(&db, &transport, &base_url, Utc::now()).await {
            tracing::warn!(%error, "background jobs failed; retrying next tick");
        }
    }
}
