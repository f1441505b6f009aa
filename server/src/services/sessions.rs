//! Sessions: listing by date range, the public and staff views, one-off sessions, edits with
//! the "this / following / all" choice, cancelling and restoring, partners and conflicts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use shared::FieldError;
use shared::dto::partners::{PartnerAssignment, PartnerLink};
use shared::dto::programs::MAX_DURATION_MINUTES;
use shared::dto::schedule::{
    CancelRequest, Conflict, EditOutcome, OnAir, STARTS_SOON_MINUTES, SessionEdit, SessionInput,
    SessionPage, SessionResponse, WatchLinkInput,
};
use shared::recurrence::RecurrenceRule;
use shared::validation::clean_optional;
use shared::words::{EditScope, PartnerAnswer, ProgramKind, ProgramStatus, SessionStatus};
use uuid::Uuid;

use crate::db::entities::{program_partners, programs, series, session_partners, sessions};
use crate::domain::conflicts::{Booking, Clash, clashes_between};
use crate::domain::on_air::air_state;
use crate::domain::recurrence::{Definition, rule_from_rrule};
use crate::domain::zone::{library_clock, local_to_utc, parse_tz, utc_to_local, zone_label};
use crate::error::{AppError, AppResult};
use crate::services::programs::{
    Audience, LinkRow, checked_assignments, find_model, links_by_owner, partner_links,
};
use crate::services::series::{self as series_service, SeriesTemplate, session_uid};

/// The largest page a listing returns.
pub const MAX_PER_PAGE: u64 = 500;
/// The last page number the listing takes (500 × 100,000 sessions is far beyond any library).
pub const MAX_PAGE: u64 = 100_000;

/// Which sessions a listing returns.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// Ending after (still on, or yet to come).
    pub ends_after: Option<DateTime<Utc>>,
    /// One program, by id.
    pub program_id: Option<Uuid>,
    /// One program, by slug.
    pub program_slug: Option<String>,
    /// One kind of program.
    pub kind: Option<ProgramKind>,
    /// Sessions with this partner (on the session or its program).
    pub partner_id: Option<Uuid>,
    /// One status.
    pub status: Option<SessionStatus>,
}

/// Sessions matching `filter`, by start, one page at a time.
pub async fn list_sessions(
    db: &DatabaseConnection,
    filter: &SessionFilter,
    audience: Audience,
    page: u64,
    per_page: u64,
) -> AppResult<SessionPage> {
    if page > MAX_PAGE {
        return Err(AppError::field(
            "page",
            FieldError::OutOfRange {
                min: 1,
                max: MAX_PAGE as i64,
            },
        ));
    }
    let page = page.max(1);
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let mut query = sessions::Entity::find();
    if let Some(from) = filter.from {
        query = query.filter(sessions::Column::StartsAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(sessions::Column::StartsAt.lt(to));
    }
    if let Some(ends_after) = filter.ends_after {
        query = query.filter(sessions::Column::EndsAt.gt(ends_after));
    }
    if let Some(status) = filter.status {
        query = query.filter(sessions::Column::Status.eq(status.as_str()));
    }
    if let Some(program_id) = filter.program_id {
        query = query.filter(sessions::Column::ProgramId.eq(program_id));
    }
    let needs_program_filter =
        audience == Audience::Public || filter.program_slug.is_some() || filter.kind.is_some();
    if needs_program_filter {
        let mut programs_query = Query::select()
            .column(programs::Column::Id)
            .from(programs::Entity)
            .to_owned();
        if audience == Audience::Public {
            programs_query
                .and_where(programs::Column::Status.eq(ProgramStatus::Published.as_str()));
        }
        if let Some(slug) = &filter.program_slug {
            programs_query.and_where(programs::Column::Slug.eq(slug.clone()));
        }
        if let Some(kind) = filter.kind {
            programs_query.and_where(programs::Column::Kind.eq(kind.as_str()));
        }
        query = query.filter(sessions::Column::ProgramId.in_subquery(programs_query));
    }
    if let Some(partner) = filter.partner_id {
        let mut on_session = Query::select()
            .column(session_partners::Column::SessionId)
            .from(session_partners::Entity)
            .and_where(session_partners::Column::PartnerId.eq(partner))
            .to_owned();
        if audience == Audience::Public {
            on_session.and_where(taking_part());
        }
        let on_program = Query::select()
            .column(program_partners::Column::ProgramId)
            .from(program_partners::Entity)
            .and_where(program_partners::Column::PartnerId.eq(partner))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(sessions::Column::Id.in_subquery(on_session))
                .add(sessions::Column::ProgramId.in_subquery(on_program)),
        );
    }
    let total = query.clone().count(db).await?;
    let models = query
        .order_by_asc(sessions::Column::StartsAt)
        .order_by_asc(sessions::Column::Id)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok(SessionPage {
        items: views(db, models, audience).await?,
        total,
        page,
        per_page,
    })
}

