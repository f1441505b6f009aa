//! Sign-ups for one role that arrive together are decided together.
//!
//! When a coordinator shares an open slot in a chat group, hundreds of volunteers tap at once,
//! and every sign-up must hold the role's row while it takes its arrival number (see the
//! module above). Taken one at a time, they queue for the row and its round trips. So each
//! instance keeps, per role, the requests that arrive while its previous batch is in the
//! database ([`SignupQueue`]), and [`decide`] settles a batch in one transaction: the people's
//! rows and checks first, then the role's row once, the places and arrival numbers in arrival
//! order, all sign-ups and their letters in multi-row statements, and the commit before anyone
//! is answered. A lone sign-up is a batch of one. Instances still take the role's row one
//! batch at a time, so arrival numbers stay one sequence across them.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use sea_orm::sea_query::{CommonTableExpression, WithClause};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use shared::dto::volunteers::{Refusal, SignupStatus, SignupView, Skill};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::{
    Setting, held_places_of, line_position, lock_role, quick_commit, signup_closes_at, status_of,
    view,
};
use crate::db::entities::{session_roles, sessions, signups, volunteers};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::services::roles::{active_statuses, session_is_open};
use crate::services::volunteers::recipient;
use shared::words::{ProgramStatus, SessionStatus};

/// How long the first request of a quiet role waits for others to join its batch; later
/// batches gather while the one before them is in the database.
const GATHER: StdDuration = StdDuration::from_millis(1);
/// The most requests one transaction decides: statements stay well under both databases'
/// limits on bound parameters, and a batch's answers do not wait on a very long one.
const MOST_PER_BATCH: usize = 200;

/// What this process's batches have done since it started, for benchmarks and logs.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeldTotals {
    /// Batches that admitted anyone.
    pub batches: u64,
    /// Sign-ups they wrote.
    pub admitted: u64,
    /// How long they held their role: from taking it (its row on PostgreSQL, the database's
    /// write lock on SQLite) to the commit.
    pub held: StdDuration,
}

impl HeldTotals {
    /// What happened between `before` and these totals.
    pub fn since(&self, before: &HeldTotals) -> HeldTotals {
        HeldTotals {
            batches: self.batches.saturating_sub(before.batches),
            admitted: self.admitted.saturating_sub(before.admitted),
            held: self.held.saturating_sub(before.held),
        }
    }

    /// The role's time held, shared out over the sign-ups written meanwhile.
    pub fn per_admission(&self) -> StdDuration {
        match u32::try_from(self.admitted) {
            Ok(n) if n > 0 => self.held / n,
            _ => StdDuration::ZERO,
        }
    }
}

static BATCHES: AtomicU64 = AtomicU64::new(0);
static ADMITTED: AtomicU64 = AtomicU64::new(0);
static HELD_NANOS: AtomicU64 = AtomicU64::new(0);

/// The totals so far.
pub fn held_totals() -> HeldTotals {
    HeldTotals {
        batches: BATCHES.load(Ordering::Relaxed),
        admitted: ADMITTED.load(Ordering::Relaxed),
        held: StdDuration::from_nanos(HELD_NANOS.load(Ordering::Relaxed)),
    }
}

fn count_held(admitted: usize, since: Instant) {
    let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    BATCHES.fetch_add(1, Ordering::Relaxed);
    ADMITTED.fetch_add(
        u64::try_from(admitted).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    HELD_NANOS.fetch_add(nanos, Ordering::Relaxed);
}

/// One volunteer's request to sign up for a role.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who signs up.
    pub volunteer_id: Uuid,
    /// The client's key for retries, already checked against earlier requests.
    pub idempotency_key: Option<String>,
    /// When the request came in.
    pub now: DateTime<Utc>,
}

struct Pending {
    request: Request,
    reply: oneshot::Sender<AppResult<SignupView>>,
}

/// This instance's sign-up requests waiting for their role's next batch. Cheap to clone.
#[derive(Clone)]
pub struct SignupQueue {
    db: DatabaseConnection,
    base_url: Arc<str>,
    /// Per role with a batch under way: the requests for the next one.
    waiting: Arc<Mutex<HashMap<Uuid, Vec<Pending>>>>,
}

