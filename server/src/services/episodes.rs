//! The episode archive: what staff record about a session once it has aired (recording,
//! summary, books, storyteller, audience), each program's public archive of its past
//! sessions, and the per-program RSS feed of recordings.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::Lang;
use shared::dto::episodes::{
    ARCHIVE_PAGE_SIZE, ArchivePage, AudienceNumbers, Book, Episode, EpisodeInput,
};
use shared::dto::schedule::SessionResponse;
use shared::dto::volunteers::Refusal;
use shared::validation::{clean_optional, isbn_digits, supported_year};
use shared::words::SessionStatus;
use shared::{FieldError, FieldErrors};
use uuid::Uuid;

pub mod audience_import;

use crate::db::entities::{episode_books, episodes, programs, sessions};
use crate::domain::recording::recording;
use crate::domain::zone::{local_to_utc, parse_tz, utc_to_local};
use crate::error::{AppError, AppResult};
use crate::services::programs::{Audience, find_model};
use crate::services::sessions::{MAX_PAGE, lock_for_edit, views};

/// Recordings in a program's feed, newest first.
const FEED_ITEMS: u64 = 50;

/// Saves what staff recorded about a session (the whole record; everything empty removes
/// it). Only once the session has started, and never for a cancelled one.
#[tracing::instrument(skip_all, fields(session = %session_id))]
pub async fn save_episode(
    db: &DatabaseConnection,
    session_id: Uuid,
    input: EpisodeInput,
    now: DateTime<Utc>,
) -> AppResult<SessionResponse> {
    let input = cleaned(input);
    input.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let session = lock_for_edit(&txn, session_id).await?;
    if session.status == SessionStatus::Cancelled.as_str() {
        return Err(AppError::Refused(Refusal::SessionCancelled));
    }
    if session.starts_at > now {
        return Err(AppError::Refused(Refusal::NotYetAired));
    }
    let existing = episodes::Entity::find_by_id(session_id).one(&txn).await?;
    episode_books::Entity::delete_many()
        .filter(episode_books::Column::SessionId.eq(session_id))
        .exec(&txn)
        .await?;
    let is_empty = input.recording_url.is_none()
        && input.summary.is_none()
        && input.storyteller.is_none()
        && input.books.is_empty()
        && input.audience.is_empty();
    match (existing, is_empty) {
        (Some(row), true) => {
            episodes::Entity::delete_by_id(row.session_id)
                .exec(&txn)
                .await?;
        }
        (None, true) => {}
        (existing, false) => {
            let created_at = existing.as_ref().map_or(now, |row| row.created_at);
            let row = episodes::ActiveModel {
                session_id: Set(session_id),
                recording_url: Set(input.recording_url),
                summary: Set(input.summary),
                storyteller: Set(input.storyteller),
                viewers: Set(stored_count(input.audience.viewers)),
                live_peak: Set(stored_count(input.audience.live_peak)),
                comments: Set(stored_count(input.audience.comments)),
                in_person: Set(stored_count(input.audience.in_person)),
                created_at: Set(created_at),
                updated_at: Set(now),
            };
            if existing.is_some() {
                row.update(&txn).await?;
            } else {
                row.insert(&txn).await?;
            }
            for (position, book) in input.books.into_iter().enumerate() {
                episode_books::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    session_id: Set(session_id),
                    position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                    title: Set(book.title),
                    author: Set(book.author),
                    isbn: Set(book.isbn),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    txn.commit().await?;
    session_with_episode(db, session_id, Audience::Staff).await
}

/// An audience number as a column holds it (numbers are capped far inside `i32`).
pub(crate) fn stored_count(number: Option<u32>) -> Option<i32> {
    number.and_then(|n| i32::try_from(n).ok())
}

/// The audience numbers of a stored episode.
pub(crate) fn audience_of(row: &episodes::Model) -> AudienceNumbers {
    let count = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    AudienceNumbers {
        viewers: count(row.viewers),
        live_peak: count(row.live_peak),
        comments: count(row.comments),
        in_person: count(row.in_person),
    }
}

/// Trimmed, empty fields as none, ISBNs as their digits (an ISBN that is not one stays as
/// typed, for the rule to name).
fn cleaned(input: EpisodeInput) -> EpisodeInput {
    EpisodeInput {
        recording_url: clean_optional(input.recording_url),
        summary: clean_optional(input.summary),
        storyteller: clean_optional(input.storyteller),
        books: input
            .books
            .into_iter()
            .map(|book| Book {
                title: book.title.trim().to_owned(),
                author: clean_optional(book.author),
                isbn: clean_optional(book.isbn).map(|isbn| isbn_digits(&isbn).unwrap_or(isbn)),
            })
            .collect(),
        audience: input.audience,
    }
}

/// The episodes of these sessions, by session; audience numbers for staff only.
pub async fn episodes_of<C: ConnectionTrait>(
    db: &C,
    session_ids: &[Uuid],
    audience: Audience,
) -> AppResult<HashMap<Uuid, Episode>> {
    if session_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = episodes::Entity::find()
        .filter(episodes::Column::SessionId.is_in(session_ids.iter().copied()))
        .all(db)
        .await?;
    let mut books: HashMap<Uuid, Vec<Book>> = HashMap::new();
    for book in episode_books::Entity::find()
        .filter(episode_books::Column::SessionId.is_in(session_ids.iter().copied()))
        .order_by_asc(episode_books::Column::Position)
        .all(db)
        .await?
    {
        books.entry(book.session_id).or_default().push(Book {
            title: book.title,
            author: book.author,
            isbn: book.isbn,
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let numbers = audience_of(&row);
            let episode = Episode {
                recording: row.recording_url.as_deref().map(recording),
                summary: row.summary,
                storyteller: row.storyteller,
                books: books.remove(&row.session_id).unwrap_or_default(),
                audience: (audience == Audience::Staff).then_some(numbers),
                updated_at: row.updated_at,
            };
            (row.session_id, episode)
        })
        .collect())
}

/// One session with its episode, if the audience may see it.
pub async fn session_with_episode(
    db: &DatabaseConnection,
    id: Uuid,
    audience: Audience,
) -> AppResult<SessionResponse> {
    let mut session = crate::services::sessions::get_session(db, id, audience).await?;
    session.episode = episodes_of(db, &[id], audience).await?.remove(&id);
    Ok(session)
}

/// A program's past sessions that took place (ended by `now`, not cancelled), newest
/// first, each with its episode; one year of them on the program's clock if `year` is given.
pub async fn archive(
    db: &DatabaseConnection,
    slug: &str,
    year: Option<i32>,
    page: u64,
    audience: Audience,
    now: DateTime<Utc>,
) -> AppResult<ArchivePage> {
    let mut errors = FieldErrors::new();
    if let Some(year) = year {
        errors.check("year", supported_year(year));
    }
    if page > MAX_PAGE {
        errors.add(
            "page",
            FieldError::OutOfRange {
                min: 1,
                max: MAX_PAGE as i64,
            },
        );
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let program = program_by_slug(db, slug, audience).await?;
    let tz = parse_tz(&program.tz)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone unknown")))?;
    let held = sessions::Entity::find()
        .filter(sessions::Column::ProgramId.eq(program.id))
        .filter(sessions::Column::EndsAt.lte(now))
        .filter(sessions::Column::Status.ne(SessionStatus::Cancelled.as_str()));
    let mut years: Vec<i32> = held
        .clone()
        .select_only()
        .column(sessions::Column::StartsAt)
        .into_tuple::<DateTime<Utc>>()
        .all(db)
        .await?
        .into_iter()
        .map(|start| utc_to_local(tz, start).year())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let mut query = held;
    if let Some(year) = year {
        let (from, to) = year_bounds(tz, year)?;
        query = query
            .filter(sessions::Column::StartsAt.gte(from))
            .filter(sessions::Column::StartsAt.lt(to));
    }
    let page = page.max(1);
    let per_page = ARCHIVE_PAGE_SIZE;
    let total = query.clone().count(db).await?;
    let models = query
        .order_by_desc(sessions::Column::StartsAt)
        .order_by_desc(sessions::Column::Id)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let mut items = views(db, models, audience).await?;
    let ids: Vec<Uuid> = items.iter().map(|s| s.id).collect();
    let mut episodes = episodes_of(db, &ids, audience).await?;
    for item in &mut items {
        item.episode = episodes.remove(&item.id);
    }
    Ok(ArchivePage {
        program_slug: program.slug,
        program_name: program.name,
        items,
        total,
        page,
        per_page,
        year,
        years,
    })
}

async fn program_by_slug(
    db: &DatabaseConnection,
    slug: &str,
    audience: Audience,
) -> AppResult<programs::Model> {
    let id = programs::Entity::find()
        .select_only()
        .column(programs::Column::Id)
        .filter(programs::Column::Slug.eq(slug))
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    find_model(db, id, audience).await
}

/// The instants a year begins and ends at on `tz`'s clock (where a clock change skips
/// midnight on the first of January, the first minute that exists).
fn year_bounds(tz: Tz, year: i32) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let start_of = |year: i32| {
        let midnight = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
        (0..=24 * 60).step_by(15).find_map(|minutes| {
            local_to_utc(tz, midnight + chrono::Duration::minutes(minutes)).ok()
        })
    };
    match (start_of(year), start_of(year + 1)) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(AppError::field(
            "year",
            FieldError::OutOfRange {
                min: i64::from(shared::validation::FIRST_YEAR),
                max: i64::from(shared::validation::LAST_YEAR),
            },
        )),
    }
}

/// A program's recordings as an RSS 2.0 feed: the newest [`FEED_ITEMS`] episodes with a
/// recording, each linking to its session's page. Published programs only.
pub async fn recordings_feed(
    db: &DatabaseConnection,
    slug: &str,
    base_url: &str,
    lang: Lang,
) -> AppResult<String> {
    let program = program_by_slug(db, slug, Audience::Public).await?;
    let recorded = Query::select()
        .column(episodes::Column::SessionId)
        .from(episodes::Entity)
        .and_where(episodes::Column::RecordingUrl.is_not_null())
        .to_owned();
    let models = sessions::Entity::find()
        .filter(sessions::Column::ProgramId.eq(program.id))
        .filter(sessions::Column::Status.ne(SessionStatus::Cancelled.as_str()))
        .filter(sessions::Column::Id.in_subquery(recorded))
        .order_by_desc(sessions::Column::StartsAt)
        .order_by_desc(sessions::Column::Id)
        .limit(FEED_ITEMS)
        .all(db)
        .await?;
    let sessions = views(db, models, Audience::Public).await?;
    let ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
    let mut episodes = episodes_of(db, &ids, Audience::Public).await?;
    let items = sessions
        .into_iter()
        .filter_map(|session| {
            let episode = episodes.remove(&session.id)?;
            Some(feed_item(&session, &episode, base_url, lang))
        })
        .collect();
    let language = match lang {
        Lang::Id => "id",
        Lang::En => "en",
    };
    let description = match lang {
        Lang::Id => format!("Rekaman episode {}", program.name),
        Lang::En => format!("Recordings of {}", program.name),
    };
    let channel = rss::Channel {
        title: program.name.clone(),
        link: format!("{base_url}/programs/{}/archive", program.slug),
        description: if program.description.trim().is_empty() {
            description
        } else {
            program.description.clone()
        },
        language: Some(language.into()),
        generator: Some("Siar".into()),
        items,
        ..rss::Channel::default()
    };
    // Text may hold characters XML 1.0 forbids (U+FFFE, U+FFFF pass the edge guard, which
    // refuses control characters only); one would make the whole feed unreadable.
    Ok(channel
        .to_string()
        .chars()
        .filter(|&c| is_xml_char(c))
        .collect())
}

/// Whether XML 1.0 allows `c` in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
}

fn feed_item(
    session: &SessionResponse,
    episode: &Episode,
    base_url: &str,
    lang: Lang,
) -> rss::Item {
    let page = format!("{base_url}/sessions/{}", session.id);
    let mut description = Vec::new();
    if let Some(summary) = &episode.summary {
        description.push(summary.clone());
    }
    if let Some(storyteller) = &episode.storyteller {
        let label = match lang {
            Lang::Id => "Pendongeng",
            Lang::En => "Storyteller",
        };
        description.push(format!("{label}: {storyteller}"));
    }
    for book in &episode.books {
        description.push(match &book.author {
            Some(author) => format!("📖 {} — {author}", book.title),
            None => format!("📖 {}", book.title),
        });
    }
    let date = session.start_local.format("%Y-%m-%d");
    rss::Item {
        title: Some(format!("{} ({date})", session.title)),
        link: Some(
            episode
                .recording
                .as_ref()
                .map_or_else(|| page.clone(), |r| r.url.clone()),
        ),
        description: (!description.is_empty()).then(|| description.join("\n")),
        guid: Some(rss::Guid {
            value: page.clone(),
            permalink: true,
        }),
        comments: Some(page),
        pub_date: Some(session.starts_at.to_rfc2822()),
        ..rss::Item::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_left_out_of_the_feed() {
        let kept: String = "Dongeng\u{ffff} anak\u{fffe}\u{1}\tpagi\u{7f} 📖"
            .chars()
            .filter(|&c| is_xml_char(c))
            .collect();
        assert_eq!(kept, "Dongeng anak\tpagi\u{7f} 📖");
    }
}