/// Where to watch a session: its own link if staff set one, else its program's; with the
/// platform's name, where known.
pub fn watch_link(
    session: &sessions::Model,
    program: &programs::Model,
) -> Option<(Option<String>, String)> {
    match &session.stream_url {
        Some(url) => Some((session.platform.clone(), url.clone())),
        None => program
            .stream_url
            .clone()
            .map(|url| (program.platform.clone(), url)),
    }
}

/// Sets or clears (both fields empty) a session's own watch link. A new sequence number, so
/// calendar apps take the new link.
pub async fn set_watch_link(
    db: &DatabaseConnection,
    id: Uuid,
    input: WatchLinkInput,
    now: DateTime<Utc>,
) -> AppResult<SessionResponse> {
    let input = WatchLinkInput {
        stream_url: clean_optional(input.stream_url),
        platform: clean_optional(input.platform),
    };
    input.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let model = lock_for_edit(&txn, id).await?;
    // A platform without a link would name nothing.
    let platform = input.stream_url.as_ref().and(input.platform);
    if model.stream_url == input.stream_url && model.platform == platform {
        // A retried request or a form saved unchanged: calendars need no new version.
        txn.commit().await?;
        return get_session(db, id, Audience::Staff).await;
    }
    let sequence = model.sequence.saturating_add(1);
    let mut active: sessions::ActiveModel = model.into();
    active.platform = Set(platform);
    active.stream_url = Set(input.stream_url);
    active.sequence = Set(sequence);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    txn.commit().await?;
    get_session(db, id, Audience::Staff).await
}

/// The most sessions [`on_air`] answers with (a library runs a few at once at most).
const ON_AIR_LIMIT: u64 = 20;

