//! `/api/v1/sessions/{id}/episode` and `/api/v1/programs/{slug}/archive`: what remains of a
//! session after it aired, and a program's archive of past episodes; also the recordings
//! feed at `/programs/{slug}/recordings.rss` (RSS 2.0, outside `/api/v1` because feed
//! readers and podcast apps are given it as is).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared::Problem;
use shared::dto::episodes::{ArchivePage, AudienceImport, EpisodeInput};
use shared::dto::schedule::SessionResponse;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::{ApiJson, ApiQuery};
use crate::app::AppState;
use crate::auth::Staff;
use crate::calendar::FeedQuery;
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
use crate::services::episodes;
use crate::services::programs::Audience;

/// How long feed readers and shared caches may keep the recordings feed.
const FEED_MAX_AGE_SECS: u32 = 300;

/// Records (or replaces, or with everything empty removes) what remains of a session after
/// it aired: its recording, summary, books, storyteller and audience numbers.
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/episode", tag = "sessions",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = EpisodeInput,
    responses(
        (status = 200, body = SessionResponse, description = "The session with its episode"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json",
            description = "The session has not started yet, or is cancelled"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn save_episode(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<EpisodeInput>,
) -> AppResult<Json<SessionResponse>> {
    staff.require(Permission::PlanSchedule)?;
    Ok(Json(
        episodes::save_episode(&state.db, id, input, Utc::now()).await?,
    ))
}

/// Sets the audience numbers of a program's past sessions from a CSV file (UTF-8; commas
/// or semicolons): a header naming a `date` (`tanggal`; `2026-11-28` or `28/11/2026`, on the
/// program's clock) or `session_id` column, and any of `viewers` (`views`, `penayangan`),
/// `live_peak` (`peak`, `puncak`), `comments` (`komentar`), `in_person` (`hadir`). Other
/// columns are ignored. All or nothing; wrong cells come back as `rows[<line>].<column>`.
#[utoipa::path(
    post, path = "/api/v1/programs/{slug}/audience", tag = "programs",
    security(("session" = [])),
    params(("slug" = String, Path, description = "Program slug")),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, body = AudienceImport),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_audience(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    body: Bytes,
) -> AppResult<Json<AudienceImport>> {
    staff.require(Permission::PlanSchedule)?;
    let csv = std::str::from_utf8(&body)
        .map_err(|_| AppError::Malformed("the CSV file is not UTF-8 text".into()))?;
    Ok(Json(
        episodes::audience_import::import_audience(&state.db, &slug, csv, Utc::now()).await?,
    ))
}

/// Which part of an archive to show.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchiveQuery {
    /// Only this year, on the program's clock.
    pub year: Option<i32>,
    /// The page, from 1 (10 sessions each).
    pub page: Option<u64>,
}

/// A program's past sessions that took place, newest first, each with its episode.
#[utoipa::path(
    get, path = "/api/v1/programs/{slug}/archive", tag = "programs",
    params(("slug" = String, Path, description = "Program slug"), ArchiveQuery),
    responses(
        (status = 200, body = ArchivePage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn program_archive(
    State(state): State<AppState>,
    audience: Audience,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<ArchiveQuery>,
) -> AppResult<Json<ArchivePage>> {
    Ok(Json(
        episodes::archive(
            &state.db,
            &slug,
            query.year,
            query.page.unwrap_or(1),
            audience,
            Utc::now(),
        )
        .await?,
    ))
}

/// `/programs/{slug}/recordings.rss`: the program's newest recordings (`?lang=en` for English
/// words). An ETag from the bytes answers a reader's revalidation with 304.
pub async fn recordings_rss(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = query.lang();
    let xml = match episodes::recordings_feed(&state.db, &slug, &state.config.base_url, lang).await
    {
        Ok(xml) => xml,
        Err(error) => return error.into_plain_response(lang),
    };
    let etag = format!("\"{:x}\"", Sha256::digest(xml.as_bytes()));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        xml.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={FEED_MAX_AGE_SECS}")) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}
