//! Signing up for session roles: places, the ordered waitlist, offers of freed places, and
//! staff's assignments.
//!
//! Every change to a role's sign-ups runs in one transaction that starts by writing the role's
//! row (`lock_role`). On PostgreSQL that takes the row lock; on SQLite it takes the database's
//! write lock before anything is read. Either way, changes to one role happen one after the
//! other, in every server instance, and the counter bumped by a sign-up is its place in the
//! arrival order. The unique `(role, place)` index is the last word on "never given twice".
//! The role's row also carries how many places are held and how many wait (`held_count`,
//! `waiting_count`), kept exact by triggers on `signups` in the same transaction as each
//! change, so a sign-up reads them with the lock instead of counting the line.

pub mod batch;
pub mod jobs;
pub mod reports;

pub use batch::{Request, SignupQueue};

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{CommonTableExpression, Expr, ExprTrait, WithClause};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use shared::dto::volunteers::{Refusal, SessionBrief, SignupStatus, SignupView};
use uuid::Uuid;

use crate::db::entities::{programs, session_roles, sessions, signups};
use crate::domain::zone::{LIBRARY_TZ, library_clock, parse_tz, utc_to_local, zone_label};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::services::roles::{active_statuses, session_is_open};
use crate::services::volunteers::{self, recipient};

/// An offer never runs later than this before the session starts…
const OFFER_LATEST_BEFORE_START: Duration = Duration::minutes(30);
/// …and never shorter than this, even close to the session.
const OFFER_SHORTEST: Duration = Duration::minutes(15);

/// How long the first in line has to take a freed place: the program's window, cut short so
/// it ends half an hour before the session, but never under 15 minutes.
pub fn offer_deadline(
    now: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    window: Duration,
) -> DateTime<Utc> {
    let latest = Ord::min(now + window, starts_at - OFFER_LATEST_BEFORE_START);
    Ord::max(latest, now + OFFER_SHORTEST)
}

/// When sign-up and withdrawal close for a session of `program`.
pub fn signup_closes_at(session: &sessions::Model, program: &programs::Model) -> DateTime<Utc> {
    session.starts_at - Duration::minutes(i64::from(program.signup_cutoff_minutes))
}

/// A session with its program: what rules and messages need.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The session.
    pub session: sessions::Model,
    /// Its program.
    pub program: programs::Model,
}

impl Setting {
    /// Loads a session and its program.
    pub async fn load<C: ConnectionTrait>(db: &C, session_id: Uuid) -> AppResult<Setting> {
        let session = sessions::Entity::find_by_id(session_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let program = programs::Entity::find_by_id(session.program_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Setting { session, program })
    }

    /// The session as volunteers see it.
    pub fn brief(&self) -> SessionBrief {
        let tz = parse_tz(&self.session.tz).unwrap_or(LIBRARY_TZ);
        SessionBrief {
            start_local: utc_to_local(tz, self.session.starts_at),
            end_local: utc_to_local(tz, self.session.ends_at),
            zone_label: zone_label(tz, self.session.starts_at),
            library_clock: library_clock(tz, self.session.starts_at),
            id: self.session.id,
            title: self.title(),
            program_name: self.program.name.clone(),
            program_slug: self.program.slug.clone(),
            starts_at: self.session.starts_at,
            ends_at: self.session.ends_at,
            tz: self.session.tz.clone(),
            cancelled: self.session.status != shared::words::SessionStatus::Scheduled.as_str(),
            signup_closes_at: signup_closes_at(&self.session, &self.program),
        }
    }

    fn title(&self) -> String {
        self.session
            .title
            .clone()
            .unwrap_or_else(|| self.program.name.clone())
    }

    /// What mail says about the session.
    pub fn facts(&self, role: &str, base_url: &str) -> letters::SessionFacts {
        letters::SessionFacts {
            title: self.title(),
            role: role.to_owned(),
            starts_at: self.session.starts_at,
            ends_at: self.session.ends_at,
            tz: parse_tz(&self.session.tz).unwrap_or(chrono_tz::Asia::Makassar),
            url: format!("{base_url}/sessions/{}", self.session.id),
            watch: crate::services::sessions::watch_link(&self.session, &self.program),
        }
    }
}

/// Writes the role's row so that this transaction holds it (see the module comment), taking
/// the next `arrivals` arrival numbers (none to only hold it). Returns the role as now stored:
/// its `next_position` is the last number taken.
async fn lock_role<C: ConnectionTrait>(
    db: &C,
    role_id: Uuid,
    arrivals: i64,
) -> AppResult<session_roles::Model> {
    session_roles::Entity::update_many()
        .col_expr(
            session_roles::Column::NextPosition,
            Expr::col(session_roles::Column::NextPosition).add(arrivals),
        )
        .filter(session_roles::Column::Id.eq(role_id))
        .exec_with_returning(db)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// On PostgreSQL, lets this transaction's commit return before its WAL record reaches the
/// disk (`synchronous_commit = off`, for this transaction only). Sign-ups to one role commit
/// one after the other while holding the role's row lock, so a disk flush per commit would
/// cap a popular role at the disk's flush rate. The database stays consistent; what a crash
/// of the PostgreSQL server itself (not of Siar) could lose is the last fraction of a second
/// of sign-ups, with their mail, which the outbox shares the transaction with.
async fn quick_commit<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("SET LOCAL synchronous_commit = off")
            .await?;
    }
    Ok(())
}

