//! Published results: the public results page per category, the winners' gallery (videos
//! whose guardians consented to publication), and certificates. Nothing here is visible
//! before staff publish.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use shared::dto::contests::{
    Certificate, PublicCategoryResults, PublicResultRow, PublicResults, WINNING_PLACES,
};
use shared::dto::volunteers::Refusal;
use shared::words::Review;
use uuid::Uuid;

use super::judging::ranking_of;
use super::{Loaded, entry_by_token, load_by_id, load_public};
use crate::db::entities::contest_entries;
use crate::error::{AppError, AppResult};

/// The public address of a winner's video.
pub fn gallery_video_url(slug: &str, number: i32) -> String {
    format!("/contests/{slug}/videos/{number}")
}

fn require_published(loaded: &Loaded) -> AppResult<DateTime<Utc>> {
    loaded
        .contest
        .results_published_at
        .ok_or(AppError::Refused(Refusal::ResultsNotPublished))
}

/// An entry's rank, the number ranked in its category, and its score.
pub async fn entry_result(
    db: &DatabaseConnection,
    loaded: &Loaded,
    entry_id: Uuid,
) -> AppResult<Option<(u32, u32, f64)>> {
    Ok(ranking_of(db, loaded)
        .await?
        .into_iter()
        .find_map(|category| {
            let of = category.rows.len() as u32;
            category
                .rows
                .iter()
                .find(|row| row.entry_id == entry_id)
                .map(|row| (row.rank, of, row.score))
        }))
}

/// The published results of the contest at `/contests/{slug}`.
pub async fn public_results(
    db: &DatabaseConnection,
    slug: &str,
    now: DateTime<Utc>,
) -> AppResult<PublicResults> {
    let loaded = load_public(db, slug).await?;
    require_published(&loaded)?;
    let entries = contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(loaded.contest.id))
        .filter(contest_entries::Column::Review.eq(Review::Eligible.as_str()))
        .all(db)
        .await?;
    let categories = ranking_of(db, &loaded)
        .await?
        .into_iter()
        .map(|ranking| PublicCategoryResults {
            rows: ranking
                .rows
                .iter()
                .filter_map(|row| {
                    let entry = entries.iter().find(|e| e.id == row.entry_id)?;
                    // The guardian agreed to show the name and the video if it wins:
                    // nothing more (no school, no city), and nothing of the others.
                    let shown =
                        entry.publication_consent_at.is_some() && row.rank <= WINNING_PLACES;
                    Some(PublicResultRow {
                        rank: row.rank,
                        number: entry.number,
                        entrant: shown.then(|| entry.entrant_name.clone()),
                        title: entry.title.clone(),
                        score: row.score,
                        video_url: shown
                            .then(|| gallery_video_url(&loaded.program.slug, entry.number)),
                    })
                })
                .collect(),
            category: ranking.category,
        })
        .collect();
    Ok(PublicResults {
        contest: loaded.view(now),
        categories,
    })
}

/// The entry whose video the gallery may show as `/contests/{slug}/videos/{number}`: a
/// winner whose guardian consented, after publication.
pub async fn gallery_entry(
    db: &DatabaseConnection,
    slug: &str,
    number: i32,
    now: DateTime<Utc>,
) -> AppResult<contest_entries::Model> {
    let results = match public_results(db, slug, now).await {
        // Before publication there is no gallery to speak of.
        Err(AppError::Refused(Refusal::ResultsNotPublished)) => return Err(AppError::NotFound),
        other => other?,
    };
    let shown = results
        .categories
        .iter()
        .flat_map(|c| &c.rows)
        .any(|row| row.number == number && row.video_url.is_some());
    if !shown {
        return Err(AppError::NotFound);
    }
    contest_entries::Entity::find()
        .filter(contest_entries::Column::ContestId.eq(results.contest.id))
        .filter(contest_entries::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The certificate of the entry with private `token`: every eligible entry gets one once
/// results are published; winners' name their place.
pub async fn certificate(db: &DatabaseConnection, token: &str) -> AppResult<Certificate> {
    let entry = entry_by_token(db, token).await?;
    let loaded = load_by_id(db, entry.contest_id).await?;
    let published_at = require_published(&loaded)?;
    if entry.review != Review::Eligible.as_str() {
        return Err(AppError::NotFound);
    }
    let place = entry_result(db, &loaded, entry.id)
        .await?
        .map(|(rank, _, _)| rank)
        .filter(|rank| *rank <= WINNING_PLACES);
    Ok(Certificate {
        contest: loaded.program.name.clone(),
        entrant_name: entry.entrant_name.clone(),
        school: entry.school.clone(),
        category: loaded
            .categories
            .iter()
            .find(|c| c.id == entry.category_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        title: entry.title.clone(),
        winning_place: place,
        published_at,
    })
}
