//! Judging: judges (accounts with the `judge` role) are assigned to categories, declare
//! conflicts of interest, see eligible entries of their categories without any personal
//! field, and score each criterion of the rubric. Staff follow progress per judge, see the
//! ranking per category, and publish the results in one step.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::FieldError;
use shared::dto::auth::Role;
use shared::dto::contests::{
    CategoryRanking, CategoryView, ConflictInput, ConflictView, CriterionScore, CriterionView,
    JudgeAccount, JudgeAssignment, JudgeEntry, JudgePanel, JudgeProgress, RankingRow, ScoresInput,
};
use shared::dto::volunteers::Refusal;
use shared::words::{Review, VideoFormat};
use uuid::Uuid;

use super::{Loaded, entry_link, load_by_id};
use crate::db::entities::{
    contest_entries, judge_assignments, judge_conflicts, judge_reviews, uploads, users,
};
use crate::domain::contest::{self, Candidate};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::token_vault::TokenVault;

/// The judges' video address of an entry.
pub fn judge_video_url(entry_id: Uuid) -> String {
    format!("/api/v1/judging/entries/{entry_id}/video")
}

/// A judge's scores as stored: criterion id → score.
type StoredScores = HashMap<Uuid, i32>;

fn parse_scores(text: &str) -> StoredScores {
    serde_json::from_str(text).unwrap_or_default()
}

/// The judge accounts (active users with the `judge` role), by name.
pub async fn judges(db: &DatabaseConnection) -> AppResult<Vec<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Role.eq(Role::Judge.as_str()))
        .filter(users::Column::Active.eq(true))
        .order_by_asc(users::Column::Name)
        .all(db)
        .await?)
}

/// The judge accounts and the contest's assignments.
pub async fn panel(db: &DatabaseConnection, contest_id: Uuid) -> AppResult<JudgePanel> {
    Ok(JudgePanel {
        judges: judges(db)
            .await?
            .into_iter()
            .map(|u| JudgeAccount {
                id: u.id,
                name: u.name,
            })
            .collect(),
        assignments: assignments(db, contest_id).await?,
    })
}

/// The contest's judge assignments.
pub async fn assignments(
    db: &DatabaseConnection,
    contest_id: Uuid,
) -> AppResult<Vec<JudgeAssignment>> {
    let loaded = load_by_id(db, contest_id).await?;
    let categories: Vec<Uuid> = loaded.categories.iter().map(|c| c.id).collect();
    Ok(judge_assignments::Entity::find()
        .filter(judge_assignments::Column::CategoryId.is_in(categories))
        .all(db)
        .await?
        .into_iter()
        .map(|a| JudgeAssignment {
            user_id: a.user_id,
            category_id: a.category_id,
        })
        .collect())
}