/// Published sessions on the air at `now` or starting within
/// [`shared::dto::schedule::STARTS_SOON_MINUTES`], by start; one program's if a slug is given.
/// Read at each request, so a page or answer is right whenever it is made.
pub async fn on_air(
    db: &DatabaseConnection,
    program_slug: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Vec<OnAir>> {
    let filter = SessionFilter {
        // No session lasts longer than this, so older starts need not be read: the bound
        // keeps the query on the start index as the history grows.
        from: Some(now - Duration::minutes(i64::from(MAX_DURATION_MINUTES))),
        to: Some(now + Duration::minutes(i64::from(STARTS_SOON_MINUTES)) + Duration::seconds(1)),
        ends_after: Some(now),
        program_slug,
        status: Some(SessionStatus::Scheduled),
        ..SessionFilter::default()
    };
    let page = list_sessions(db, &filter, Audience::Public, 1, ON_AIR_LIMIT).await?;
    Ok(page
        .items
        .into_iter()
        .filter_map(|session| {
            let (state, minutes_to_start) = air_state(session.starts_at, session.ends_at, now)?;
            Some(OnAir {
                state,
                minutes_to_start,
                session,
            })
        })
        .collect())
}

/// The wire views of session rows, with their program and partners, in order.
pub async fn views<C: ConnectionTrait>(
    db: &C,
    models: Vec<sessions::Model>,
    audience: Audience,
) -> AppResult<Vec<SessionResponse>> {
    let mut program_ids: Vec<Uuid> = models.iter().map(|m| m.program_id).collect();
    program_ids.sort_unstable();
    program_ids.dedup();
    let programs: HashMap<Uuid, programs::Model> = programs::Entity::find()
        .filter(programs::Column::Id.is_in(program_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let links = session_links(db, models.iter().map(|m| m.id).collect(), audience).await?;
    let mut views = Vec::with_capacity(models.len());
    for model in models {
        let program = programs.get(&model.program_id).ok_or(AppError::NotFound)?;
        let partners = links.get(&model.id).cloned().unwrap_or_default();
        views.push(view(model, program, partners)?);
    }
    Ok(views)
}

/// A session partner who has not declined.
pub(crate) fn taking_part() -> sea_orm::sea_query::SimpleExpr {
    session_partners::Column::Answer.ne(PartnerAnswer::Declined.as_str())
}

/// The partners on each session. The public never sees a partner who declined: it is not
/// taking part (staff still see the assignment, to ask someone else or to keep the record).
async fn session_links<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
    audience: Audience,
) -> AppResult<HashMap<Uuid, Vec<PartnerLink>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query =
        session_partners::Entity::find().filter(session_partners::Column::SessionId.is_in(ids));
    if audience == Audience::Public {
        query = query.filter(taking_part());
    }
    let rows = query.all(db).await?;
    links_by_owner(
        db,
        rows.into_iter()
            .map(|r| LinkRow {
                owner: r.session_id,
                partner_id: r.partner_id,
                // Answers and their notes are between the partner and the staff.
                answer: (audience == Audience::Staff)
                    .then(|| PartnerAnswer::parse(&r.answer).map(|a| (a, r.answer_note)))
                    .flatten(),
                role: r.role,
            })
            .collect(),
    )
    .await
}

fn view(
    model: sessions::Model,
    program: &programs::Model,
    partners: Vec<PartnerLink>,
) -> AppResult<SessionResponse> {
    let tz = parse_tz(&model.tz)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone unknown")))?;
    let watch = watch_link(&model, program);
    Ok(SessionResponse {
        id: model.id,
        uid: model.uid,
        program_id: program.id,
        program_slug: program.slug.clone(),
        program_name: program.name.clone(),
        program_kind: ProgramKind::parse(&program.kind).unwrap_or(ProgramKind::Other),
        series_id: model.series_id,
        original_start: model.original_start,
        starts_at: model.starts_at,
        ends_at: model.ends_at,
        start_local: utc_to_local(tz, model.starts_at),
        end_local: utc_to_local(tz, model.ends_at),
        zone_label: zone_label(tz, model.starts_at),
        library_clock: library_clock(tz, model.starts_at),
        tz: model.tz,
        title: model.title.unwrap_or_else(|| program.name.clone()),
        host: model.host,
        own_watch_link: model.stream_url.is_some(),
        stream_url: watch.as_ref().map(|(_, url)| url.clone()),
        platform: watch.and_then(|(platform, _)| platform),
        place: program.place.clone(),
        status: SessionStatus::parse(&model.status).unwrap_or(SessionStatus::Scheduled),
        cancel_reason: model.cancel_reason,
        detached: model.detached,
        sequence: u32::try_from(model.sequence).unwrap_or(0),
        partners,
        episode: None,
    })
}

/// One session row, if the audience may see its program (drafts are for staff only).
pub async fn find_visible<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    audience: Audience,
) -> AppResult<sessions::Model> {
    let model = sessions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    find_model(db, model.program_id, audience).await?;
    Ok(model)
}

/// The session, if staff may see it, held for the rest of the transaction: PostgreSQL locks
/// its row; SQLite's transaction holds the one writer's lock from `BEGIN` already. Two edits
/// of one session then follow each other instead of interleaving (two partner lists
/// replacing each other's rows hit the unique key; two cancels gave one SEQUENCE).
pub(crate) async fn lock_for_edit(
    txn: &DatabaseTransaction,
    id: Uuid,
) -> AppResult<sessions::Model> {
    let mut find = sessions::Entity::find_by_id(id);
    if txn.get_database_backend() == DbBackend::Postgres {
        find = find.lock_exclusive();
    }
    let model = find.one(txn).await?.ok_or(AppError::NotFound)?;
    find_model(txn, model.program_id, Audience::Staff).await?;
    Ok(model)
}

