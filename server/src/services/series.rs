//! Recurring series: creating, changing (in place or from a session on, splitting the
//! series), ending, and keeping their session rows materialised over a rolling horizon.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::dto::schedule::{
    EndSeriesRequest, Occurrence, PreviewRequest, PreviewResponse, SeriesInput, SeriesResponse,
    SeriesUpdate,
};
use shared::recurrence::{RecurrenceRule, RuleEnd};
use shared::validation::clean_optional;
use shared::words::SessionStatus;
use shared::{FieldError, Lang};
use uuid::Uuid;

use crate::db::entities::{blackout_dates, series, sessions};
use crate::domain::reconcile::{DayOff, Row, Shape, Step, Template, reconcile};
use crate::domain::recurrence::{Definition, rule_from_rrule, with_count, with_until};
use crate::domain::zone::{local_to_utc, parse_tz, utc_to_local, zone_label};
use crate::error::{AppError, AppResult};
use crate::services::programs::{Audience, find_model};

/// How far ahead sessions exist as rows (a little over twelve months).
pub const HORIZON: Duration = Duration::days(400);

/// The most sessions one write may store for a series: a daily series reaching back about
/// five years. More (a daily rule from 1900) is refused on the rule, not stored.
pub const MAX_SESSIONS_AT_ONCE: usize = 2500;
/// How many dates the recurrence builder previews.
pub const PREVIEW_COUNT: usize = 10;
/// Rows written per INSERT statement when materialising.
const INSERT_CHUNK: usize = 200;

/// The stable calendar UID of a session.
pub fn session_uid(id: Uuid) -> String {
    format!("{id}@siar")
}

/// A rule error on its field: zone problems on `start_local`, the rest on `rule`.
fn rule_error(error: FieldError) -> AppError {
    match error {
        FieldError::NonexistentLocalTime => AppError::field("start_local", error),
        other => AppError::field("rule", other),
    }
}

fn series_tz(model: &series::Model) -> AppResult<Tz> {
    parse_tz(&model.tz).map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone unknown")))
}

/// The series' expansion definition.
pub fn definition(model: &series::Model) -> AppResult<Definition> {
    let tz = series_tz(model)?;
    Ok(Definition {
        tz,
        start_local: utc_to_local(tz, model.starts_at),
        rrule: model.rrule.clone(),
    })
}

/// The wire view of a series.
pub fn view(model: &series::Model) -> AppResult<SeriesResponse> {
    let tz = series_tz(model)?;
    Ok(SeriesResponse {
        id: model.id,
        program_id: model.program_id,
        title: model.title.clone(),
        host: model.host.clone(),
        rule: rule_from_rrule(&model.rrule, tz).unwrap_or_else(|| RecurrenceRule::weekly(&[])),
        rrule: model.rrule.clone(),
        start_local: utc_to_local(tz, model.starts_at),
        starts_at: model.starts_at,
        tz: model.tz.clone(),
        zone_label: zone_label(tz, model.starts_at),
        duration_minutes: u32::try_from(model.duration_minutes).unwrap_or(60),
        split_from: model.split_from,
    })
}

/// A checked definition whose rule yields at least one date.
fn checked_definition(
    tz: Tz,
    start_local: chrono::NaiveDateTime,
    rule: &RecurrenceRule,
) -> AppResult<(Definition, DateTime<Utc>)> {
    let start = local_to_utc(tz, start_local).map_err(|e| AppError::field("start_local", e))?;
    let definition = Definition::new(tz, start_local, rule).map_err(rule_error)?;
    let first = definition.first(start, 1).map_err(rule_error)?;
    if first.is_empty() {
        return Err(AppError::field("rule", FieldError::NoOccurrences));
    }
    Ok((definition, start))
}