/// Replaces the contest's judge assignments.
pub async fn set_assignments(
    db: &DatabaseConnection,
    contest_id: Uuid,
    wanted: &[JudgeAssignment],
) -> AppResult<Vec<JudgeAssignment>> {
    let loaded = load_by_id(db, contest_id).await?;
    let categories: Vec<Uuid> = loaded.categories.iter().map(|c| c.id).collect();
    let judge_ids: HashSet<Uuid> = judges(db).await?.into_iter().map(|u| u.id).collect();
    for assignment in wanted {
        if !categories.contains(&assignment.category_id) {
            return Err(AppError::field("category_id", FieldError::UnknownReference));
        }
        if !judge_ids.contains(&assignment.user_id) {
            return Err(AppError::field("user_id", FieldError::UnknownReference));
        }
    }
    let txn = crate::db::begin(db).await?;
    judge_assignments::Entity::delete_many()
        .filter(judge_assignments::Column::CategoryId.is_in(categories))
        .exec(&txn)
        .await?;
    let unique: HashSet<(Uuid, Uuid)> = wanted.iter().map(|a| (a.user_id, a.category_id)).collect();
    for (user_id, category_id) in unique {
        judge_assignments::ActiveModel {
            user_id: Set(user_id),
            category_id: Set(category_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    assignments(db, contest_id).await
}

/// Records that `judge` must not judge `entry_id`; their scores for it are dropped. Staff
/// may record it for a judge, and a judge for themselves on an entry they can see.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    judge: Uuid,
    entry_id: Uuid,
    input: &ConflictInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if input.note.chars().count() > 1000 {
        return Err(AppError::field("note", FieldError::TooLong { max: 1000 }));
    }
    contest_entries::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::db::begin(db).await?;
    judge_conflicts::Entity::insert(judge_conflicts::ActiveModel {
        user_id: Set(judge),
        entry_id: Set(entry_id),
        note: Set(input.note.trim().to_owned()),
        declared_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            judge_conflicts::Column::UserId,
            judge_conflicts::Column::EntryId,
        ])
        .update_column(judge_conflicts::Column::Note)
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    judge_reviews::Entity::delete_many()
        .filter(judge_reviews::Column::UserId.eq(judge))
        .filter(judge_reviews::Column::EntryId.eq(entry_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A judge's own conflict declaration, only on an entry they can currently see.
pub async fn declare_own_conflict(
    db: &DatabaseConnection,
    judge: Uuid,
    entry_id: Uuid,
    input: &ConflictInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    visible_entry(db, judge, entry_id).await?;
    declare_conflict(db, judge, entry_id, input, now).await
}

/// The contest's declared conflicts (staff).
pub async fn conflicts(db: &DatabaseConnection, contest_id: Uuid) -> AppResult<Vec<ConflictView>> {
    let entries: HashMap<Uuid, i32> = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(contest_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.number))
        .collect();
    let rows = judge_conflicts::Entity::find()
        .filter(judge_conflicts::Column::EntryId.is_in(entries.keys().copied()))
        .order_by_asc(judge_conflicts::Column::DeclaredAt)
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| ConflictView {
            judge_name: names.get(&r.user_id).cloned().unwrap_or_default(),
            number: entries.get(&r.entry_id).copied().unwrap_or_default(),
            user_id: r.user_id,
            entry_id: r.entry_id,
            note: r.note,
            declared_at: r.declared_at,
        })
        .collect())
}

/// The entries a judge may see: eligible, with a video, in a category they are assigned
/// to, and not declared a conflict.
async fn visible_entries(
    db: &DatabaseConnection,
    judge: Uuid,
) -> AppResult<Vec<contest_entries::Model>> {
    let categories: Vec<Uuid> = judge_assignments::Entity::find()
        .filter(judge_assignments::Column::UserId.eq(judge))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.category_id)
        .collect();
    let conflicted: Vec<Uuid> = judge_conflicts::Entity::find()
        .filter(judge_conflicts::Column::UserId.eq(judge))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.entry_id)
        .collect();
    Ok(contest_entries::Entity::find()
        .filter(contest_entries::Column::CategoryId.is_in(categories))
        .filter(contest_entries::Column::Id.is_not_in(conflicted))
        .filter(contest_entries::Column::Review.eq(Review::Eligible.as_str()))
        .filter(contest_entries::Column::VideoUploadId.is_not_null())
        .order_by_asc(contest_entries::Column::Number)
        .all(db)
        .await?)
}

/// One entry a judge may see; anything else is not found.
pub async fn visible_entry(
    db: &DatabaseConnection,
    judge: Uuid,
    entry_id: Uuid,
) -> AppResult<contest_entries::Model> {
    visible_entries(db, judge)
        .await?
        .into_iter()
        .find(|e| e.id == entry_id)
        .ok_or(AppError::NotFound)
}