impl SignupQueue {
    /// A queue writing to `db`, its letters linking to `base_url`.
    pub fn new(db: DatabaseConnection, base_url: &str) -> Self {
        SignupQueue {
            db,
            base_url: Arc::from(base_url),
            waiting: Arc::default(),
        }
    }

    /// Signs a volunteer up as [`super::sign_up`] does, deciding together with the requests
    /// for the same role that arrive meanwhile. Answers once the sign-up is committed.
    pub async fn sign_up(
        &self,
        volunteer_id: Uuid,
        role_id: Uuid,
        idempotency_key: Option<String>,
        now: DateTime<Utc>,
    ) -> AppResult<SignupView> {
        let request = Request {
            volunteer_id,
            idempotency_key,
            now,
        };
        if let Some(done) = super::replay(&self.db, &request, role_id).await? {
            return Ok(done);
        }
        let (reply, answer) = oneshot::channel();
        let pending = Pending { request, reply };
        // A role has an entry while a task decides its batches; the request that makes the
        // entry starts the task.
        let starts_task = match self.lock_waiting().entry(role_id) {
            Entry::Occupied(mut queue) => {
                queue.get_mut().push(pending);
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(vec![pending]);
                true
            }
        };
        if starts_task {
            tokio::spawn(self.clone().run_batches(role_id));
        }
        answer.await.unwrap_or_else(|_| {
            Err(AppError::Internal(anyhow::anyhow!(
                "the sign-up batch ended without an answer"
            )))
        })
    }

    /// Decides the role's waiting requests batch after batch until none wait.
    async fn run_batches(self, role_id: Uuid) {
        tokio::time::sleep(GATHER).await;
        loop {
            let batch: Vec<Pending> = {
                let mut waiting = self.lock_waiting();
                let Some(queue) = waiting.get_mut(&role_id) else {
                    return;
                };
                if queue.is_empty() {
                    waiting.remove(&role_id);
                    return;
                }
                let size = queue.len().min(MOST_PER_BATCH);
                queue.drain(..size).collect()
            };
            // A bug in one batch must not leave the role's later requests without a task:
            // its own requests are answered with an error when their senders drop.
            let decided = AssertUnwindSafe(self.answer(role_id, batch))
                .catch_unwind()
                .await;
            if decided.is_err() {
                tracing::error!(role.id = %role_id, "a sign-up batch panicked");
            }
        }
    }

    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Vec<Pending>>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn answer(&self, role_id: Uuid, batch: Vec<Pending>) {
        let requests: Vec<Request> = batch.iter().map(|p| p.request.clone()).collect();
        match decide(&self.db, role_id, &requests, &self.base_url).await {
            Ok(answers) => {
                for (pending, answer) in batch.into_iter().zip(answers) {
                    // The client may have gone; its sign-up stands, as a retry will show.
                    let _ = pending.reply.send(answer);
                }
            }
            Err(error) => {
                // A key raced in on another instance, a deadlock broken by the database…:
                // each request on its own, so that one cannot fail the others.
                tracing::warn!(%error, size = batch.len(), "sign-up batch failed; deciding one by one");
                for pending in batch {
                    let answer =
                        super::decide_alone(&self.db, role_id, pending.request, &self.base_url)
                            .await;
                    let _ = pending.reply.send(answer);
                }
            }
        }
    }
}

/// What a request comes to before its place is known.
enum Verdict {
    /// Answered: a refusal, or the sign-up the person already has.
    Answered(Box<AppResult<SignupView>>),
    /// Same person as an earlier request of the batch: the same answer.
    SameAs(usize),
    /// Gets a place or a place in line.
    Admit,
}