/// One session, if the audience may see its program.
pub async fn get_session(
    db: &DatabaseConnection,
    id: Uuid,
    audience: Audience,
) -> AppResult<SessionResponse> {
    let model = find_visible(db, id, audience).await?;
    views(db, vec![model], audience)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Creates a one-off session.
#[tracing::instrument(skip_all)]
pub async fn create_session(
    db: &DatabaseConnection,
    input: SessionInput,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    input.validate().map_err(AppError::Invalid)?;
    let program = find_model(db, input.program_id, Audience::Staff)
        .await
        .map_err(|_| AppError::field("program_id", FieldError::UnknownReference))?;
    let tz = parse_tz(&program.tz).map_err(|e| AppError::field("tz", e))?;
    let starts_at =
        local_to_utc(tz, input.start_local).map_err(|e| AppError::field("start_local", e))?;
    let id = Uuid::now_v7();
    let model = sessions::ActiveModel {
        id: Set(id),
        uid: Set(session_uid(id)),
        program_id: Set(program.id),
        series_id: Set(None),
        original_start: Set(None),
        starts_at: Set(starts_at),
        ends_at: Set(starts_at + Duration::minutes(i64::from(input.duration_minutes))),
        tz: Set(program.tz.clone()),
        title: Set(clean_optional(input.title)),
        host: Set(clean_optional(input.host)),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        cancel_reason: Set(None),
        blackout_id: Set(None),
        detached: Set(false),
        sequence: Set(0),
        stream_url: Set(None),
        platform: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    crate::services::roles::copy_program_roles(db, program.id, now).await?;
    outcome(db, model.id, 1).await
}

async fn outcome(db: &DatabaseConnection, id: Uuid, changed: u32) -> AppResult<EditOutcome> {
    Ok(EditOutcome {
        session: get_session(db, id, Audience::Staff).await?,
        changed,
        conflicts: conflicts_for(db, id).await?,
    })
}

/// Edits a session; with `following` or `all`, its series too.
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn edit_session(
    db: &DatabaseConnection,
    id: Uuid,
    edit: SessionEdit,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    edit.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let session = find_visible(&txn, id, Audience::Staff).await?;
    let tz = parse_tz(&session.tz).map_err(|e| AppError::field("tz", e))?;
    let starts_at =
        local_to_utc(tz, edit.start_local).map_err(|e| AppError::field("start_local", e))?;
    let title = clean_optional(edit.title.clone());
    let host = clean_optional(edit.host.clone());
    let series = match session.series_id {
        Some(series_id) if edit.scope != EditScope::This => {
            series_service::lock_series(&txn, series_id).await?
        }
        _ => None,
    };
    let (edited_id, changed) = match series {
        None => {
            let mut shape = series_service::shape_of(&session);
            shape.starts_at = starts_at;
            shape.ends_at = starts_at + Duration::minutes(i64::from(edit.duration_minutes));
            shape.title = title;
            shape.host = host;
            let changed = shape != series_service::shape_of(&session);
            let sequence = session.sequence + i32::from(changed);
            let detached = session.series_id.is_some() && (changed || session.detached);
            let mut model: sessions::ActiveModel = session.into();
            model.starts_at = Set(shape.starts_at);
            model.ends_at = Set(shape.ends_at);
            model.title = Set(shape.title);
            model.host = Set(shape.host);
            model.sequence = Set(sequence);
            model.detached = Set(detached);
            model.updated_at = Set(now);
            model.update(&txn).await?;
            (id, u32::from(changed))
        }
        Some(series) => {
            let original = session.original_start.unwrap_or(session.starts_at);
            let template = carried_template(&series, original, &edit, title, host)?;
            if edit.scope == EditScope::Following {
                let (_, changed) = series_service::split(
                    &txn,
                    series,
                    original,
                    template,
                    edit.reset_individual_edits,
                    now,
                )
                .await?;
                (id, changed)
            } else {
                let (_, changed) = series_service::change_from(
                    &txn,
                    series,
                    template,
                    now.min(original),
                    edit.reset_individual_edits,
                    now,
                )
                .await?;
                (id, changed)
            }
        }
    };
    txn.commit().await?;
    tracing::info!(session.id = %edited_id, "session {edited_id} edited ({})", edit.scope.as_str());
    outcome(db, edited_id, changed).await
}

/// The series definition an edit of one occurrence carries over: the new time of day, the
/// weekday shift, length, title and host. For `following` the series restarts at the edited
/// session; for `all` it keeps its first date.
fn carried_template(
    series: &series::Model,
    original: DateTime<Utc>,
    edit: &SessionEdit,
    title: Option<String>,
    host: Option<String>,
) -> AppResult<SeriesTemplate> {
    let current = series_service::definition(series)?;
    let tz = current.tz;
    let original_local = utc_to_local(tz, original);
    let day_shift = (edit.start_local.date() - original_local.date()).num_days();
    let rule = rule_from_rrule(&series.rrule, tz)
        .unwrap_or_else(|| RecurrenceRule::weekly(&[]))
        .shifted_by_days(day_shift);
    let start_local = match edit.scope {
        EditScope::Following => edit.start_local,
        _ => (current.start_local.date() + Duration::days(day_shift))
            .and_time(edit.start_local.time()),
    };
    let start = local_to_utc(tz, start_local).map_err(|e| AppError::field("start_local", e))?;
    let definition =
        Definition::new(tz, start_local, &rule).map_err(|e| AppError::field("start_local", e))?;
    Ok(SeriesTemplate {
        definition,
        start,
        duration_minutes: edit.duration_minutes,
        title,
        host,
    })
}

/// Cancels a session; it stays listed, marked cancelled with the reason.
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn cancel_session(
    db: &DatabaseConnection,
    id: Uuid,
    request: CancelRequest,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    request.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let session = lock_for_edit(&txn, id).await?;
    let sequence = session.sequence + 1;
    let mut model: sessions::ActiveModel = session.into();
    model.status = Set(SessionStatus::Cancelled.as_str().to_owned());
    model.cancel_reason = Set(Some(request.reason.trim().to_owned()));
    model.blackout_id = Set(None);
    model.sequence = Set(sequence);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(session.id = %id, "session {id} cancelled");
    outcome(db, id, 1).await
}

/// Restores a cancelled session. One restored on a day off is then kept apart from its
/// series, so the day off does not cancel it again.
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn restore_session(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    let txn = crate::db::begin(db).await?;
    let session = lock_for_edit(&txn, id).await?;
    if session.status == SessionStatus::Scheduled.as_str() {
        txn.commit().await?;
        return outcome(db, id, 0).await;
    }
    let sequence = session.sequence + 1;
    let detached = session.detached || session.blackout_id.is_some();
    let mut model: sessions::ActiveModel = session.into();
    model.status = Set(SessionStatus::Scheduled.as_str().to_owned());
    model.cancel_reason = Set(None);
    model.blackout_id = Set(None);
    model.detached = Set(detached);
    model.sequence = Set(sequence);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    txn.commit().await?;
    outcome(db, id, 1).await
}

/// Replaces the partners on a session.
#[tracing::instrument(skip_all, fields(session.id = %id))]
pub async fn set_session_partners(
    db: &DatabaseConnection,
    id: Uuid,
    assignments: Vec<PartnerAssignment>,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    let txn = crate::db::begin(db).await?;
    let session = lock_for_edit(&txn, id).await?;
    let assignments = checked_assignments(&txn, assignments).await?;
    // A partner kept in the same role keeps its answer; anyone new is asked afresh.
    let before = session_partners::Entity::find()
        .filter(session_partners::Column::SessionId.eq(id))
        .all(&txn)
        .await?;
    session_partners::Entity::delete_many()
        .filter(session_partners::Column::SessionId.eq(id))
        .exec(&txn)
        .await?;
    for a in assignments {
        let kept = before
            .iter()
            .find(|b| b.partner_id == a.partner_id && b.role == a.role.as_str());
        session_partners::ActiveModel {
            id: Set(Uuid::now_v7()),
            session_id: Set(id),
            partner_id: Set(a.partner_id),
            role: Set(a.role.as_str().to_owned()),
            answer: Set(kept.map_or_else(
                || PartnerAnswer::Requested.as_str().to_owned(),
                |b| b.answer.clone(),
            )),
            answer_note: Set(kept.and_then(|b| b.answer_note.clone())),
            answered_at: Set(kept.and_then(|b| b.answered_at)),
        }
        .insert(&txn)
        .await?;
    }
    let sequence = session.sequence + 1;
    let mut model: sessions::ActiveModel = session.into();
    model.sequence = Set(sequence);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    txn.commit().await?;
    outcome(db, id, 1).await
}

/// Scheduled sessions overlapping `[from, to)` as bookings, with their partners.
async fn bookings<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<(Booking, sessions::Model)>> {
    // The longest session is a day, so anything overlapping starts within a day before.
    let models = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(from - Duration::days(1)))
        .filter(sessions::Column::StartsAt.lt(to))
        .filter(sessions::Column::EndsAt.gt(from))
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?;
    let mut program_ids: Vec<Uuid> = models.iter().map(|m| m.program_id).collect();
    program_ids.sort_unstable();
    program_ids.dedup();
    let on_programs = partner_links(db, &program_ids).await?;
    let on_sessions =
        session_links(db, models.iter().map(|m| m.id).collect(), Audience::Staff).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let partners = on_programs
                .get(&m.program_id)
                .into_iter()
                .chain(on_sessions.get(&m.id))
                .flatten()
                .map(|l| (l.partner_id, l.partner_name.clone()))
                .collect();
            let booking = Booking {
                session_id: m.id,
                program_id: m.program_id,
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                host: m.host.clone(),
                partners,
            };
            (booking, m)
        })
        .collect())
}

