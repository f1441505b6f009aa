//! Calendar feeds: which series and sessions each feed holds, their text, and the private
//! feed tokens. The bytes are cached per instance; `cache` decides when they are stale.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use shared::Lang;
use shared::dto::calendar::{CalendarLinks, subscribe_links};
use shared::dto::programs::DEFAULT_TZ;
use shared::words::{ProgramKind, ProgramStatus, SessionStatus};
use uuid::Uuid;

use crate::db::entities::{
    partners, program_partners, programs, series, session_partners, sessions, users, volunteers,
};
use crate::domain::ical::{Details, FeedHeader, FeedItem, FeedSeries, FeedSession, render};
use crate::domain::zone::parse_tz;
use crate::error::{AppError, AppResult};
use crate::services::series::definition;
use crate::token_vault::{TokenVault, is_token_shaped, lookup_key};

pub mod cache;

/// How often calendar apps are asked to fetch a feed again.
pub const REFRESH: Duration = Duration::hours(1);

/// Which feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedScope {
    /// `/calendar/all.ics`: every published program.
    All,
    /// `/calendar/programs/{slug}.ics`.
    Program(String),
    /// `/calendar/types/{type}.ics`.
    Kind(String),
    /// `/calendar/partners/{slug}.ics`: what a partner takes part in.
    Partner(String),
    /// `/calendar/open-slots.ics`: sessions that still need volunteers.
    OpenSlots,
    /// `/calendar/me/{token}.ics`: one person's sessions.
    Person(String),
    /// `/sessions/{id}.ics`: one session.
    Session(Uuid),
}

impl FeedScope {
    /// Private feeds are sent with `Cache-Control: private` and are not kept in the cache.
    pub fn is_private(&self) -> bool {
        matches!(self, FeedScope::Person(_))
    }

    /// Whether the bytes are worth keeping: feeds of which there are few.
    pub fn is_cached(&self) -> bool {
        !matches!(self, FeedScope::Person(_) | FeedScope::Session(_))
    }
}

/// A built feed.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The iCalendar text.
    pub body: String,
    /// The latest change of anything in it (HTTP Last-Modified).
    pub last_modified: DateTime<Utc>,
    /// When the clock alone changes it (a listed session's sign-up closes); `None`: only
    /// writes to the database do.
    pub valid_until: Option<DateTime<Utc>>,
}

/// The longest a clock-dependent feed is kept: sessions also enter the open-slots window as
/// time passes.
const CLOCK_FEED_MAX_AGE: Duration = Duration::minutes(10);

/// What a feed contains: whole programs (their series as rules) and single sessions.
#[derive(Default)]
struct Selection {
    whole_programs: Vec<programs::Model>,
    single_sessions: Vec<sessions::Model>,
}