/// The role's sign-ups that hold a place or wait, in arrival order.
async fn active_in_role<C: ConnectionTrait>(
    db: &C,
    role_id: Uuid,
) -> AppResult<Vec<signups::Model>> {
    Ok(signups::Entity::find()
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .filter(signups::Column::Status.is_in(active_statuses()))
        .order_by_asc(signups::Column::Position)
        .all(db)
        .await?)
}

/// The place numbers held in a role (confirmed and offered), at most its capacity plus staff's
/// over-fills: small, unlike the line, which may be long.
async fn held_places_of<C: ConnectionTrait>(db: &C, role_id: Uuid) -> AppResult<Vec<i32>> {
    Ok(signups::Entity::find()
        .select_only()
        .column(signups::Column::Place)
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .filter(signups::Column::Place.is_not_null())
        .into_tuple::<Option<i32>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// How many wait in a role's line (ahead of arrival number `before`, when given).
async fn waiting_in<C: ConnectionTrait>(
    db: &C,
    role_id: Uuid,
    before: Option<i64>,
) -> AppResult<u64> {
    let mut query = signups::Entity::find()
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .filter(signups::Column::Status.eq(SignupStatus::Waitlisted.as_str()));
    if let Some(before) = before {
        query = query.filter(signups::Column::Position.lt(before));
    }
    Ok(query.count(db).await?)
}

/// The sign-up's place in line (1 = next), while it waits.
async fn line_position<C: ConnectionTrait>(
    db: &C,
    signup: &signups::Model,
) -> AppResult<Option<u32>> {
    if status_of(signup) != SignupStatus::Waitlisted {
        return Ok(None);
    }
    let ahead = waiting_in(db, signup.session_role_id, Some(signup.position)).await?;
    Ok(Some(u32::try_from(ahead + 1).unwrap_or(u32::MAX)))
}

fn status_of(signup: &signups::Model) -> SignupStatus {
    SignupStatus::parse(&signup.status).unwrap_or(SignupStatus::Withdrawn)
}

/// The lowest place number not held; above the capacity only when staff over-fill a role.
fn lowest_free_place(active: &[signups::Model]) -> i32 {
    let held: BTreeSet<i32> = active.iter().filter_map(|s| s.place).collect();
    (1..).find(|place| !held.contains(place)).unwrap_or(1)
}

fn held_places(active: &[signups::Model]) -> usize {
    active.iter().filter(|s| s.place.is_some()).count()
}

/// 1 for the next in line.
fn waitlist_position(active: &[signups::Model], signup: &signups::Model) -> Option<u32> {
    (status_of(signup) == SignupStatus::Waitlisted).then(|| {
        let ahead = active
            .iter()
            .filter(|s| status_of(s) == SignupStatus::Waitlisted && s.position < signup.position)
            .count();
        u32::try_from(ahead + 1).unwrap_or(u32::MAX)
    })
}

fn view(
    signup: &signups::Model,
    role: &session_roles::Model,
    setting: &Setting,
    position: Option<u32>,
) -> SignupView {
    SignupView {
        id: signup.id,
        session: setting.brief(),
        role_id: role.id,
        role_name: role.name.clone(),
        status: status_of(signup),
        waitlist_position: position,
        offer_expires_at: signup.offer_expires_at,
        offer_expires_local: signup.offer_expires_at.map(|at| {
            let tz = parse_tz(&setting.session.tz).unwrap_or(chrono_tz::Asia::Makassar);
            at.with_timezone(&tz)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        }),
    }
}

/// A volunteer signs up for a role: a free place if there is one and nobody waits, else the
/// end of the line. Signing up again for a role one is in, or repeating a request with the
/// same idempotency key, changes nothing and answers the current state. Request handlers go
/// through [`SignupQueue`], which decides a burst for one role together by the same rules.
#[tracing::instrument(skip_all, fields(role.id = %role_id, volunteer.id = %volunteer_id))]
pub async fn sign_up(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    role_id: Uuid,
    idempotency_key: Option<String>,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let request = Request {
        volunteer_id,
        idempotency_key,
        now,
    };
    if let Some(done) = replay(db, &request, role_id).await? {
        return Ok(done);
    }
    decide_alone(db, role_id, request, base_url).await
}

/// Checks the request's idempotency key and, when it was seen before, answers as then.
async fn replay(
    db: &DatabaseConnection,
    request: &Request,
    role_id: Uuid,
) -> AppResult<Option<SignupView>> {
    let Some(key) = request.idempotency_key.as_deref() else {
        return Ok(None);
    };
    shared::dto::volunteers::idempotency_key(key)
        .map_err(|e| AppError::field("idempotency_key", e))?;
    match by_key(db, request.volunteer_id, key).await? {
        Some(done) => replayed(db, done, role_id).await.map(Some),
        None => Ok(None),
    }
}

/// Decides one request as a batch of its own. When that fails because the same key raced in
/// on another connection and won, answers with that one's result.
async fn decide_alone(
    db: &DatabaseConnection,
    role_id: Uuid,
    request: Request,
    base_url: &str,
) -> AppResult<SignupView> {
    let failed = match batch::decide(db, role_id, std::slice::from_ref(&request), base_url).await {
        Ok(answers) => {
            return answers.into_iter().next().unwrap_or_else(|| {
                Err(AppError::Internal(anyhow::anyhow!(
                    "a sign-up without an answer"
                )))
            });
        }
        Err(failed) => failed,
    };
    match replay(db, &request, role_id).await {
        Ok(Some(done)) => Ok(done),
        _ => Err(failed),
    }
}

/// The answer to a request whose idempotency key was seen before: the earlier sign-up's
/// state if it was the same request, a refusal if the key now comes with another role.
async fn replayed(
    db: &DatabaseConnection,
    done: signups::Model,
    role_id: Uuid,
) -> AppResult<SignupView> {
    if done.session_role_id != role_id {
        return Err(AppError::field(
            "idempotency_key",
            shared::FieldError::Taken,
        ));
    }
    current_view(db, done).await
}

/// Saves a sign-up with the letter that reports it. A new one on PostgreSQL goes in one
/// statement with its letter (a data-modifying `WITH`), so the role's row, held meanwhile,
/// waits for one round trip less; SQLite has no such statement and runs the two in turn.
async fn save_with_letter<C: ConnectionTrait>(
    db: &C,
    model: signups::ActiveModel,
    is_new: bool,
    letter: mail::Letter,
    now: DateTime<Utc>,
) -> Result<signups::Model, DbErr> {
    if is_new && db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let mut insert = signups::Entity::insert(model).into_query();
        insert.returning_all();
        let letter = CommonTableExpression::new()
            .query(mail::outbox_insert(letter, now))
            .table_name("letter")
            .to_owned();
        let statement = WithClause::new().cte(letter).to_owned().query(insert);
        let row = db
            .query_one(&statement)
            .await?
            .ok_or(DbErr::RecordNotInserted)?;
        return signups::Model::from_query_result(&row, "");
    }
    let saved = if is_new {
        model.insert(db).await?
    } else {
        model.update(db).await?
    };
    db.execute(&mail::outbox_insert(letter, now)).await?;
    Ok(saved)
}

async fn by_key(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    key: &str,
) -> AppResult<Option<signups::Model>> {
    Ok(signups::Entity::find()
        .filter(signups::Column::VolunteerId.eq(volunteer_id))
        .filter(signups::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// The sign-up as it stands now.
async fn current_view(db: &DatabaseConnection, signup: signups::Model) -> AppResult<SignupView> {
    let role = session_roles::Entity::find_by_id(signup.session_role_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let setting = Setting::load(db, signup.session_id).await?;
    let position = line_position(db, &signup).await?;
    Ok(view(&signup, &role, &setting, position))
}

/// One of the volunteer's own sign-ups (others' answer 404).
async fn own_signup(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    signup_id: Uuid,
) -> AppResult<signups::Model> {
    signups::Entity::find_by_id(signup_id)
        .one(db)
        .await?
        .filter(|s| s.volunteer_id == volunteer_id)
        .ok_or(AppError::NotFound)
}

/// Gives free places of a role to the first in line, as offers to confirm. Runs inside the
/// caller's transaction, which must hold the role.
pub async fn fill_free_places<C: ConnectionTrait>(
    db: &C,
    role_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let role = lock_role(db, role_id, 0).await?;
    let mut active = active_in_role(db, role.id).await?;
    let capacity = usize::try_from(role.capacity).unwrap_or(0);
    let free = capacity.saturating_sub(held_places(&active));
    let next: Vec<signups::Model> = active
        .iter()
        .filter(|s| status_of(s) == SignupStatus::Waitlisted)
        .take(free)
        .cloned()
        .collect();
    if next.is_empty() {
        return Ok(());
    }
    let setting = Setting::load(db, role.session_id).await?;
    if !session_is_open(&setting.session, now) {
        return Ok(());
    }
    let window = Duration::minutes(i64::from(setting.program.offer_window_minutes));
    let expires_at = offer_deadline(now, setting.session.starts_at, window);
    let facts = setting.facts(&role.name, base_url);
    for waiting in next {
        let place = lowest_free_place(&active);
        let volunteer = crate::services::volunteers::find(db, waiting.volunteer_id).await?;
        let mut model: signups::ActiveModel = waiting.clone().into();
        model.status = Set(SignupStatus::Offered.as_str().to_owned());
        model.place = Set(Some(place));
        model.offer_expires_at = Set(Some(expires_at));
        model.updated_at = Set(now);
        let offered = model.update(db).await?;
        if let Some(slot) = active.iter_mut().find(|s| s.id == offered.id) {
            *slot = offered;
        }
        mail::enqueue(
            db,
            letters::offer(&recipient(&volunteer), &facts, expires_at, base_url),
            now,
        )
        .await?;
        tracing::info!(signup.id = %waiting.id, "place {place} offered");
    }
    Ok(())
}

/// Leaves a role: until the cut-off for the volunteer, any time for staff. A freed place is
/// offered to the next in line.
async fn leave(
    db: &DatabaseConnection,
    signup: signups::Model,
    new_status: SignupStatus,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let txn = crate::db::begin(db).await?;
    let role = lock_role(&txn, signup.session_role_id, 0).await?;
    let current = signups::Entity::find_by_id(signup.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let setting = Setting::load(&txn, current.session_id).await?;
    if !status_of(&current).is_active() {
        return Ok(view(&current, &role, &setting, None));
    }
    let held = current.place.is_some();
    let mut model: signups::ActiveModel = current.into();
    model.status = Set(new_status.as_str().to_owned());
    model.place = Set(None);
    model.offer_expires_at = Set(None);
    model.updated_at = Set(now);
    let left = model.update(&txn).await?;
    // Withdrawing people know; people taken out by staff are told, in the same transaction.
    if new_status == SignupStatus::Removed {
        let volunteer = crate::services::volunteers::find(&txn, left.volunteer_id).await?;
        let letter = letters::signup_removed(
            &recipient(&volunteer),
            &setting.facts(&role.name, base_url),
            left.id,
            now,
            base_url,
        );
        mail::enqueue(&txn, letter, now).await?;
    }
    if held {
        fill_free_places(&txn, role.id, base_url, now).await?;
    }
    txn.commit().await?;
    Ok(view(&left, &role, &setting, None))
}

/// The volunteer withdraws (or declines an offer) before the cut-off.
#[tracing::instrument(skip_all, fields(signup.id = %signup_id))]
pub async fn withdraw(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    signup_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let signup = own_signup(db, volunteer_id, signup_id).await?;
    let setting = Setting::load(db, signup.session_id).await?;
    let is_offer = status_of(&signup) == SignupStatus::Offered;
    if !is_offer && now >= signup_closes_at(&setting.session, &setting.program) {
        return Err(AppError::Refused(Refusal::SignupClosed));
    }
    leave(db, signup, SignupStatus::Withdrawn, base_url, now).await
}

/// Staff take someone out of a role, at any time.
#[tracing::instrument(skip_all, fields(signup.id = %signup_id))]
pub async fn remove(
    db: &DatabaseConnection,
    signup_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let signup = signups::Entity::find_by_id(signup_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    leave(db, signup, SignupStatus::Removed, base_url, now).await
}

/// The volunteer takes the place they were offered, before the offer expires.
#[tracing::instrument(skip_all, fields(signup.id = %signup_id))]
pub async fn accept_offer(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    signup_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let signup = own_signup(db, volunteer_id, signup_id).await?;
    let txn = crate::db::begin(db).await?;
    let role = lock_role(&txn, signup.session_role_id, 0).await?;
    let current = signups::Entity::find_by_id(signup.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let setting = Setting::load(&txn, current.session_id).await?;
    match status_of(&current) {
        SignupStatus::Confirmed => return Ok(view(&current, &role, &setting, None)),
        SignupStatus::Offered if current.offer_expires_at.is_some_and(|at| at > now) => {}
        _ => return Err(AppError::Refused(Refusal::NoOffer)),
    }
    let mut model: signups::ActiveModel = current.into();
    model.status = Set(SignupStatus::Confirmed.as_str().to_owned());
    model.offer_expires_at = Set(None);
    model.updated_at = Set(now);
    let confirmed = model.update(&txn).await?;
    let volunteer = crate::services::volunteers::find(&txn, volunteer_id).await?;
    mail::enqueue(
        &txn,
        letters::signup_confirmed(
            &recipient(&volunteer),
            &setting.facts(&role.name, base_url),
            base_url,
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view(&confirmed, &role, &setting, None))
}

/// Staff put a volunteer in a role, at any time and even beyond its capacity; someone
/// waiting or offered a place is confirmed.
#[tracing::instrument(skip_all, fields(role.id = %role_id, volunteer.id = %volunteer_id))]
pub async fn assign(
    db: &DatabaseConnection,
    role_id: Uuid,
    volunteer_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<SignupView> {
    let txn = crate::db::begin(db).await?;
    // Person, then role: the order `sign_up` takes them in, so the two never deadlock.
    let volunteer = volunteers::lock_row(&txn, volunteer_id)
        .await
        .map_err(|_| AppError::field("volunteer_id", shared::FieldError::UnknownReference))?;
    let role = lock_role(&txn, role_id, 1).await?;
    let setting = Setting::load(&txn, role.session_id).await?;
    let active = active_in_role(&txn, role.id).await?;
    let mine = active.iter().find(|s| s.volunteer_id == volunteer_id);
    if mine.is_some_and(|s| status_of(s) == SignupStatus::Confirmed) {
        let Some(mine) = mine else {
            return Err(AppError::NotFound);
        };
        return Ok(view(mine, &role, &setting, None));
    }
    let mut theirs = batch::People::load(&txn, &[volunteer_id], role.id, &setting.session).await?;
    if mine.is_none() && theirs.clashing.contains(&volunteer_id) {
        return Err(AppError::Refused(Refusal::Overlap));
    }
    let previous = theirs.in_role.remove(&volunteer_id);
    let place = mine
        .and_then(|s| s.place)
        .unwrap_or_else(|| lowest_free_place(&active));
    let is_new = previous.is_none();
    let mut model = match previous {
        Some(previous) => {
            let keeps_position = status_of(&previous).is_active();
            let position = previous.position;
            let mut model = signups::ActiveModel::from(previous);
            model.position = Set(if keeps_position {
                position
            } else {
                role.next_position
            });
            model
        }
        None => signups::ActiveModel {
            id: Set(Uuid::now_v7()),
            session_role_id: Set(role.id),
            session_id: Set(role.session_id),
            volunteer_id: Set(volunteer_id),
            position: Set(role.next_position),
            idempotency_key: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.status = Set(SignupStatus::Confirmed.as_str().to_owned());
    model.place = Set(Some(place));
    model.offer_expires_at = Set(None);
    model.attended = Set(None);
    model.minutes_served = Set(None);
    model.notified_sequence = Set(setting.session.sequence);
    model.updated_at = Set(now);
    let letter = letters::signup_confirmed(
        &recipient(&volunteer),
        &setting.facts(&role.name, base_url),
        base_url,
    );
    let signup = save_with_letter(&txn, model, is_new, letter, now).await?;
    txn.commit().await?;
    Ok(view(&signup, &role, &setting, None))
}

/// The volunteer's sign-ups in roles of sessions not yet over, soonest first.
pub async fn my_signups(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<SignupView>> {
    let mine = signups::Entity::find()
        .filter(signups::Column::VolunteerId.eq(volunteer_id))
        .filter(signups::Column::Status.is_in(active_statuses()))
        .all(db)
        .await?;
    let mut views = Vec::new();
    let mut settings: HashMap<Uuid, Setting> = HashMap::new();
    for signup in mine {
        let setting = match settings.get(&signup.session_id) {
            Some(setting) => setting.clone(),
            None => {
                let setting = Setting::load(db, signup.session_id).await?;
                settings.insert(signup.session_id, setting.clone());
                setting
            }
        };
        if setting.session.ends_at <= now {
            continue;
        }
        let Some(role) = session_roles::Entity::find_by_id(signup.session_role_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let position = line_position(db, &signup).await?;
        views.push(view(&signup, &role, &setting, position));
    }
    views.sort_by_key(|v| (v.session.starts_at, v.role_name.clone()));
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn offers_shrink_near_the_session_but_never_below_a_quarter_hour() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap();
        let window = Duration::hours(12);
        let far = now + Duration::days(5);
        assert_eq!(offer_deadline(now, far, window), now + window);
        let soon = now + Duration::hours(4);
        assert_eq!(
            offer_deadline(now, soon, window),
            soon - Duration::minutes(30)
        );
        let very_soon = now + Duration::minutes(20);
        assert_eq!(
            offer_deadline(now, very_soon, window),
            now + Duration::minutes(15)
        );
    }

    fn signup(status: SignupStatus, place: Option<i32>, position: i64) -> signups::Model {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap();
        signups::Model {
            id: Uuid::now_v7(),
            session_role_id: Uuid::nil(),
            session_id: Uuid::nil(),
            volunteer_id: Uuid::now_v7(),
            status: status.as_str().to_owned(),
            place,
            position,
            offer_expires_at: None,
            idempotency_key: None,
            attended: None,
            minutes_served: None,
            notified_sequence: 0,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn places_fill_the_lowest_gap_and_the_line_counts_from_one() {
        let active = vec![
            signup(SignupStatus::Confirmed, Some(1), 1),
            signup(SignupStatus::Confirmed, Some(3), 2),
            signup(SignupStatus::Waitlisted, None, 4),
            signup(SignupStatus::Waitlisted, None, 7),
        ];
        assert_eq!(lowest_free_place(&active), 2);
        assert_eq!(held_places(&active), 2);
        assert_eq!(waitlist_position(&active, &active[2]), Some(1));
        assert_eq!(waitlist_position(&active, &active[3]), Some(2));
        assert_eq!(waitlist_position(&active, &active[0]), None);
    }
}
