//! Background work on sign-ups, run by every instance's job loop and safe to run on several
//! at once: expired offers pass to the next in line, reminders go out 24 and 2 hours before,
//! and volunteers hear of changed or cancelled sessions. Each takes `now`, so tests drive the
//! clock.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QuerySelect, Set,
};
use shared::dto::volunteers::SignupStatus;
use shared::words::SessionStatus;
use uuid::Uuid;

use super::{Setting, fill_free_places, lock_role};
use crate::db::entities::{outbox, session_roles, sessions, signups, volunteers};
use crate::error::AppResult;
use crate::services::mail::{self, letters, letters::Reminder};
use crate::services::volunteers::recipient;

/// Offers not taken in time lapse; their places go to the next in line. Returns how many
/// offers lapsed.
#[tracing::instrument(skip_all)]
pub async fn expire_offers(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let expired = signups::Entity::find()
        .filter(signups::Column::Status.eq(SignupStatus::Offered.as_str()))
        .filter(signups::Column::OfferExpiresAt.lte(now))
        .all(db)
        .await?;
    let mut lapsed = 0;
    for offer in expired {
        let txn = crate::db::begin(db).await?;
        lock_role(&txn, offer.session_role_id, 0).await?;
        // Another instance, or the volunteer, may have got here first.
        let Some(current) = signups::Entity::find_by_id(offer.id).one(&txn).await? else {
            continue;
        };
        let still_open = current.status == SignupStatus::Offered.as_str()
            && current.offer_expires_at.is_some_and(|at| at <= now);
        if !still_open {
            continue;
        }
        let mut model: signups::ActiveModel = current.into();
        model.status = Set(SignupStatus::Lapsed.as_str().to_owned());
        model.place = Set(None);
        model.offer_expires_at = Set(None);
        model.updated_at = Set(now);
        model.update(&txn).await?;
        fill_free_places(&txn, offer.session_role_id, base_url, now).await?;
        txn.commit().await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

/// The confirmed people of scheduled sessions starting in `(from, to]`, with what mail needs.
async fn confirmed_between(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<(signups::Model, Setting, String, volunteers::Model)>> {
    let sessions = sessions::Entity::find()
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(sessions::Column::StartsAt.gt(from))
        .filter(sessions::Column::StartsAt.lte(to))
        .all(db)
        .await?;
    people_of(db, sessions, &[SignupStatus::Confirmed], |_, _| true).await
}

/// The sign-ups with one of `statuses` in `sessions` that `keep` accepts, each with its
/// session, role name and volunteer.
async fn people_of(
    db: &DatabaseConnection,
    sessions: Vec<sessions::Model>,
    statuses: &[SignupStatus],
    keep: impl Fn(&signups::Model, &sessions::Model) -> bool,
) -> AppResult<Vec<(signups::Model, Setting, String, volunteers::Model)>> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let by_id: HashMap<Uuid, sessions::Model> = sessions.into_iter().map(|s| (s.id, s)).collect();
    let found: Vec<signups::Model> = signups::Entity::find()
        .filter(signups::Column::SessionId.is_in(by_id.keys().copied()))
        .filter(signups::Column::Status.is_in(statuses.iter().map(|s| s.as_str())))
        .all(db)
        .await?
        .into_iter()
        .filter(|signup| {
            by_id
                .get(&signup.session_id)
                .is_some_and(|session| keep(signup, session))
        })
        .collect();
    let mut settings: HashMap<Uuid, Setting> = HashMap::new();
    let mut out = Vec::new();
    for signup in found {
        let setting = match settings.get(&signup.session_id) {
            Some(setting) => setting.clone(),
            None => {
                let setting = Setting::load(db, signup.session_id).await?;
                settings.insert(signup.session_id, setting.clone());
                setting
            }
        };
        let Some(role) = session_roles::Entity::find_by_id(signup.session_role_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let Some(volunteer) = volunteers::Entity::find_by_id(signup.volunteer_id)
            .one(db)
            .await?
        else {
            continue;
        };
        out.push((signup, setting, role.name, volunteer));
    }
    Ok(out)
}

/// Queues the reminders that are due: 24 hours before (unless the session is already within
/// 2 hours) and 2 hours before. Each is written at most once per sign-up and start time
/// (the outbox's dedupe key), however often and on however many instances this runs.
/// Returns how many were queued.
#[tracing::instrument(skip_all)]
pub async fn queue_reminders(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let two_hours = Reminder::TwoHoursBefore.lead();
    let mut due = Vec::new();
    for which in [Reminder::DayBefore, Reminder::TwoHoursBefore] {
        let from = match which {
            Reminder::DayBefore => now + two_hours,
            Reminder::TwoHoursBefore => now,
        };
        for (signup, setting, role, volunteer) in
            confirmed_between(db, from, now + which.lead()).await?
        {
            due.push(letters::reminder(
                &recipient(&volunteer),
                &setting.facts(&role, base_url),
                which,
                signup.id,
                base_url,
            ));
        }
    }
    // Skip what is already written: most passes find nothing new, and then write nothing.
    let keys: Vec<String> = due.iter().filter_map(|l| l.dedupe_key.clone()).collect();
    let written: std::collections::HashSet<String> = outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| m.dedupe_key)
        .collect();
    let mut queued = 0;
    for letter in due {
        if letter
            .dedupe_key
            .as_ref()
            .is_some_and(|key| written.contains(key))
        {
            continue;
        }
        if mail::enqueue(db, letter, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Tells volunteers holding or offered a place about sessions that changed (time, title,
/// host) or were cancelled since they last heard, by comparing the session's `sequence`
/// with what the sign-up was last told. The mail and the note of it are one transaction.
#[tracing::instrument(skip_all)]
pub async fn notify_changes(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    // Only sessions someone has not heard the latest of: a join, so a quiet pass reads
    // nothing but the index.
    let behind = signups::Entity::belongs_to(sessions::Entity)
        .from(signups::Column::SessionId)
        .to(sessions::Column::Id)
        .into();
    let session_ids: Vec<Uuid> = signups::Entity::find()
        .join(JoinType::InnerJoin, behind)
        .filter(signups::Column::Status.is_in([
            SignupStatus::Confirmed.as_str(),
            SignupStatus::Offered.as_str(),
        ]))
        .filter(
            Expr::col((signups::Entity, signups::Column::NotifiedSequence))
                .lt(Expr::col((sessions::Entity, sessions::Column::Sequence))),
        )
        .filter(sessions::Column::EndsAt.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.session_id)
        .collect();
    let changed = sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(session_ids))
        .all(db)
        .await?;
    let mut sent = 0;
    for (signup, setting, role, volunteer) in people_of(
        db,
        changed,
        &[SignupStatus::Confirmed, SignupStatus::Offered],
        |signup, session| signup.notified_sequence < session.sequence,
    )
    .await?
    {
        let to = recipient(&volunteer);
        let facts = setting.facts(&role, base_url);
        let sequence = setting.session.sequence;
        let letter = if setting.session.status == SessionStatus::Cancelled.as_str() {
            letters::session_cancelled(
                &to,
                &facts,
                setting.session.cancel_reason.as_deref(),
                sequence,
                signup.id,
                base_url,
            )
        } else {
            letters::session_changed(&to, &facts, sequence, signup.id, base_url)
        };
        let txn = crate::db::begin(db).await?;
        let fresh = mail::enqueue(&txn, letter, now).await?;
        let mut model: signups::ActiveModel = signup.into();
        model.notified_sequence = Set(sequence);
        model.update(&txn).await?;
        txn.commit().await?;
        sent += usize::from(fresh);
    }
    Ok(sent)
}