/// Decides `requests` for one role in arrival order, in one transaction, and returns each
/// one's answer. An `Err` means nothing was written: the caller may decide them again.
pub async fn decide(
    db: &DatabaseConnection,
    role_id: Uuid,
    requests: &[Request],
    base_url: &str,
) -> AppResult<Vec<AppResult<SignupView>>> {
    let Some(role) = session_roles::Entity::find_by_id(role_id).one(db).await? else {
        return Ok(requests.iter().map(|_| Err(AppError::NotFound)).collect());
    };
    let setting = Setting::load(db, role.session_id).await?;
    // A draft or archived program's roles do not exist for volunteers.
    if setting.program.status != ProgramStatus::Published.as_str() {
        return Ok(requests.iter().map(|_| Err(AppError::NotFound)).collect());
    }
    let too_late = |request: &Request| {
        if !session_is_open(&setting.session, request.now) {
            Some(Refusal::SessionNotOpen)
        } else if request.now >= signup_closes_at(&setting.session, &setting.program) {
            Some(Refusal::SignupClosed)
        } else {
            None
        }
    };
    if requests.iter().all(|r| too_late(r).is_some()) {
        return Ok(requests
            .iter()
            .filter_map(too_late)
            .map(|refusal| Err(AppError::Refused(refusal)))
            .collect());
    }

    let txn = crate::db::begin(db).await?;
    // SQLite's transaction holds the whole database from its start.
    let mut held_since = Instant::now();
    quick_commit(&txn).await?;
    // First what concerns the people only (no one else waits for it): their rows, their
    // other sessions, their earlier sign-ups for this role.
    let mut ids: Vec<Uuid> = requests.iter().map(|r| r.volunteer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = lock_people(&txn, &ids).await?;
    let theirs = People::load(&txn, &ids, role_id, &setting.session).await?;
    let mut verdicts = Vec::with_capacity(requests.len());
    let mut first_of: HashMap<Uuid, usize> = HashMap::new();
    for (index, request) in requests.iter().enumerate() {
        let refused = |refusal| Verdict::Answered(Box::new(Err(AppError::Refused(refusal))));
        let verdict = match (too_late(request), people.get(&request.volunteer_id)) {
            (Some(refusal), _) => refused(refusal),
            (None, None) => Verdict::Answered(Box::new(Err(AppError::NotFound))),
            (None, Some(person)) if !person.active => refused(Refusal::AccountInactive),
            (None, Some(person)) if lacks_skill(&role, person) => refused(Refusal::MissingSkill),
            (None, Some(_)) => match first_of.get(&request.volunteer_id) {
                Some(&earlier) => Verdict::SameAs(earlier),
                None => {
                    first_of.insert(request.volunteer_id, index);
                    match theirs.in_role.get(&request.volunteer_id) {
                        Some(mine) if status_of(mine).is_active() => {
                            let position = line_position(&txn, mine).await?;
                            Verdict::Answered(Box::new(Ok(view(mine, &role, &setting, position))))
                        }
                        _ if theirs.clashing.contains(&request.volunteer_id) => {
                            refused(Refusal::Overlap)
                        }
                        _ => Verdict::Admit,
                    }
                }
            },
        };
        verdicts.push(verdict);
    }

    let admitted = verdicts
        .iter()
        .filter(|v| matches!(v, Verdict::Admit))
        .count();
    let mut admissions: HashMap<usize, SignupView> = HashMap::new();
    if admitted > 0 {
        // Then the role, which everyone signing up for it waits for: as few statements as
        // can be between taking it and committing. Its row carries its counts (kept by
        // triggers) and hands out this batch's arrival numbers in one step.
        let role = lock_role(&txn, role_id, i64::try_from(admitted).unwrap_or(i64::MAX)).await?;
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            held_since = Instant::now();
        }
        let mut line = Line::new(&txn, &role, admitted).await?;
        let facts = setting.facts(&role.name, base_url);
        let mut new_rows = Vec::new();
        let mut again = Vec::new();
        let mut letters_out = Vec::new();
        for (index, (request, verdict)) in requests.iter().zip(&verdicts).enumerate() {
            let (Verdict::Admit, Some(person)) = (verdict, people.get(&request.volunteer_id))
            else {
                continue;
            };
            let turn = line.admit();
            let previous = theirs.in_role.get(&request.volunteer_id);
            let signup = signups::Model {
                id: previous.map_or_else(Uuid::now_v7, |p| p.id),
                session_role_id: role.id,
                session_id: role.session_id,
                volunteer_id: request.volunteer_id,
                status: turn.status.as_str().to_owned(),
                place: turn.place,
                position: turn.arrival,
                offer_expires_at: None,
                idempotency_key: request.idempotency_key.clone(),
                attended: None,
                minutes_served: None,
                notified_sequence: setting.session.sequence,
                created_at: previous.map_or(request.now, |p| p.created_at),
                updated_at: request.now,
            };
            let to = recipient(person);
            letters_out.push(match turn.line_position {
                Some(position) => letters::waitlisted(&to, &facts, position, base_url),
                None => letters::signup_confirmed(&to, &facts, base_url),
            });
            admissions.insert(index, view(&signup, &role, &setting, turn.line_position));
            match previous {
                Some(_) => again.push(signup),
                None => new_rows.push(signup),
            }
        }
        let now = requests.first().map_or_else(Utc::now, |r| r.now);
        write(&txn, new_rows, again, letters_out, now).await?;
        txn.commit().await?;
        count_held(admitted, held_since);
    }
    // Answers go out only now, when what they report is committed.
    let mut answers: Vec<AppResult<SignupView>> = Vec::with_capacity(requests.len());
    for (index, verdict) in verdicts.into_iter().enumerate() {
        let answer = match verdict {
            Verdict::Answered(answer) => *answer,
            Verdict::SameAs(earlier) => same_answer(&answers, earlier),
            Verdict::Admit => admissions.remove(&index).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("a sign-up admitted without a row"))
            }),
        };
        answers.push(answer);
    }
    Ok(answers)
}