/// Builds the feed of `scope`; `NotFound` for an unknown slug, type, token or session.
pub async fn build_feed(
    db: &DatabaseConnection,
    base_url: &str,
    scope: &FeedScope,
    lang: Lang,
) -> AppResult<Feed> {
    let id = lang == Lang::Id;
    let default_zone = parse_tz(DEFAULT_TZ).unwrap_or(chrono_tz::Asia::Makassar);
    let mut valid_until = None;
    let (name, description, zone, selection) = match scope {
        FeedScope::All => (
            "Siar".to_owned(),
            pick(id, "Semua program Siar", "Every Siar program").to_owned(),
            default_zone,
            Selection {
                whole_programs: published_programs(db).await?,
                ..Default::default()
            },
        ),
        FeedScope::Program(slug) => {
            let program = published_program(db, programs::Column::Slug.eq(slug.as_str())).await?;
            let zone = parse_tz(&program.tz).unwrap_or(default_zone);
            (
                format!("{} · Siar", program.name),
                first_line(&program.description),
                zone,
                Selection {
                    whole_programs: vec![program],
                    ..Default::default()
                },
            )
        }
        FeedScope::Kind(word) => {
            let kind = ProgramKind::parse(word).ok_or(AppError::NotFound)?;
            let label = kind.label(lang);
            (
                format!("{label} · Siar"),
                format!(
                    "{} {label}",
                    pick(id, "Semua program jenis", "Every program of type")
                ),
                default_zone,
                Selection {
                    whole_programs: published_programs(db)
                        .await?
                        .into_iter()
                        .filter(|p| p.kind == kind.as_str())
                        .collect(),
                    ..Default::default()
                },
            )
        }
        FeedScope::Partner(slug) => {
            let partner = crate::services::partners::find_by_slug(db, slug).await?;
            let selection = partner_selection(db, &partner).await?;
            (
                format!("{} · Siar", partner.name),
                format!(
                    "{} {}",
                    pick(id, "Sesi bersama", "Sessions with"),
                    partner.name
                ),
                default_zone,
                selection,
            )
        }
        FeedScope::OpenSlots => {
            let now = Utc::now();
            let (open, first_close) =
                crate::services::signups::reports::sessions_with_free_places(db, now).await?;
            let limit = now + CLOCK_FEED_MAX_AGE;
            valid_until = Some(first_close.map_or(limit, |close| close.min(limit)));
            (
                pick(id, "Siar: butuh relawan", "Siar: volunteers needed").to_owned(),
                pick(
                    id,
                    "Sesi yang masih membutuhkan relawan",
                    "Sessions that still need volunteers",
                )
                .to_owned(),
                default_zone,
                Selection {
                    single_sessions: open,
                    ..Default::default()
                },
            )
        }
        FeedScope::Person(token) => {
            let (name, sessions) = person_by_token(db, token).await?;
            (
                format!("{name} · Siar"),
                pick(id, "Sesi saya di Siar", "My Siar sessions").to_owned(),
                default_zone,
                Selection {
                    single_sessions: sessions,
                    ..Default::default()
                },
            )
        }
        FeedScope::Session(session_id) => {
            let session = sessions::Entity::find_by_id(*session_id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            let program =
                published_program(db, programs::Column::Id.eq(session.program_id)).await?;
            let zone = parse_tz(&session.tz).unwrap_or(default_zone);
            (
                program.name.clone(),
                first_line(&program.description),
                zone,
                Selection {
                    single_sessions: vec![session],
                    ..Default::default()
                },
            )
        }
    };
    let header = FeedHeader {
        name,
        description,
        zone,
        source_url: format!("{base_url}{}", feed_path(scope)),
        refresh: REFRESH,
    };
    let (items, last_modified) = items_of(db, base_url, selection, lang).await?;
    Ok(Feed {
        body: render(&header, &items),
        last_modified,
        valid_until,
    })
}

/// Every public feed there is, with its name: all programs, each published program, each
/// program type in use, each partner, and the open slots.
pub async fn public_feeds(
    db: &DatabaseConnection,
    lang: Lang,
) -> AppResult<Vec<(FeedScope, String)>> {
    let id = lang == Lang::Id;
    let programs = published_programs(db).await?;
    let mut feeds = vec![(
        FeedScope::All,
        pick(id, "Semua program", "All programs").to_owned(),
    )];
    let mut kinds: Vec<ProgramKind> = programs
        .iter()
        .filter_map(|p| ProgramKind::parse(&p.kind))
        .collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    feeds.extend(kinds.into_iter().map(|k| {
        (
            FeedScope::Kind(k.as_str().to_owned()),
            k.label(lang).to_owned(),
        )
    }));
    feeds.extend(
        programs
            .into_iter()
            .map(|p| (FeedScope::Program(p.slug), p.name)),
    );
    let partners = partners::Entity::find()
        .order_by_asc(partners::Column::Name)
        .all(db)
        .await?;
    feeds.extend(
        partners
            .into_iter()
            .map(|p| (FeedScope::Partner(p.slug), p.name)),
    );
    feeds.push((
        FeedScope::OpenSlots,
        pick(id, "Butuh relawan", "Volunteers needed").to_owned(),
    ));
    Ok(feeds)
}

/// The subscribe links of the private feed with `token`, for the person `name`.
pub fn private_links(base_url: &str, token: &str, name: &str) -> CalendarLinks {
    let path = feed_path(&FeedScope::Person(token.to_owned()));
    subscribe_links(base_url, &path, &format!("{name} · Siar"))
}

/// The path a feed is served at.
pub fn feed_path(scope: &FeedScope) -> String {
    match scope {
        FeedScope::All => "/calendar/all.ics".into(),
        FeedScope::Program(slug) => format!("/calendar/programs/{slug}.ics"),
        FeedScope::Kind(kind) => format!("/calendar/types/{kind}.ics"),
        FeedScope::Partner(slug) => format!("/calendar/partners/{slug}.ics"),
        FeedScope::OpenSlots => "/calendar/open-slots.ics".into(),
        FeedScope::Person(token) => format!("/calendar/me/{token}.ics"),
        FeedScope::Session(id) => format!("/sessions/{id}.ics"),
    }
}

fn pick(id: bool, indonesian: &'static str, english: &'static str) -> &'static str {
    if id { indonesian } else { english }
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

async fn published_programs(db: &DatabaseConnection) -> AppResult<Vec<programs::Model>> {
    Ok(programs::Entity::find()
        .filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()))
        .order_by_asc(programs::Column::Name)
        .all(db)
        .await?)
}

