//! The storytelling contest: setup by staff, entries by the public (window, age category,
//! consent, entries per person), the entrant's private page, and staff's check of entries.
//! Video uploads, judging and results have their own modules.

pub mod judging;
pub mod results;
pub mod videos;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::dto::contests::{
    CategoryView, ContestInput, ContestProgram, ContestView, CriterionView, EntryInput,
    EntryReceipt, EntryResult, EntryStatus, ReviewInput, StaffContest, StaffContests, StaffEntry,
    UploadProgress, VideoInfo, age_on,
};
use shared::dto::volunteers::Refusal;
use shared::validation::normalize_email;
use shared::words::{EntryState, ProgramKind, ProgramStatus, Review, VideoFormat, WindowState};
use shared::{FieldError, Lang};
use uuid::Uuid;

use crate::db::entities::{
    contest_categories, contest_criteria, contest_entries, contests, judge_reviews, programs,
    uploads,
};
use crate::domain::zone::{local_to_utc, parse_tz, utc_to_local};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::services::rate_limit;
use crate::token_vault::{TokenVault, is_token_shaped, lookup_key};

/// The entrant's private page.
pub fn entry_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/contest-entry/{token}")
}

/// The private page of a stored entry, for a letter (its token opened from the vault).
pub fn entry_link(
    vault: &TokenVault,
    base_url: &str,
    entry: &contest_entries::Model,
) -> AppResult<String> {
    let sealed = entry.access_token_sealed.as_deref().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("entry {} has no sealed token", entry.id))
    })?;
    Ok(entry_url(base_url, &vault.open(sealed)?))
}

/// Where submissions stand at `now`. Once results are published the contest is closed,
/// whatever its dates say (staff may have moved them since).
pub fn window_at(contest: &contests::Model, now: DateTime<Utc>) -> WindowState {
    if contest.results_published_at.is_some() {
        WindowState::Closed
    } else if now < contest.opens_at {
        WindowState::Upcoming
    } else if now >= contest.closes_at {
        WindowState::Closed
    } else {
        WindowState::Open
    }
}

/// Refuses unless submissions are open at `now`.
pub fn require_open(contest: &contests::Model, now: DateTime<Utc>) -> AppResult<()> {
    match window_at(contest, now) {
        WindowState::Open => Ok(()),
        WindowState::Upcoming => Err(AppError::Refused(Refusal::ContestNotOpen)),
        WindowState::Closed => Err(AppError::Refused(Refusal::ContestClosed)),
    }
}

/// The accepted containers of a contest.
pub fn formats_of(contest: &contests::Model) -> Vec<VideoFormat> {
    contest
        .formats
        .split(',')
        .filter_map(VideoFormat::parse)
        .collect()
}