/// The next dates and summary of a rule, for the builder.
pub fn preview(request: &PreviewRequest, now: DateTime<Utc>) -> AppResult<PreviewResponse> {
    request.validate().map_err(AppError::Invalid)?;
    let tz = parse_tz(&request.tz).map_err(|e| AppError::field("tz", e))?;
    let (definition, start) = checked_definition(tz, request.start_local, &request.rule)?;
    let duration = Duration::minutes(i64::from(request.duration_minutes));
    let occurrences = definition
        .first(start.max(now - Duration::days(1)), PREVIEW_COUNT)
        .map_err(rule_error)?
        .into_iter()
        .map(|t| Occurrence {
            starts_at: t,
            start_local: utc_to_local(tz, t),
            end_local: utc_to_local(tz, t + duration),
        })
        .collect();
    let label = zone_label(tz, start);
    Ok(PreviewResponse {
        summary_id: request.rule.summary(Lang::Id, request.start_local, &label),
        summary_en: request.rule.summary(Lang::En, request.start_local, &label),
        zone_label: label,
        occurrences,
    })
}

/// [`preview`] on a blocking thread: expanding a rule is CPU work that must not hold up the
/// threads that answer every other request.
pub async fn preview_off_thread(
    request: PreviewRequest,
    now: DateTime<Utc>,
) -> AppResult<PreviewResponse> {
    tokio::task::spawn_blocking(move || preview(&request, now))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("series preview")))?
}