async fn published_program(
    db: &DatabaseConnection,
    which: sea_orm::sea_query::SimpleExpr,
) -> AppResult<programs::Model> {
    programs::Entity::find()
        .filter(which)
        .filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A partner's programs count whole; sessions it joins on their own stand alone.
async fn partner_selection(
    db: &DatabaseConnection,
    partner: &partners::Model,
) -> AppResult<Selection> {
    let published = published_programs(db).await?;
    let on_programs: HashSet<Uuid> = program_partners::Entity::find()
        .filter(program_partners::Column::PartnerId.eq(partner.id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.program_id)
        .collect();
    let published_ids: HashSet<Uuid> = published.iter().map(|p| p.id).collect();
    let session_ids: Vec<Uuid> = session_partners::Entity::find()
        .filter(session_partners::Column::PartnerId.eq(partner.id))
        .filter(crate::services::sessions::taking_part())
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.session_id)
        .collect();
    let single_sessions = sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(session_ids))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?
        .into_iter()
        .filter(|s| published_ids.contains(&s.program_id) && !on_programs.contains(&s.program_id))
        .collect();
    Ok(Selection {
        whole_programs: published
            .into_iter()
            .filter(|p| on_programs.contains(&p.id))
            .collect(),
        single_sessions,
    })
}

/// The feed items of a selection and the latest change among them.
async fn items_of(
    db: &DatabaseConnection,
    base_url: &str,
    selection: Selection,
    lang: Lang,
) -> AppResult<(Vec<FeedItem>, DateTime<Utc>)> {
    let whole_ids: Vec<Uuid> = selection.whole_programs.iter().map(|p| p.id).collect();
    let mut programs_by_id: HashMap<Uuid, programs::Model> = selection
        .whole_programs
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let single_program_ids: Vec<Uuid> = selection
        .single_sessions
        .iter()
        .map(|s| s.program_id)
        .filter(|id| !programs_by_id.contains_key(id))
        .collect();
    if !single_program_ids.is_empty() {
        for program in programs::Entity::find()
            .filter(programs::Column::Id.is_in(single_program_ids))
            .all(db)
            .await?
        {
            programs_by_id.insert(program.id, program);
        }
    }
    let whole_sessions = if whole_ids.is_empty() {
        Vec::new()
    } else {
        sessions::Entity::find()
            .filter(sessions::Column::ProgramId.is_in(whole_ids.iter().copied()))
            .order_by_asc(sessions::Column::StartsAt)
            .order_by_asc(sessions::Column::Id)
            .all(db)
            .await?
    };
    let series_ids: HashSet<Uuid> = whole_sessions
        .iter()
        .chain(&selection.single_sessions)
        .filter_map(|s| s.series_id)
        .collect();
    let series_rows: HashMap<Uuid, series::Model> = if series_ids.is_empty() {
        HashMap::new()
    } else {
        series::Entity::find()
            .filter(series::Column::Id.is_in(series_ids))
            .order_by_asc(series::Column::StartsAt)
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };

    let mut last_modified = DateTime::UNIX_EPOCH;
    for program in programs_by_id.values() {
        last_modified = last_modified.max(program.updated_at);
    }
    for row in series_rows.values() {
        last_modified = last_modified.max(row.updated_at);
    }
    let words = Words {
        base_url,
        lang,
        programs: &programs_by_id,
    };

    // Whole programs: each series with all its rows, and the one-off sessions.
    let mut by_series: HashMap<Uuid, Vec<FeedSession>> = HashMap::new();
    let mut items = Vec::new();
    for row in whole_sessions {
        last_modified = last_modified.max(row.updated_at);
        let session = words.session(&row)?;
        match row.series_id.filter(|id| series_rows.contains_key(id)) {
            Some(series_id) => by_series.entry(series_id).or_default().push(session),
            None => items.push(FeedItem::Single(session)),
        }
    }
    let mut series_list: Vec<&series::Model> = series_rows
        .values()
        .filter(|s| by_series.contains_key(&s.id))
        .collect();
    series_list.sort_by_key(|s| (s.starts_at, s.id));
    for row in series_list {
        let sessions = by_series.remove(&row.id).unwrap_or_default();
        items.push(FeedItem::Series(words.series(row, sessions)?));
    }
    for row in &selection.single_sessions {
        last_modified = last_modified.max(row.updated_at);
        items.push(FeedItem::Single(words.session(row)?));
    }
    Ok((items, last_modified))
}

/// Turns rows into the words a feed shows.
struct Words<'a> {
    base_url: &'a str,
    lang: Lang,
    programs: &'a HashMap<Uuid, programs::Model>,
}