/// Conflicts of one session with the others.
pub async fn conflicts_for(db: &DatabaseConnection, id: Uuid) -> AppResult<Vec<Conflict>> {
    let session = find_visible(db, id, Audience::Staff).await?;
    let all = bookings(db, session.starts_at, session.ends_at).await?;
    let Some((target, _)) = all.iter().find(|(b, _)| b.session_id == id) else {
        return Ok(Vec::new());
    };
    let clashes: Vec<Clash> = all
        .iter()
        .flat_map(|(other, _)| clashes_between(target, other))
        .collect();
    describe(db, clashes).await
}

/// Every conflict among sessions starting in `[from, to)`.
pub async fn conflicts_between(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Conflict>> {
    let mut all: Vec<Booking> = bookings(db, from, to)
        .await?
        .into_iter()
        .map(|(b, _)| b)
        .collect();
    let clashes = crate::domain::conflicts::find_clashes(&mut all);
    describe(db, clashes).await
}

async fn describe(db: &DatabaseConnection, clashes: Vec<Clash>) -> AppResult<Vec<Conflict>> {
    let mut ids: Vec<Uuid> = clashes.iter().flat_map(|c| [c.a, c.b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let models = sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let by_id: HashMap<Uuid, SessionResponse> = views(db, models, Audience::Staff)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(clashes
        .into_iter()
        .filter_map(|c| {
            let a = by_id.get(&c.a)?;
            let b = by_id.get(&c.b)?;
            Some(Conflict {
                kind: c.kind,
                detail: c.detail,
                session_id: a.id,
                session_title: a.title.clone(),
                session_start_local: a.start_local,
                other_session_id: b.id,
                other_title: b.title.clone(),
                other_start_local: b.start_local,
            })
        })
        .collect())
}