fn judge_entry(
    entry: &contest_entries::Model,
    loaded: &Loaded,
    format: VideoFormat,
    review: Option<&judge_reviews::Model>,
) -> JudgeEntry {
    let stored = review.map(|r| parse_scores(&r.scores)).unwrap_or_default();
    let scores: Vec<CriterionScore> = loaded
        .criteria
        .iter()
        .filter_map(|c| {
            stored.get(&c.id).map(|score| CriterionScore {
                criterion_id: c.id,
                score: *score,
            })
        })
        .collect();
    JudgeEntry {
        id: entry.id,
        number: entry.number,
        contest: loaded.program.name.clone(),
        category: loaded
            .categories
            .iter()
            .find(|c| c.id == entry.category_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        title: entry.title.clone(),
        description: entry.description.clone(),
        video_url: judge_video_url(entry.id),
        format,
        criteria: loaded
            .criteria
            .iter()
            .map(|c| CriterionView {
                id: c.id,
                name: c.name.clone(),
                weight: c.weight,
            })
            .collect(),
        complete: !loaded.criteria.is_empty() && scores.len() == loaded.criteria.len(),
        scores,
        comment: review.map(|r| r.comment.clone()).unwrap_or_default(),
    }
}

/// The entries a judge is to score, anonymised.
pub async fn entries_for(db: &DatabaseConnection, judge: Uuid) -> AppResult<Vec<JudgeEntry>> {
    let entries = visible_entries(db, judge).await?;
    let reviews: HashMap<Uuid, judge_reviews::Model> = judge_reviews::Entity::find()
        .filter(judge_reviews::Column::UserId.eq(judge))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.entry_id, r))
        .collect();
    let formats = video_formats(db, &entries).await?;
    let mut contests: HashMap<Uuid, Loaded> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for entry in &entries {
        if let std::collections::hash_map::Entry::Vacant(slot) = contests.entry(entry.contest_id) {
            slot.insert(load_by_id(db, entry.contest_id).await?);
        }
        let (Some(loaded), Some(format)) =
            (contests.get(&entry.contest_id), formats.get(&entry.id))
        else {
            continue;
        };
        out.push(judge_entry(entry, loaded, *format, reviews.get(&entry.id)));
    }
    Ok(out)
}