/// The answer an earlier request of the same person got, for their repeat in the batch.
fn same_answer(done: &[AppResult<SignupView>], earlier: usize) -> AppResult<SignupView> {
    match done.get(earlier) {
        Some(Ok(view)) => Ok(view.clone()),
        Some(Err(AppError::Refused(refusal))) => Err(AppError::Refused(*refusal)),
        Some(Err(AppError::NotFound)) => Err(AppError::NotFound),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "a repeated sign-up whose first request failed"
        ))),
    }
}

fn lacks_skill(role: &session_roles::Model, person: &volunteers::Model) -> bool {
    role.skill
        .as_deref()
        .and_then(Skill::parse)
        .is_some_and(|skill| !Skill::parse_list(&person.skills).contains(&skill))
}

/// Locks the people's rows, in id order so that two batches sharing a person never wait on
/// each other in a circle; on SQLite the transaction already holds the database.
async fn lock_people<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, volunteers::Model>> {
    let mut query = volunteers::Entity::find()
        .filter(volunteers::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(volunteers::Column::Id);
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect())
}

/// What the batch's people already have: their sign-up for this role (in any state), and who
/// holds or waits for a place in a session that overlaps this one (another role of the same
/// session included).
pub(super) struct People {
    pub(super) in_role: HashMap<Uuid, signups::Model>,
    pub(super) clashing: HashSet<Uuid>,
}

impl People {
    pub(super) async fn load<C: ConnectionTrait>(
        db: &C,
        ids: &[Uuid],
        role_id: Uuid,
        session: &sessions::Model,
    ) -> AppResult<People> {
        let rows = signups::Entity::find()
            .filter(signups::Column::VolunteerId.is_in(ids.iter().copied()))
            .filter(
                Condition::any()
                    .add(signups::Column::SessionRoleId.eq(role_id))
                    .add(signups::Column::Status.is_in(active_statuses())),
            )
            .all(db)
            .await?;
        let mut in_role = HashMap::new();
        let mut sessions_of: Vec<(Uuid, Uuid)> = Vec::new();
        for signup in rows {
            if status_of(&signup).is_active() {
                sessions_of.push((signup.volunteer_id, signup.session_id));
            }
            if signup.session_role_id == role_id {
                in_role.insert(signup.volunteer_id, signup);
            }
        }
        let mut clashing = HashSet::new();
        if !sessions_of.is_empty() {
            let overlapping: HashSet<Uuid> = sessions::Entity::find()
                .select_only()
                .column(sessions::Column::Id)
                .filter(sessions::Column::Id.is_in(sessions_of.iter().map(|(_, s)| *s)))
                .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
                .filter(sessions::Column::StartsAt.lt(session.ends_at))
                .filter(sessions::Column::EndsAt.gt(session.starts_at))
                .into_tuple::<Uuid>()
                .all(db)
                .await?
                .into_iter()
                .collect();
            clashing.extend(
                sessions_of
                    .iter()
                    .filter(|(_, s)| overlapping.contains(s))
                    .map(|(person, _)| *person),
            );
        }
        Ok(People { in_role, clashing })
    }
}