fn store_formats(formats: &[VideoFormat]) -> String {
    VideoFormat::ALL
        .iter()
        .filter(|f| formats.contains(f))
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A contest with its program, categories and criteria.
pub struct Loaded {
    /// The contest row.
    pub contest: contests::Model,
    /// Its program.
    pub program: programs::Model,
    /// Categories, youngest first.
    pub categories: Vec<contest_categories::Model>,
    /// Criteria, in rubric order.
    pub criteria: Vec<contest_criteria::Model>,
}

impl Loaded {
    /// The view everyone gets.
    pub fn view(&self, now: DateTime<Utc>) -> ContestView {
        let tz = parse_tz(&self.program.tz).unwrap_or(chrono_tz::Asia::Makassar);
        let contest = &self.contest;
        ContestView {
            id: contest.id,
            program_id: self.program.id,
            slug: self.program.slug.clone(),
            name: self.program.name.clone(),
            time_zone: self.program.tz.clone(),
            rules: contest.rules.clone(),
            opens_at: contest.opens_at,
            closes_at: contest.closes_at,
            opens_local: utc_to_local(tz, contest.opens_at),
            closes_local: utc_to_local(tz, contest.closes_at),
            window: window_at(contest, now),
            age_reference_date: contest.age_reference_date,
            max_video_bytes: contest.max_video_bytes,
            max_video_minutes: contest.max_video_minutes,
            formats: formats_of(contest),
            entries_per_person: contest.entries_per_person,
            categories: self
                .categories
                .iter()
                .map(|c| CategoryView {
                    id: c.id,
                    name: c.name.clone(),
                    min_age: c.min_age,
                    max_age: c.max_age,
                })
                .collect(),
            criteria: self
                .criteria
                .iter()
                .map(|c| CriterionView {
                    id: c.id,
                    name: c.name.clone(),
                    weight: c.weight,
                })
                .collect(),
            results_published_at: contest.results_published_at,
        }
    }

    /// The criterion weights in rubric order, with their ids.
    pub fn weights(&self) -> (Vec<Uuid>, Vec<i32>) {
        self.criteria.iter().map(|c| (c.id, c.weight)).unzip()
    }
}

/// Loads a contest and what hangs off it.
pub async fn load<C: ConnectionTrait>(db: &C, contest: contests::Model) -> AppResult<Loaded> {
    let program = programs::Entity::find_by_id(contest.program_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = contest_categories::Entity::find()
        .filter(contest_categories::Column::ContestId.eq(contest.id))
        .order_by_asc(contest_categories::Column::Position)
        .all(db)
        .await?;
    let criteria = contest_criteria::Entity::find()
        .filter(contest_criteria::Column::ContestId.eq(contest.id))
        .order_by_asc(contest_criteria::Column::Position)
        .all(db)
        .await?;
    Ok(Loaded {
        contest,
        program,
        categories,
        criteria,
    })
}

/// The contest with `id`.
pub async fn load_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Loaded> {
    let contest = contests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    load(db, contest).await
}

/// The public contest whose program has `slug` (a program that is not published is not
/// found).
pub async fn load_public(db: &DatabaseConnection, slug: &str) -> AppResult<Loaded> {
    let program = programs::Entity::find()
        .filter(programs::Column::Slug.eq(slug))
        .filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let contest = contests::Entity::find()
        .filter(contests::Column::ProgramId.eq(program.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    load(db, contest).await
}

/// Every contest, newest window first (staff).
pub async fn list(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Vec<ContestView>> {
    let rows = contests::Entity::find()
        .order_by_desc(contests::Column::OpensAt)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for contest in rows {
        views.push(load(db, contest).await?.view(now));
    }
    Ok(views)
}

/// The staff list: every contest, and the `contest` programs a contest can be set up for.
pub async fn staff_overview(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> AppResult<StaffContests> {
    let contests = list(db, now).await?;
    let programs = programs::Entity::find()
        .filter(programs::Column::Kind.eq(ProgramKind::Contest.as_str()))
        .order_by_asc(programs::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| ContestProgram {
            contest_id: contests.iter().find(|c| c.program_id == p.id).map(|c| c.id),
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(StaffContests { contests, programs })
}

/// Everything the staff page of one contest shows.
pub async fn staff_view(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<StaffContest> {
    let loaded = load_by_id(db, id).await?;
    Ok(StaffContest {
        contest: loaded.view(now),
        entries: entries(db, id).await?,
        panel: judging::panel(db, id).await?,
        conflicts: judging::conflicts(db, id).await?,
        progress: judging::progress(db, id).await?,
        ranking: judging::ranking_of(db, &loaded).await?,
    })
}

/// Creates the contest of a `contest` program.
pub async fn create(
    db: &DatabaseConnection,
    input: &ContestInput,
    now: DateTime<Utc>,
) -> AppResult<ContestView> {
    input.validate().map_err(AppError::Invalid)?;
    let program = contest_program(db, input.program_id).await?;
    let taken = contests::Entity::find()
        .filter(contests::Column::ProgramId.eq(program.id))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::field("program_id", FieldError::Taken));
    }
    let (opens_at, closes_at) = window_instants(&program, input)?;
    let txn = crate::db::begin(db).await?;
    let id = Uuid::now_v7();
    contests::ActiveModel {
        id: Set(id),
        program_id: Set(program.id),
        rules: Set(input.rules.trim().to_owned()),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        age_reference_date: Set(input.age_reference_date),
        max_video_bytes: Set(input.max_video_mib * 1024 * 1024),
        max_video_minutes: Set(input.max_video_minutes),
        formats: Set(store_formats(&input.formats)),
        entries_per_person: Set(input.entries_per_person),
        results_published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    save_rubric(&txn, id, input).await?;
    txn.commit().await?;
    Ok(load_by_id(db, id).await?.view(now))
}

/// Changes a contest. Categories and criteria are matched by id; a category that has
/// entries cannot be removed.
pub async fn update(
    db: &DatabaseConnection,
    id: Uuid,
    input: &ContestInput,
    now: DateTime<Utc>,
) -> AppResult<ContestView> {
    input.validate().map_err(AppError::Invalid)?;
    let existing = load_by_id(db, id).await?;
    if input.program_id != existing.program.id {
        return Err(AppError::field("program_id", FieldError::NotAllowed));
    }
    let (opens_at, closes_at) = window_instants(&existing.program, input)?;
    let txn = crate::db::begin(db).await?;
    let mut contest: contests::ActiveModel = existing.contest.into();
    contest.rules = Set(input.rules.trim().to_owned());
    contest.opens_at = Set(opens_at);
    contest.closes_at = Set(closes_at);
    contest.age_reference_date = Set(input.age_reference_date);
    contest.max_video_bytes = Set(input.max_video_mib * 1024 * 1024);
    contest.max_video_minutes = Set(input.max_video_minutes);
    contest.formats = Set(store_formats(&input.formats));
    contest.entries_per_person = Set(input.entries_per_person);
    contest.updated_at = Set(now);
    contest.update(&txn).await?;
    save_rubric(&txn, id, input).await?;
    txn.commit().await?;
    Ok(load_by_id(db, id).await?.view(now))
}

async fn contest_program(db: &DatabaseConnection, id: Uuid) -> AppResult<programs::Model> {
    let program = programs::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::field("program_id", FieldError::UnknownReference))?;
    if program.kind != ProgramKind::Contest.as_str() {
        return Err(AppError::field("program_id", FieldError::NotAllowed));
    }
    Ok(program)
}

fn window_instants(
    program: &programs::Model,
    input: &ContestInput,
) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let tz = parse_tz(&program.tz).map_err(|e| AppError::field("program_id", e))?;
    let opens = local_to_utc(tz, input.opens_at).map_err(|e| AppError::field("opens_at", e))?;
    let closes = local_to_utc(tz, input.closes_at).map_err(|e| AppError::field("closes_at", e))?;
    Ok((opens, closes))
}

/// Writes categories and criteria: listed ids are updated, new ones inserted, the rest
/// removed (a category with entries is refused).
async fn save_rubric<C: ConnectionTrait>(
    db: &C,
    contest_id: Uuid,
    input: &ContestInput,
) -> AppResult<()> {
    let old_categories = contest_categories::Entity::find()
        .filter(contest_categories::Column::ContestId.eq(contest_id))
        .all(db)
        .await?;
    let kept: Vec<Uuid> = input.categories.iter().filter_map(|c| c.id).collect();
    for old in old_categories.iter().filter(|c| !kept.contains(&c.id)) {
        let entries = contest_entries::Entity::find()
            .filter(contest_entries::Column::CategoryId.eq(old.id))
            .count(db)
            .await?;
        if entries > 0 {
            return Err(AppError::Refused(Refusal::CategoryInUse));
        }
        contest_categories::Entity::delete_by_id(old.id)
            .exec(db)
            .await?;
    }
    for (position, category) in input.categories.iter().enumerate() {
        let model = contest_categories::ActiveModel {
            id: Set(category.id.unwrap_or_else(Uuid::now_v7)),
            contest_id: Set(contest_id),
            name: Set(category.name.trim().to_owned()),
            min_age: Set(category.min_age),
            max_age: Set(category.max_age),
            position: Set(position as i32),
        };
        match category.id {
            Some(id) if old_categories.iter().any(|c| c.id == id) => {
                model.update(db).await?;
            }
            Some(_) => return Err(AppError::field("categories", FieldError::UnknownReference)),
            None => {
                model.insert(db).await?;
            }
        }
    }
    let old_criteria = contest_criteria::Entity::find()
        .filter(contest_criteria::Column::ContestId.eq(contest_id))
        .all(db)
        .await?;
    let kept: Vec<Uuid> = input.criteria.iter().filter_map(|c| c.id).collect();
    for old in old_criteria.iter().filter(|c| !kept.contains(&c.id)) {
        contest_criteria::Entity::delete_by_id(old.id)
            .exec(db)
            .await?;
    }
    for (position, criterion) in input.criteria.iter().enumerate() {
        let model = contest_criteria::ActiveModel {
            id: Set(criterion.id.unwrap_or_else(Uuid::now_v7)),
            contest_id: Set(contest_id),
            name: Set(criterion.name.trim().to_owned()),
            weight: Set(criterion.weight),
            position: Set(position as i32),
        };
        match criterion.id {
            Some(id) if old_criteria.iter().any(|c| c.id == id) => {
                model.update(db).await?;
            }
            Some(_) => return Err(AppError::field("criteria", FieldError::UnknownReference)),
            None => {
                model.insert(db).await?;
            }
        }
    }
    Ok(())
}

/// Registers an entry while submissions are open; the receipt (with the private link) is
/// mailed in the same transaction.
pub async fn register(
    db: &DatabaseConnection,
    slug: &str,
    input: &EntryInput,
    client_addr: &str,
    now: DateTime<Utc>,
    vault: &TokenVault,
    base_url: &str,
) -> AppResult<EntryReceipt> {
    let loaded = load_public(db, slug).await?;
    let contest = &loaded.contest;
    require_open(contest, now)?;
    input
        .validate(contest.age_reference_date)
        .map_err(AppError::Invalid)?;
    let birth_date = input
        .birth_date
        .ok_or_else(|| AppError::field("birth_date", FieldError::Required))?;
    let category = category_for(&loaded.categories, birth_date, contest.age_reference_date)?;
    let contact_email = normalize_email(&input.contact_email);
    let lang = input.lang.unwrap_or(Lang::Id);
    // The receipt is a letter to an address anyone may type (at most `entries_per_person`
    // to one address, counted below).
    rate_limit::take(db, &[rate_limit::mail_from(client_addr)], now).await?;

    let txn = crate::db::begin(db).await?;
    lock_for_entries(&txn, contest.id).await?;
    let sent = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(contest.id))
        .filter(contest_entries::Column::ContactEmail.eq(&contact_email))
        .count(&txn)
        .await?;
    if sent >= contest.entries_per_person as u64 {
        return Err(AppError::Refused(Refusal::EntryLimitReached));
    }
    let last: Option<i32> = contest_entries::Entity::find()
        .select_only()
        .column_as(contest_entries::Column::Number.max(), "last")
        .filter(contest_entries::Column::ContestId.eq(contest.id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    let issued = vault.issue();
    let id = Uuid::now_v7();
    let minor = input.is_minor(contest.age_reference_date);
    contest_entries::ActiveModel {
        id: Set(id),
        contest_id: Set(contest.id),
        category_id: Set(category.id),
        number: Set(number),
        access_token: Set(issued.lookup),
        access_token_sealed: Set(Some(issued.sealed)),
        entrant_name: Set(input.entrant_name.trim().to_owned()),
        birth_date: Set(birth_date),
        school: Set(input.school.trim().to_owned()),
        city: Set(input.city.trim().to_owned()),
        contact_email: Set(contact_email.clone()),
        contact_phone: Set(shared::validation::clean_optional(
            input.contact_phone.clone(),
        )),
        guardian_name: Set(if minor {
            shared::validation::clean_optional(input.guardian_name.clone())
        } else {
            None
        }),
        rules_consent_at: Set(now),
        publication_consent_at: Set(input.consent_publication.then_some(now)),
        title: Set(input.title.trim().to_owned()),
        description: Set(input.description.trim().to_owned()),
        lang: Set(lang.code().to_owned()),
        review: Set(Review::Pending.as_str().to_owned()),
        review_reason: Set(None),
        reviewed_at: Set(None),
        video_upload_id: Set(None),
        video_received_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let url = entry_url(base_url, &issued.token);
    let to = letters::Recipient {
        email: contact_email,
        name: input
            .guardian_name
            .clone()
            .filter(|_| minor)
            .unwrap_or_else(|| input.entrant_name.trim().to_owned()),
        lang,
    };
    mail::enqueue(
        &txn,
        letters::contest_receipt(&to, &loaded.program.name, number, &input.title, &url),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(EntryReceipt {
        id,
        number,
        access_token: issued.token,
        url,
    })
}

/// Serialises registrations for one contest: numbering (`max + 1`) and the per-person limit
/// are read-then-write. A write to the contest's row comes first, so PostgreSQL holds that row
/// until commit and SQLite takes its write lock before anything is read (waiting under its busy
/// timeout, instead of failing to upgrade a read transaction with "database is locked").
async fn lock_for_entries(txn: &DatabaseTransaction, contest_id: Uuid) -> AppResult<()> {
    contests::Entity::update_many()
        .col_expr(contests::Column::Id, Expr::col(contests::Column::Id))
        .filter(contests::Column::Id.eq(contest_id))
        .exec(txn)
        .await?;
    Ok(())
}

fn category_for(
    categories: &[contest_categories::Model],
    birth_date: NaiveDate,
    reference: NaiveDate,
) -> AppResult<contest_categories::Model> {
    let age = age_on(birth_date, reference);
    categories
        .iter()
        .find(|c| (c.min_age..=c.max_age).contains(&age))
        .cloned()
        .ok_or_else(|| {
            let min = categories.iter().map(|c| c.min_age).min().unwrap_or(0);
            let max = categories.iter().map(|c| c.max_age).max().unwrap_or(0);
            AppError::field(
                "birth_date",
                FieldError::AgeOutsideCategories {
                    min: min.into(),
                    max: max.into(),
                },
            )
        })
}

/// The entry whose private link holds `token`.
pub async fn entry_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> AppResult<contest_entries::Model> {
    if !is_token_shaped(token) {
        return Err(AppError::NotFound);
    }
    contest_entries::Entity::find()
        .filter(contest_entries::Column::AccessToken.eq(lookup_key(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Who gets an entry's mail: the contact address, greeted as the guardian of a minor or the
/// entrant, in the entry's language.
pub fn recipient_of(entry: &contest_entries::Model) -> letters::Recipient {
    letters::Recipient {
        email: entry.contact_email.clone(),
        name: entry
            .guardian_name
            .clone()
            .unwrap_or_else(|| entry.entrant_name.clone()),
        lang: Lang::from_tag(&entry.lang).unwrap_or(Lang::Id),
    }
}

/// What the entrant and staff see of a finished upload.
fn video_info_of(upload: &uploads::Model) -> Option<VideoInfo> {
    Some(VideoInfo {
        format: upload.container.as_deref().and_then(VideoFormat::parse)?,
        size_bytes: upload.length,
        file_name: upload.file_name.clone(),
        received_at: upload.completed_at?,
    })
}

/// The entry `entry_id` of contest `contest_id`.
pub async fn entries_row(
    db: &DatabaseConnection,
    contest_id: Uuid,
    entry_id: Uuid,
) -> AppResult<contest_entries::Model> {
    contest_entries::Entity::find_by_id(entry_id)
        .filter(contest_entries::Column::ContestId.eq(contest_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where an entry stands.
pub fn state_of(
    entry: &contest_entries::Model,
    contest: &contests::Model,
    has_reviews: bool,
) -> EntryState {
    let review = Review::parse(&entry.review).unwrap_or(Review::Pending);
    match review {
        Review::Ineligible => EntryState::Ineligible,
        Review::Eligible if contest.results_published_at.is_some() => EntryState::Result,
        Review::Eligible if has_reviews => EntryState::UnderReview,
        Review::Eligible => EntryState::Checked,
        Review::Pending if entry.video_upload_id.is_some() => EntryState::Received,
        Review::Pending => EntryState::Registered,
    }
}

async fn video_info<C: ConnectionTrait>(
    db: &C,
    entry: &contest_entries::Model,
) -> AppResult<Option<VideoInfo>> {
    let Some(upload_id) = entry.video_upload_id else {
        return Ok(None);
    };
    let upload = uploads::Entity::find_by_id(upload_id).one(db).await?;
    Ok(upload.as_ref().and_then(video_info_of))
}

/// The entrant's private view.
pub async fn status(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<EntryStatus> {
    let entry = entry_by_token(db, token).await?;
    let loaded = load_by_id(db, entry.contest_id).await?;
    let has_reviews = judge_reviews::Entity::find()
        .filter(judge_reviews::Column::EntryId.eq(entry.id))
        .count(db)
        .await?
        > 0;
    let state = state_of(&entry, &loaded.contest, has_reviews);
    let upload = uploads::Entity::find()
        .filter(uploads::Column::EntryId.eq(entry.id))
        .filter(uploads::Column::CompletedAt.is_null())
        .order_by_desc(uploads::Column::UpdatedAt)
        .one(db)
        .await?
        .map(|u| UploadProgress {
            url: videos::tus_path(u.id),
            received: u.received,
            length: u.length,
        });
    let result = if state == EntryState::Result {
        results::entry_result(db, &loaded, entry.id).await?
    } else {
        None
    };
    let category = loaded
        .categories
        .iter()
        .find(|c| c.id == entry.category_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    Ok(EntryStatus {
        id: entry.id,
        number: entry.number,
        contest: loaded.view(now),
        category,
        entrant_name: entry.entrant_name.clone(),
        title: entry.title.clone(),
        state,
        review_reason: entry.review_reason.clone(),
        video: video_info(db, &entry).await?,
        upload,
        result: result.map(|(rank, of, score)| EntryResult { rank, of, score }),
        publication_consent: entry.publication_consent_at.is_some(),
    })
}

/// Every entry of a contest with its personal data (staff).
pub async fn entries(db: &DatabaseConnection, contest_id: Uuid) -> AppResult<Vec<StaffEntry>> {
    let loaded = load_by_id(db, contest_id).await?;
    let rows = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(contest_id))
        .order_by_asc(contest_entries::Column::Number)
        .all(db)
        .await?;
    let reviewed: Vec<Uuid> = judge_reviews::Entity::find()
        .select_only()
        .column(judge_reviews::Column::EntryId)
        .filter(judge_reviews::Column::EntryId.is_in(rows.iter().map(|e| e.id)))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let video_ids: Vec<Uuid> = rows.iter().filter_map(|e| e.video_upload_id).collect();
    let videos: HashMap<Uuid, uploads::Model> = uploads::Entity::find()
        .filter(uploads::Column::Id.is_in(video_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let names: HashMap<Uuid, &str> = loaded
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    Ok(rows
        .into_iter()
        .map(|entry| {
            let video = entry
                .video_upload_id
                .and_then(|id| videos.get(&id))
                .and_then(video_info_of);
            StaffEntry {
                id: entry.id,
                number: entry.number,
                category_id: entry.category_id,
                category: names
                    .get(&entry.category_id)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                age: age_on(entry.birth_date, loaded.contest.age_reference_date),
                state: state_of(&entry, &loaded.contest, reviewed.contains(&entry.id)),
                review: Review::parse(&entry.review).unwrap_or(Review::Pending),
                entrant_name: entry.entrant_name,
                birth_date: entry.birth_date,
                school: entry.school,
                city: entry.city,
                contact_email: entry.contact_email,
                contact_phone: entry.contact_phone,
                guardian_name: entry.guardian_name,
                rules_consent_at: entry.rules_consent_at,
                publication_consent_at: entry.publication_consent_at,
                title: entry.title,
                description: entry.description,
                review_reason: entry.review_reason,
                video,
                created_at: entry.created_at,
            }
        })
        .collect())
}

/// Staff's check of an entry; the entrant is told, with the reason when it is refused.
pub async fn review(
    db: &DatabaseConnection,
    contest_id: Uuid,
    entry_id: Uuid,
    input: &ReviewInput,
    now: DateTime<Utc>,
    vault: &TokenVault,
    base_url: &str,
) -> AppResult<()> {
    input.validate().map_err(AppError::Invalid)?;
    let loaded = load_by_id(db, contest_id).await?;
    let entry = entries_row(db, contest_id, entry_id).await?;
    let verdict = if input.eligible {
        Review::Eligible
    } else {
        Review::Ineligible
    };
    let reason = if input.eligible {
        None
    } else {
        input.reason.as_deref().map(|r| r.trim().to_owned())
    };
    let txn = crate::db::begin(db).await?;
    let to = recipient_of(&entry);
    let letter = letters::contest_checked(
        &to,
        &loaded.program.name,
        entry.number,
        verdict == Review::Eligible,
        reason.as_deref(),
        &entry_link(vault, base_url, &entry)?,
    );
    let mut model: contest_entries::ActiveModel = entry.into();
    model.review = Set(verdict.as_str().to_owned());
    model.review_reason = Set(reason);
    model.reviewed_at = Set(Some(now));
    model.update(&txn).await?;
    mail::enqueue(&txn, letter, now).await?;
    txn.commit().await?;
    Ok(())
}