async fn video_formats(
    db: &DatabaseConnection,
    entries: &[contest_entries::Model],
) -> AppResult<HashMap<Uuid, VideoFormat>> {
    let by_upload: HashMap<Uuid, Uuid> = entries
        .iter()
        .filter_map(|e| Some((e.video_upload_id?, e.id)))
        .collect();
    Ok(uploads::Entity::find()
        .filter(uploads::Column::Id.is_in(by_upload.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| {
            let format = u.container.as_deref().and_then(VideoFormat::parse)?;
            Some((*by_upload.get(&u.id)?, format))
        })
        .collect())
}

/// One entry for a judge, anonymised.
pub async fn entry_for(
    db: &DatabaseConnection,
    judge: Uuid,
    entry_id: Uuid,
) -> AppResult<JudgeEntry> {
    let entry = visible_entry(db, judge, entry_id).await?;
    let loaded = load_by_id(db, entry.contest_id).await?;
    let review = judge_reviews::Entity::find_by_id((judge, entry.id))
        .one(db)
        .await?;
    let format = *video_formats(db, std::slice::from_ref(&entry))
        .await?
        .get(&entry.id)
        .ok_or(AppError::NotFound)?;
    Ok(judge_entry(&entry, &loaded, format, review.as_ref()))
}

/// Saves a judge's scores for an entry (partial scores are kept; a review counts once
/// every criterion has one). Locked once results are published.
pub async fn score(
    db: &DatabaseConnection,
    judge: Uuid,
    entry_id: Uuid,
    input: &ScoresInput,
    now: DateTime<Utc>,
) -> AppResult<JudgeEntry> {
    input.validate().map_err(AppError::Invalid)?;
    let entry = visible_entry(db, judge, entry_id).await?;
    let loaded = load_by_id(db, entry.contest_id).await?;
    if loaded.contest.results_published_at.is_some() {
        return Err(AppError::Refused(Refusal::ResultsPublished));
    }
    let mut stored: StoredScores = HashMap::new();
    for score in &input.scores {
        if !loaded.criteria.iter().any(|c| c.id == score.criterion_id) {
            return Err(AppError::field("scores", FieldError::UnknownReference));
        }
        stored.insert(score.criterion_id, score.score);
    }
    let scores = serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.into()))?;
    judge_reviews::Entity::insert(judge_reviews::ActiveModel {
        user_id: Set(judge),
        entry_id: Set(entry.id),
        scores: Set(scores),
        comment: Set(input.comment.trim().to_owned()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            judge_reviews::Column::UserId,
            judge_reviews::Column::EntryId,
        ])
        .update_columns([
            judge_reviews::Column::Scores,
            judge_reviews::Column::Comment,
            judge_reviews::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    entry_for(db, judge, entry_id).await
}

/// Progress per judge assigned in the contest.
pub async fn progress(db: &DatabaseConnection, contest_id: Uuid) -> AppResult<Vec<JudgeProgress>> {
    let loaded = load_by_id(db, contest_id).await?;
    let assigned = assignments(db, contest_id).await?;
    let entries = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(contest_id))
        .filter(contest_entries::Column::Review.eq(Review::Eligible.as_str()))
        .filter(contest_entries::Column::VideoUploadId.is_not_null())
        .all(db)
        .await?;
    let entry_ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let conflicts = conflict_pairs(db, entry_ids.iter().copied()).await?;
    let complete: HashSet<(Uuid, Uuid)> = judge_reviews::Entity::find()
        .filter(judge_reviews::Column::EntryId.is_in(entry_ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| is_complete(&parse_scores(&r.scores), &loaded))
        .map(|r| (r.user_id, r.entry_id))
        .collect();
    let mut judge_ids: Vec<Uuid> = assigned.iter().map(|a| a.user_id).collect();
    judge_ids.sort();
    judge_ids.dedup();
    let people: HashMap<Uuid, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(judge_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut rows: Vec<JudgeProgress> = judge_ids
        .into_iter()
        .map(|judge| {
            let categories: Vec<Uuid> = assigned
                .iter()
                .filter(|a| a.user_id == judge)
                .map(|a| a.category_id)
                .collect();
            let theirs: Vec<&contest_entries::Model> = entries
                .iter()
                .filter(|e| categories.contains(&e.category_id))
                .collect();
            let to_judge: Vec<&&contest_entries::Model> = theirs
                .iter()
                .filter(|e| !conflicts.contains(&(judge, e.id)))
                .collect();
            JudgeProgress {
                user_id: judge,
                name: people.get(&judge).cloned().unwrap_or_default(),
                categories: loaded
                    .categories
                    .iter()
                    .filter(|c| categories.contains(&c.id))
                    .map(|c| c.name.clone())
                    .collect(),
                to_judge: to_judge.len() as u32,
                scored: to_judge
                    .iter()
                    .filter(|e| complete.contains(&(judge, e.id)))
                    .count() as u32,
                conflicts: theirs.len() as u32 - to_judge.len() as u32,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

/// (judge, entry) for every declared conflict on these entries.
async fn conflict_pairs(
    db: &DatabaseConnection,
    entry_ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashSet<(Uuid, Uuid)>> {
    Ok(judge_conflicts::Entity::find()
        .filter(judge_conflicts::Column::EntryId.is_in(entry_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.user_id, c.entry_id))
        .collect())
}

fn is_complete(scores: &StoredScores, loaded: &Loaded) -> bool {
    !loaded.criteria.is_empty() && loaded.criteria.iter().all(|c| scores.contains_key(&c.id))
}

/// The ranking of every category: eligible entries with at least one complete review,
/// ordered by [`contest::rank`].
pub async fn ranking(db: &DatabaseConnection, contest_id: Uuid) -> AppResult<Vec<CategoryRanking>> {
    let loaded = load_by_id(db, contest_id).await?;
    ranking_of(db, &loaded).await
}

/// [`ranking`] for a loaded contest.
pub async fn ranking_of(
    db: &DatabaseConnection,
    loaded: &Loaded,
) -> AppResult<Vec<CategoryRanking>> {
    let (criterion_ids, weights) = loaded.weights();
    let entries = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(loaded.contest.id))
        .filter(contest_entries::Column::Review.eq(Review::Eligible.as_str()))
        .filter(contest_entries::Column::VideoUploadId.is_not_null())
        .all(db)
        .await?;
    let conflicts = conflict_pairs(db, entries.iter().map(|e| e.id)).await?;
    let mut reviews: HashMap<Uuid, Vec<contest::Review>> = HashMap::new();
    for review in judge_reviews::Entity::find()
        .filter(judge_reviews::Column::EntryId.is_in(entries.iter().map(|e| e.id)))
        .all(db)
        .await?
    {
        let stored = parse_scores(&review.scores);
        if conflicts.contains(&(review.user_id, review.entry_id)) || !is_complete(&stored, loaded) {
            continue;
        }
        reviews
            .entry(review.entry_id)
            .or_default()
            .push(contest::Review {
                scores: criterion_ids
                    .iter()
                    .map(|id| stored.get(id).copied().unwrap_or(0))
                    .collect(),
            });
    }
    Ok(loaded
        .categories
        .iter()
        .map(|category| {
            let members: Vec<&contest_entries::Model> = entries
                .iter()
                .filter(|e| e.category_id == category.id)
                .collect();
            let candidates: Vec<Candidate> = members
                .iter()
                .map(|e| Candidate {
                    entry_id: e.id,
                    received_at: e.video_received_at.unwrap_or(e.created_at),
                    reviews: reviews.get(&e.id).cloned().unwrap_or_default(),
                })
                .collect();
            let ranked = contest::rank(&weights, &candidates);
            let rows: Vec<RankingRow> = ranked
                .into_iter()
                .filter_map(|r| {
                    let entry = members.iter().find(|e| e.id == r.entry_id)?;
                    Some(RankingRow {
                        rank: r.rank,
                        entry_id: entry.id,
                        number: entry.number,
                        entrant_name: entry.entrant_name.clone(),
                        title: entry.title.clone(),
                        score: r.score,
                        reviews: r.reviews,
                        criterion_means: r.criterion_means,
                    })
                })
                .collect();
            CategoryRanking {
                category: CategoryView {
                    id: category.id,
                    name: category.name.clone(),
                    min_age: category.min_age,
                    max_age: category.max_age,
                },
                unscored: (members.len() - rows.len()) as u32,
                rows,
            }
        })
        .collect())
}

/// Publishes the results: from now on the results page, the gallery and the certificates
/// are public and scores are locked. Entrants of eligible entries are told. Publishing
/// again changes nothing.
pub async fn publish(
    db: &DatabaseConnection,
    contest_id: Uuid,
    now: DateTime<Utc>,
    vault: &TokenVault,
    base_url: &str,
) -> AppResult<DateTime<Utc>> {
    let loaded = load_by_id(db, contest_id).await?;
    if let Some(at) = loaded.contest.results_published_at {
        return Ok(at);
    }
    // Ranking an open contest would leave out what still arrives, and entries sent after
    // publication would never be judged.
    if now < loaded.contest.closes_at {
        return Err(AppError::Refused(Refusal::EntriesStillOpen));
    }
    // PostgreSQL keeps microseconds: answer with the moment as stored, so publishing again
    // answers the same.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let entries = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(contest_id))
        .filter(contest_entries::Column::Review.eq(Review::Eligible.as_str()))
        .all(db)
        .await?;
    let txn = crate::db::begin(db).await?;
    let mut contest: crate::db::entities::contests::ActiveModel = loaded.contest.clone().into();
    contest.results_published_at = Set(Some(now));
    contest.updated_at = Set(now);
    contest.update(&txn).await?;
    for entry in &entries {
        let to = super::recipient_of(entry);
        mail::enqueue(
            &txn,
            letters::contest_results(
                &to,
                &loaded.program.name,
                entry.number,
                &entry_link(vault, base_url, entry)?,
                format!("contest-results:{}", entry.id),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(now)
}
