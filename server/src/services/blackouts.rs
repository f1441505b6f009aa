//! Blackout dates: days off for one program or for all, which cancel every session of the
//! programs they cover on that day (in a series, edited one by one, or one-off); removing
//! the day off gives back exactly the sessions it cancelled.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use shared::FieldError;
use shared::dto::schedule::{BlackoutInput, BlackoutResponse};
use shared::words::SessionStatus;
use uuid::Uuid;

use crate::db::entities::{blackout_dates, sessions};
use crate::domain::zone::{parse_tz, utc_to_local};
use crate::error::{AppError, AppResult};
use crate::services::programs::{Audience, find_model};

fn view(model: blackout_dates::Model, skipped: u32) -> BlackoutResponse {
    BlackoutResponse {
        id: model.id,
        program_id: model.program_id,
        day: model.day,
        reason: model.reason,
        skipped_sessions: skipped,
    }
}

/// Adds a day off and cancels the scheduled sessions on it.
#[tracing::instrument(skip_all)]
pub async fn create_blackout(
    db: &DatabaseConnection,
    input: BlackoutInput,
    now: DateTime<Utc>,
) -> AppResult<BlackoutResponse> {
    input.validate().map_err(AppError::Invalid)?;
    if let Some(program) = input.program_id {
        find_model(db, program, Audience::Staff)
            .await
            .map_err(|_| AppError::field("program_id", FieldError::UnknownReference))?;
    }
    let txn = crate::db::begin(db).await?;
    let model = blackout_dates::ActiveModel {
        id: Set(Uuid::now_v7()),
        program_id: Set(input.program_id),
        day: Set(input.day),
        reason: Set(input.reason.trim().to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    // Sessions on that local day start within 14 hours either side of UTC midnight.
    let midnight = input.day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut candidates = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(midnight - chrono::Duration::hours(15)))
        .filter(sessions::Column::StartsAt.lt(midnight + chrono::Duration::hours(39)))
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()));
    if let Some(program) = input.program_id {
        candidates = candidates.filter(sessions::Column::ProgramId.eq(program));
    }
    let mut skipped = 0u32;
    for session in candidates.all(&txn).await? {
        let Ok(tz) = parse_tz(&session.tz) else {
            continue;
        };
        if utc_to_local(tz, session.starts_at).date() != input.day {
            continue;
        }
        let sequence = session.sequence + 1;
        let mut active: sessions::ActiveModel = session.into();
        active.status = Set(SessionStatus::Cancelled.as_str().to_owned());
        active.cancel_reason = Set(Some(model.reason.clone()));
        active.blackout_id = Set(Some(model.id));
        active.sequence = Set(sequence);
        active.updated_at = Set(now);
        active.update(&txn).await?;
        skipped += 1;
    }
    txn.commit().await?;
    tracing::info!(blackout.id = %model.id, "day off {} skips {skipped} sessions", model.id);
    Ok(view(model, skipped))
}

/// Removes a day off and restores the sessions it cancelled.
#[tracing::instrument(skip_all, fields(blackout.id = %id))]
pub async fn delete_blackout(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    blackout_dates::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let skipped = sessions::Entity::find()
        .filter(sessions::Column::BlackoutId.eq(id))
        .all(&txn)
        .await?;
    for session in skipped {
        let sequence = session.sequence + 1;
        let mut active: sessions::ActiveModel = session.into();
        active.status = Set(SessionStatus::Scheduled.as_str().to_owned());
        active.cancel_reason = Set(None);
        active.blackout_id = Set(None);
        active.sequence = Set(sequence);
        active.updated_at = Set(now);
        active.update(&txn).await?;
    }
    blackout_dates::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Every day off, by date.
pub async fn list_blackouts(db: &DatabaseConnection) -> AppResult<Vec<BlackoutResponse>> {
    let rows = blackout_dates::Entity::find()
        .order_by_asc(blackout_dates::Column::Day)
        .all(db)
        .await?;
    // How many sessions each day off skipped, in one grouped query.
    let skipped: HashMap<Uuid, i64> = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::BlackoutId)
        .column_as(sessions::Column::Id.count(), "skipped")
        .filter(sessions::Column::BlackoutId.is_not_null())
        .group_by(sessions::Column::BlackoutId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let count = skipped.get(&row.id).copied().unwrap_or(0);
            view(row, u32::try_from(count).unwrap_or(u32::MAX))
        })
        .collect())
}