/// Creates a series and its sessions up to the horizon.
#[tracing::instrument(skip_all)]
pub async fn create_series(
    db: &DatabaseConnection,
    input: SeriesInput,
    now: DateTime<Utc>,
) -> AppResult<SeriesResponse> {
    input.validate().map_err(AppError::Invalid)?;
    let program = find_model(db, input.program_id, Audience::Staff)
        .await
        .map_err(|_| AppError::field("program_id", FieldError::UnknownReference))?;
    let tz = parse_tz(&program.tz).map_err(|e| AppError::field("tz", e))?;
    let (definition, start) = checked_definition(tz, input.start_local, &input.rule)?;
    let txn = crate::db::begin(db).await?;
    let model = series::ActiveModel {
        id: Set(Uuid::now_v7()),
        program_id: Set(program.id),
        title: Set(clean_optional(input.title)),
        host: Set(clean_optional(input.host)),
        rrule: Set(definition.rrule.clone()),
        starts_at: Set(start),
        tz: Set(program.tz.clone()),
        duration_minutes: Set(i32::try_from(input.duration_minutes).unwrap_or(60)),
        materialized_until: Set(start),
        split_from: Set(None),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let model = materialize(&txn, model, start, Vec::new(), false, false, now)
        .await?
        .0;
    txn.commit().await?;
    tracing::info!(series.id = %model.id, "series {} created", model.id);
    view(&model)
}

/// Changes a series from now on, or from `update.from_session` on (splitting it there).
#[tracing::instrument(skip_all, fields(series.id = %id))]
pub async fn update_series(
    db: &DatabaseConnection,
    id: Uuid,
    update: SeriesUpdate,
    now: DateTime<Utc>,
) -> AppResult<(SeriesResponse, u32)> {
    update.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let existing = lock_series(&txn, id).await?.ok_or(AppError::NotFound)?;
    let tz = series_tz(&existing)?;
    let (definition, start) = checked_definition(tz, update.start_local, &update.rule)?;
    let template = SeriesTemplate {
        definition,
        start,
        duration_minutes: update.duration_minutes,
        title: clean_optional(update.title),
        host: clean_optional(update.host),
    };
    let result = match update.from_session {
        Some(session_id) => {
            let session = sessions::Entity::find_by_id(session_id)
                .one(&txn)
                .await?
                .filter(|s| s.series_id == Some(id))
                .ok_or(AppError::field(
                    "from_session",
                    FieldError::UnknownReference,
                ))?;
            let at = session.original_start.unwrap_or(session.starts_at);
            split(
                &txn,
                existing,
                at,
                template,
                update.reset_individual_edits,
                now,
            )
            .await?
        }
        None => {
            change_from(
                &txn,
                existing,
                template,
                now,
                update.reset_individual_edits,
                now,
            )
            .await?
        }
    };
    txn.commit().await?;
    Ok((view(&result.0)?, result.1))
}

/// Ends a series after `last_day`; its sessions after that go (those edited one by one stay).
#[tracing::instrument(skip_all, fields(series.id = %id))]
pub async fn end_series(
    db: &DatabaseConnection,
    id: Uuid,
    request: EndSeriesRequest,
    now: DateTime<Utc>,
) -> AppResult<(SeriesResponse, u32)> {
    let txn = crate::db::begin(db).await?;
    let existing = lock_series(&txn, id).await?.ok_or(AppError::NotFound)?;
    let tz = series_tz(&existing)?;
    let first_day = utc_to_local(tz, existing.starts_at).date();
    if request.last_day < first_day {
        return Err(AppError::field("last_day", FieldError::EndBeforeStart));
    }
    let mut rule =
        rule_from_rrule(&existing.rrule, tz).unwrap_or_else(|| RecurrenceRule::weekly(&[]));
    rule.end = RuleEnd::Until {
        date: request.last_day,
    };
    let definition = Definition::new(tz, utc_to_local(tz, existing.starts_at), &rule)
        .map_err(|e| AppError::field("last_day", e))?;
    let template = SeriesTemplate {
        definition,
        start: existing.starts_at,
        duration_minutes: u32::try_from(existing.duration_minutes).unwrap_or(60),
        title: existing.title.clone(),
        host: existing.host.clone(),
    };
    let result = replace(&txn, existing, template, now, false, now).await?;
    txn.commit().await?;
    Ok((view(&result.0)?, result.1))
}

/// A series definition with the values every session takes from it.
pub struct SeriesTemplate {
    /// Expansion.
    pub definition: Definition,
    /// First start.
    pub start: DateTime<Utc>,
    /// Length.
    pub duration_minutes: u32,
    /// Title.
    pub title: Option<String>,
    /// Host.
    pub host: Option<String>,
}

/// Gives `existing` the new definition and re-fits its sessions from `from` on.
pub async fn replace<C: ConnectionTrait>(
    db: &C,
    existing: series::Model,
    template: SeriesTemplate,
    from: DateTime<Utc>,
    reset: bool,
    now: DateTime<Utc>,
) -> AppResult<(series::Model, u32)> {
    let rows = rows_from(db, existing.id, from).await?;
    let mut model: series::ActiveModel = existing.into();
    model.rrule = Set(template.definition.rrule.clone());
    model.starts_at = Set(template.start);
    model.duration_minutes = Set(i32::try_from(template.duration_minutes).unwrap_or(60));
    model.title = Set(template.title);
    model.host = Set(template.host);
    model.updated_at = Set(now);
    let model = model.update(db).await?;
    materialize(db, model, from, rows, reset, true, now).await
}

/// Changes the whole series from `from` on ("all"). Sessions before `from` keep their place
/// in it: if the new rule still holds them (the same times and days, say a new title), the
/// series itself changes; if it does not, the series ends before its first occurrence from
/// `from` on and a new series takes over from there (as a split does). Calendar clients then
/// keep every past session under its series' UID and RECURRENCE-ID, rather than seeing them
/// deleted and re-created as sessions of their own.
pub async fn change_from<C: ConnectionTrait>(
    db: &C,
    existing: series::Model,
    mut template: SeriesTemplate,
    from: DateTime<Utc>,
    reset: bool,
    now: DateTime<Utc>,
) -> AppResult<(series::Model, u32)> {
    let old = definition(&existing)?;
    let past = old
        .occurrences(existing.starts_at, from)
        .map_err(rule_error)?;
    let still = template
        .definition
        .occurrences(template.start.min(existing.starts_at), from)
        .map_err(rule_error)?;
    let next_old = old.first(from, 1).map_err(rule_error)?;
    let ahead = template
        .definition
        .wall_clock_occurrences(from, from + HORIZON)
        .map_err(rule_error)?;
    let (Some(&at), Some(first_new)) = (next_old.first(), ahead.first()) else {
        return replace(db, existing, template, from, reset, now).await;
    };
    if past.is_empty() || past == still {
        return replace(db, existing, template, from, reset, now).await;
    }
    let tz = template.definition.tz;
    let rule = rule_from_rrule(&template.definition.rrule, tz)
        .unwrap_or_else(|| RecurrenceRule::weekly(&[]));
    template.definition = Definition::new(tz, first_new.wall, &rule).map_err(rule_error)?;
    template.start = first_new.start;
    split(db, existing, at, template, reset, now).await
}

/// Splits `existing` at the occurrence `at`: it ends just before, and a new series with
/// `template` takes over the sessions from `at` on.
pub async fn split<C: ConnectionTrait>(
    db: &C,
    existing: series::Model,
    at: DateTime<Utc>,
    mut template: SeriesTemplate,
    reset: bool,
    now: DateTime<Utc>,
) -> AppResult<(series::Model, u32)> {
    let old_definition = definition(&existing)?;
    let before = old_definition.count_before(at).map_err(rule_error)?;
    if before == 0 {
        // Splitting at the first session changes the whole series.
        let from = at.min(template.start);
        return replace(db, existing, template, from, reset, now).await;
    }
    if let Some(count) = count_of(&old_definition.rrule) {
        // The sessions left of a counted series keep counting where it stopped.
        let remaining = count.saturating_sub(before).max(1);
        template.definition.rrule = with_count(&template.definition.rrule, remaining);
    }
    let rows = rows_from(db, existing.id, at).await?;
    let program_id = existing.program_id;
    let tz = existing.tz.clone();
    let old_id = existing.id;
    // Its rule now ends earlier and its later rows move to the new series.
    let old_sequence = raise_sequence(db, &existing).await?;
    let mut old: series::ActiveModel = existing.into();
    old.rrule = Set(with_until(&old_definition.rrule, at - Duration::seconds(1)));
    old.sequence = Set(old_sequence);
    old.updated_at = Set(now);
    old.update(db).await?;
    let model = series::ActiveModel {
        id: Set(Uuid::now_v7()),
        program_id: Set(program_id),
        title: Set(template.title),
        host: Set(template.host),
        rrule: Set(template.definition.rrule.clone()),
        starts_at: Set(template.start),
        tz: Set(tz),
        duration_minutes: Set(i32::try_from(template.duration_minutes).unwrap_or(60)),
        materialized_until: Set(template.start),
        split_from: Set(Some(old_id)),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    tracing::info!(series.id = %model.id, "series {old_id} split into {}", model.id);
    materialize(db, model, template.start.min(at), rows, reset, false, now).await
}

fn count_of(rrule: &str) -> Option<usize> {
    rrule
        .split(';')
        .find_map(|part| part.strip_prefix("COUNT="))
        .and_then(|n| n.parse().ok())
}

async fn find_series<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<series::Model> {
    series::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Reads the series for a change and holds its row until the transaction ends: a write comes
/// first, so PostgreSQL locks the row and SQLite takes its write lock before anything is read.
/// Two edits, or two instances extending its horizon, then take turns instead of inserting
/// the same occurrences twice (or failing to upgrade a read transaction on SQLite).
pub(crate) async fn lock_series<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> AppResult<Option<series::Model>> {
    Ok(series::Entity::update_many()
        .col_expr(series::Column::Id, Expr::col(series::Column::Id))
        .filter(series::Column::Id.eq(id))
        .exec_with_returning(db)
        .await?
        .pop())
}

/// The series' rows whose occurrence is at or after `from`.
async fn rows_from<C: ConnectionTrait>(
    db: &C,
    series_id: Uuid,
    from: DateTime<Utc>,
) -> AppResult<Vec<Row>> {
    let models = sessions::Entity::find()
        .filter(sessions::Column::SeriesId.eq(series_id))
        .filter(sessions::Column::OriginalStart.gte(from))
        .all(db)
        .await?;
    Ok(models.into_iter().map(row_of).collect())
}

/// A session row as reconciliation sees it.
pub fn row_of(model: sessions::Model) -> Row {
    Row {
        id: model.id,
        original_start: model.original_start.unwrap_or(model.starts_at),
        detached: model.detached,
        sequence: model.sequence,
        shape: shape_of(&model),
    }
}

/// What people see of a session row.
pub fn shape_of(model: &sessions::Model) -> Shape {
    Shape {
        starts_at: model.starts_at,
        ends_at: model.ends_at,
        title: model.title.clone(),
        host: model.host.clone(),
        status: SessionStatus::parse(&model.status).unwrap_or(SessionStatus::Scheduled),
        cancel_reason: model.cancel_reason.clone(),
        blackout_id: model.blackout_id,
    }
}

/// The days off of a program (its own and everyone's), by local date.
pub async fn days_off<C: ConnectionTrait>(
    db: &C,
    program_id: Uuid,
) -> AppResult<HashMap<NaiveDate, DayOff>> {
    let rows = blackout_dates::Entity::find()
        .filter(
            Condition::any()
                .add(blackout_dates::Column::ProgramId.eq(program_id))
                .add(blackout_dates::Column::ProgramId.is_null()),
        )
        .all(db)
        .await?;
    let mut days = HashMap::new();
    for row in rows {
        days.entry(row.day).or_insert(DayOff {
            id: row.id,
            reason: row.reason,
        });
    }
    Ok(days)
}

/// The series' next SEQUENCE: above every sequence its rule's event has shown, which is the
/// highest of its own and its sessions' (see `domain::ical`). Read before rows change.
pub async fn raise_sequence<C: ConnectionTrait>(db: &C, model: &series::Model) -> AppResult<i32> {
    let highest_row: Option<i32> = sessions::Entity::find()
        .select_only()
        .column_as(sessions::Column::Sequence.max(), "highest")
        .filter(sessions::Column::SeriesId.eq(model.id))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(model
        .sequence
        .max(highest_row.unwrap_or(0))
        .saturating_add(1))
}

/// Fits `rows` (the series' rows from `from` on, possibly from another series) to the
/// series' occurrences in `[from, now + HORIZON)` and writes the difference. `raise`: the
/// rule changed, so its SEQUENCE must rise.
#[allow(clippy::too_many_arguments)]
pub async fn materialize<C: ConnectionTrait>(
    db: &C,
    model: series::Model,
    from: DateTime<Utc>,
    rows: Vec<Row>,
    reset: bool,
    raise: bool,
    now: DateTime<Utc>,
) -> AppResult<(series::Model, u32)> {
    let sequence = if raise {
        Some(raise_sequence(db, &model).await?)
    } else {
        None
    };
    let definition = definition(&model)?;
    let horizon = now + HORIZON;
    let occurrences = definition.occurrences(from, horizon).map_err(rule_error)?;
    if occurrences.len() > MAX_SESSIONS_AT_ONCE {
        return Err(AppError::field(
            "rule",
            FieldError::TooManySessions {
                max: MAX_SESSIONS_AT_ONCE,
            },
        ));
    }
    let off = days_off(db, model.program_id).await?;
    let tz = definition.tz;
    let template = Template {
        duration: Duration::minutes(i64::from(model.duration_minutes)),
        title: model.title.clone(),
        host: model.host.clone(),
    };
    let steps = reconcile(
        rows,
        &occurrences,
        &template,
        |t| off.get(&utc_to_local(tz, t).date()).cloned(),
        reset,
    );
    let changed = apply(db, &model, steps, now).await?;
    crate::services::roles::copy_program_roles(db, model.program_id, now).await?;
    let mut active: series::ActiveModel = model.into();
    active.materialized_until = Set(horizon);
    if let Some(sequence) = sequence {
        active.sequence = Set(sequence);
    }
    Ok((active.update(db).await?, changed))
}

/// Writes reconciliation steps for `series`' sessions; returns how many rows changed.
async fn apply<C: ConnectionTrait>(
    db: &C,
    series: &series::Model,
    steps: Vec<Step>,
    now: DateTime<Utc>,
) -> AppResult<u32> {
    let mut changed = 0u32;
    let mut deletes = Vec::new();
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    for step in steps {
        match step {
            Step::Delete { id } => deletes.push(id),
            Step::Insert {
                original_start,
                shape,
            } => inserts.push((original_start, shape)),
            update @ Step::Update { .. } => updates.push(update),
        }
    }
    if !deletes.is_empty() {
        changed += u32::try_from(deletes.len()).unwrap_or(u32::MAX);
        for chunk in deletes.chunks(INSERT_CHUNK) {
            sessions::Entity::delete_many()
                .filter(sessions::Column::Id.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
    }
    for step in updates {
        let Step::Update {
            id,
            original_start,
            shape,
            detached,
            bump,
            sequence,
        } = step
        else {
            continue;
        };
        let mut model = shape_model(shape);
        model.id = Set(id);
        model.series_id = Set(Some(series.id));
        model.original_start = Set(Some(original_start));
        model.detached = Set(detached);
        model.sequence = Set(sequence);
        model.updated_at = Set(now);
        changed += u32::from(bump);
        model.update(db).await?;
    }
    changed += u32::try_from(inserts.len()).unwrap_or(u32::MAX);
    for chunk in inserts.chunks(INSERT_CHUNK) {
        let models = chunk.iter().map(|(original_start, shape)| {
            let id = Uuid::now_v7();
            let mut model = shape_model(shape.clone());
            model.id = Set(id);
            model.uid = Set(session_uid(id));
            model.program_id = Set(series.program_id);
            model.series_id = Set(Some(series.id));
            model.original_start = Set(Some(*original_start));
            model.tz = Set(series.tz.clone());
            model.detached = Set(false);
            model.sequence = Set(0);
            model.created_at = Set(now);
            model.updated_at = Set(now);
            model
        });
        sessions::Entity::insert_many(models).exec(db).await?;
    }
    Ok(changed)
}

fn shape_model(shape: Shape) -> sessions::ActiveModel {
    sessions::ActiveModel {
        starts_at: Set(shape.starts_at),
        ends_at: Set(shape.ends_at),
        title: Set(shape.title),
        host: Set(shape.host),
        status: Set(shape.status.as_str().to_owned()),
        cancel_reason: Set(shape.cancel_reason),
        blackout_id: Set(shape.blackout_id),
        ..Default::default()
    }
}

/// Extends every series whose rows end less than a day inside the horizon. Idempotent, so
/// any number of server instances may run it.
#[tracing::instrument(skip_all)]
pub async fn extend_horizons(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let due = series::Entity::find()
        .filter(series::Column::MaterializedUntil.lt(now + HORIZON - Duration::days(1)))
        .all(db)
        .await?;
    let count = due.len();
    for model in due {
        let txn = crate::db::begin(db).await?;
        // Re-read under the row's lock: another instance may have extended it already.
        let Some(model) = lock_series(&txn, model.id).await? else {
            continue;
        };
        let from = model.materialized_until;
        if from >= now + HORIZON - Duration::days(1) {
            continue;
        }
        let rows = rows_from(&txn, model.id, from).await?;
        // The rule's end in feeds moves with the rows.
        materialize(&txn, model, from, rows, false, true, now).await?;
        txn.commit().await?;
    }
    Ok(count)
}

/// The series of a program, oldest first.
pub async fn list_series(
    db: &DatabaseConnection,
    program_id: Uuid,
) -> AppResult<Vec<SeriesResponse>> {
    find_model(db, program_id, Audience::Staff).await?;
    let models = series::Entity::find()
        .filter(series::Column::ProgramId.eq(program_id))
        .order_by_asc(series::Column::StartsAt)
        .all(db)
        .await?;
    models.iter().map(view).collect()
}

/// One series.
pub async fn get_series(db: &DatabaseConnection, id: Uuid) -> AppResult<SeriesResponse> {
    view(&find_series(db, id).await?)
}