impl Words<'_> {
    fn program(&self, id: Uuid) -> AppResult<&programs::Model> {
        self.programs.get(&id).ok_or(AppError::NotFound)
    }

    fn details(
        &self,
        program: &programs::Model,
        title: Option<&str>,
        host: Option<&str>,
        cancel_reason: Option<&str>,
        stream: Option<&str>,
        url: String,
    ) -> Details {
        let id = self.lang == Lang::Id;
        let mut description = program.description.trim().to_owned();
        let mut add = |label: &str, value: &str| {
            if !description.is_empty() {
                description.push('\n');
            }
            description.push_str(label);
            description.push_str(": ");
            description.push_str(value);
        };
        if let Some(reason) = cancel_reason {
            add(pick(id, "Dibatalkan", "Cancelled"), reason);
        }
        if let Some(host) = host {
            add(pick(id, "Pembawa acara", "Host"), host);
        }
        if let Some(stream) = stream {
            add(pick(id, "Tonton", "Watch"), stream);
        }
        let kind = ProgramKind::parse(&program.kind).unwrap_or(ProgramKind::Other);
        Details {
            summary: title.unwrap_or(&program.name).to_owned(),
            description,
            url,
            categories: vec![kind.label(self.lang).to_owned()],
            location: program.place.clone().or_else(|| stream.map(str::to_owned)),
        }
    }

    fn session(&self, row: &sessions::Model) -> AppResult<FeedSession> {
        let program = self.program(row.program_id)?;
        let cancelled = row.status == SessionStatus::Cancelled.as_str();
        Ok(FeedSession {
            uid: row.uid.clone(),
            tz: stored_zone(&row.tz)?,
            original_start: row.original_start,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            cancelled,
            detached: row.detached,
            sequence: u32::try_from(row.sequence).unwrap_or(0),
            details: self.details(
                program,
                row.title.as_deref(),
                row.host.as_deref(),
                row.cancel_reason.as_deref().filter(|_| cancelled),
                row.stream_url.as_deref().or(program.stream_url.as_deref()),
                format!("{}/sessions/{}", self.base_url, row.id),
            ),
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    fn series(&self, row: &series::Model, sessions: Vec<FeedSession>) -> AppResult<FeedSeries> {
        let program = self.program(row.program_id)?;
        Ok(FeedSeries {
            uid: series_uid(row.id),
            definition: definition(row)?,
            first_start: row.starts_at,
            materialized_until: row.materialized_until,
            duration: Duration::minutes(i64::from(row.duration_minutes)),
            sequence: u32::try_from(row.sequence).unwrap_or(0),
            details: self.details(
                program,
                row.title.as_deref(),
                row.host.as_deref(),
                None,
                program.stream_url.as_deref(),
                format!("{}/programs/{}", self.base_url, program.slug),
            ),
            created_at: row.created_at,
            updated_at: row.updated_at,
            sessions,
        })
    }
}

/// The calendar UID of a whole series.
pub fn series_uid(id: Uuid) -> String {
    format!("series-{id}@siar")
}

fn stored_zone(name: &str) -> AppResult<Tz> {
    parse_tz(name).map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone {name} unknown")))
}

/// The owner of a private feed token, a staff member or a volunteer, with the sessions their
/// feed holds (a volunteer's confirmed and offered places; staff have none of their own yet).
async fn person_by_token(
    db: &DatabaseConnection,
    token: &str,
) -> AppResult<(String, Vec<sessions::Model>)> {
    if !is_token_shaped(token) {
        return Err(AppError::NotFound);
    }
    let lookup = lookup_key(token);
    if let Some(user) = users::Entity::find()
        .filter(users::Column::CalendarToken.eq(&lookup))
        .filter(users::Column::Active.eq(true))
        .one(db)
        .await?
    {
        return Ok((user.name, Vec::new()));
    }
    let volunteer = volunteers::Entity::find()
        .filter(volunteers::Column::CalendarToken.eq(lookup))
        .filter(volunteers::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions =
        crate::services::signups::reports::sessions_of_volunteer(db, volunteer.id).await?;
    Ok((volunteer.name, sessions))
}

/// The person's private feed token, made on first use.
pub async fn calendar_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    user_id: Uuid,
) -> AppResult<String> {
    let user = find_user(db, user_id).await?;
    match user.calendar_token_sealed.as_deref() {
        Some(sealed) => vault.open(sealed),
        None => replace_token(db, vault, user).await,
    }
}

/// Replaces the person's private feed token; the old URL stops working at once.
#[tracing::instrument(skip_all, fields(user.id = %user_id))]
pub async fn reset_calendar_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    user_id: Uuid,
) -> AppResult<String> {
    let user = find_user(db, user_id).await?;
    replace_token(db, vault, user).await
}

async fn find_user(db: &DatabaseConnection, id: Uuid) -> AppResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn replace_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    user: users::Model,
) -> AppResult<String> {
    let issued = vault.issue();
    let mut model: users::ActiveModel = user.into();
    model.calendar_token = Set(Some(issued.lookup));
    model.calendar_token_sealed = Set(Some(issued.sealed));
    model.update(db).await?;
    Ok(issued.token)
}