/// A role's places and line as its locked row tells, handing out what each next arrival
/// gets: a free place while nobody waits, else the end of the line.
struct Line {
    capacity: i64,
    held: i64,
    waiting: i64,
    taken: Vec<i32>,
    next_arrival: i64,
}

/// What one admitted request gets.
struct Turn {
    status: SignupStatus,
    place: Option<i32>,
    /// 1 for the next in line, while waiting.
    line_position: Option<u32>,
    /// Its number in the role's arrival order.
    arrival: i64,
}

impl Line {
    /// The line after `lock_role` took `admitted` arrival numbers.
    async fn new<C: ConnectionTrait>(
        db: &C,
        role: &session_roles::Model,
        admitted: usize,
    ) -> AppResult<Line> {
        let room = role.waiting_count == 0 && role.held_count < role.capacity;
        Ok(Line {
            capacity: i64::from(role.capacity),
            held: i64::from(role.held_count),
            waiting: i64::from(role.waiting_count),
            // Place numbers are read only when some are free: a full role skips the query.
            taken: if room {
                held_places_of(db, role.id).await?
            } else {
                Vec::new()
            },
            next_arrival: role.next_position - i64::try_from(admitted).unwrap_or(0) + 1,
        })
    }

    fn admit(&mut self) -> Turn {
        let arrival = self.next_arrival;
        self.next_arrival += 1;
        if self.waiting == 0 && self.held < self.capacity {
            let place = (1..).find(|p| !self.taken.contains(p)).unwrap_or(1);
            self.taken.push(place);
            self.held += 1;
            Turn {
                status: SignupStatus::Confirmed,
                place: Some(place),
                line_position: None,
                arrival,
            }
        } else {
            self.waiting += 1;
            Turn {
                status: SignupStatus::Waitlisted,
                place: None,
                line_position: Some(u32::try_from(self.waiting).unwrap_or(u32::MAX)),
                arrival,
            }
        }
    }
}

/// Writes the batch: new sign-ups and their letters in one multi-row statement each (one
/// statement for both on PostgreSQL, a data-modifying `WITH`, so the role's row, held
/// meanwhile, waits for one round trip less), and sign-ups of people who had left the role
/// one by one (rare).
async fn write<C: ConnectionTrait>(
    db: &C,
    new_rows: Vec<signups::Model>,
    again: Vec<signups::Model>,
    letters_out: Vec<mail::Letter>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for signup in again {
        row(signup).update(db).await?;
    }
    let Some(letters_insert) = mail::outbox_insert_many(letters_out, now) else {
        return Ok(());
    };
    if new_rows.is_empty() {
        db.execute(&letters_insert).await?;
        return Ok(());
    }
    let insert = signups::Entity::insert_many(new_rows.into_iter().map(row)).into_query();
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let letters_cte = CommonTableExpression::new()
            .query(letters_insert)
            .table_name("letters")
            .to_owned();
        db.execute(&WithClause::new().cte(letters_cte).to_owned().query(insert))
            .await?;
    } else {
        db.execute(&insert).await?;
        db.execute(&letters_insert).await?;
    }
    Ok(())
}

/// Every column of the sign-up, to be written.
fn row(signup: signups::Model) -> signups::ActiveModel {
    signups::ActiveModel {
        id: Set(signup.id),
        session_role_id: Set(signup.session_role_id),
        session_id: Set(signup.session_id),
        volunteer_id: Set(signup.volunteer_id),
        status: Set(signup.status),
        place: Set(signup.place),
        position: Set(signup.position),
        offer_expires_at: Set(signup.offer_expires_at),
        idempotency_key: Set(signup.idempotency_key),
        attended: Set(signup.attended),
        minutes_served: Set(signup.minutes_served),
        notified_sequence: Set(signup.notified_sequence),
        created_at: Set(signup.created_at),
        updated_at: Set(signup.updated_at),
    }
}
