//! The storytelling contest: `/api/v1/contests` (staff), `/api/v1/public/contests` and
//! `/api/v1/contest-entries/{token}` (entrants), `/api/v1/judging` (judges), and the
//! winners' videos at `/contests/{slug}/videos/{number}`. Videos answer HTTP Range requests.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use shared::Problem;
use shared::dto::contests::{
    CategoryRanking, Certificate, ConflictInput, ConflictView, ContestInput, ContestView,
    EntryInput, EntryReceipt, EntryStatus, JudgeAssignment, JudgeEntry, JudgePanel, JudgeProgress,
    PublicResults, ReviewInput, ScoresInput, StaffEntry,
};
use uuid::Uuid;

use crate::api::ApiJson;
use crate::app::AppState;
use crate::auth::Staff;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::contests::{self, judging, results, videos};
use crate::storage::Storage;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Contests, newest first.
#[utoipa::path(
    get, path = "/api/v1/contests", tag = "contests",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<ContestView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_contests(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<Vec<ContestView>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(contests::list(&state.db, now()).await?))
}

/// Sets up the contest of a `contest` program (times in the program's zone).
#[utoipa::path(
    post, path = "/api/v1/contests", tag = "contests",
    security(("session" = [])),
    request_body = ContestInput,
    responses(
        (status = 201, body = ContestView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_contest(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<ContestInput>,
) -> AppResult<(StatusCode, Json<ContestView>)> {
    staff.require(Permission::RunContests)?;
    let view = contests::create(&state.db, &input, now()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One contest.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses(
        (status = 200, body = ContestView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_contest(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<ContestView>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(contests::load_by_id(&state.db, id).await?.view(now())))
}

/// Changes a contest (categories and criteria matched by id).
#[utoipa::path(
    put, path = "/api/v1/contests/{id}", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    request_body = ContestInput,
    responses(
        (status = 200, body = ContestView),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_contest(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ContestInput>,
) -> AppResult<Json<ContestView>> {
    staff.require(Permission::RunContests)?;
    Ok(Json(contests::update(&state.db, id, &input, now()).await?))
}

/// Every entry with its personal data.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/entries", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses(
        (status = 200, body = Vec<StaffEntry>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_entries(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<StaffEntry>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(contests::entries(&state.db, id).await?))
}

/// Marks an entry eligible or not (with the reason, mailed to the entrant).
#[utoipa::path(
    post, path = "/api/v1/contests/{id}/entries/{entry_id}/review", tag = "contests",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "Contest id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
    ),
    request_body = ReviewInput,
    responses(
        (status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn review_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, entry_id)): Path<(Uuid, Uuid)>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<StatusCode> {
    staff.require(Permission::RunContests)?;
    contests::review(
        &state.db,
        id,
        entry_id,
        &input,
        now(),
        &state.vault,
        &state.config.base_url,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An entry's video, for staff (HTTP Range supported).
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/entries/{entry_id}/video", tag = "contests",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "Contest id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
    ),
    responses(
        (status = 200, description = "The whole video"),
        (status = 206, description = "The requested byte range"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable"),
    )
)]
pub async fn staff_video(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, entry_id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    staff.require(Permission::ReadStaffData)?;
    let entry = contests::entries_row(&state.db, id, entry_id).await?;
    let video = videos::entry_video(&state.db, &state.storage, &entry).await?;
    Ok(video_response(&state.storage, &video, &headers))
}

/// The judges and their assignments.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/judges", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses((status = 200, body = JudgePanel))
)]
pub async fn get_judges(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<JudgePanel>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(judging::panel(&state.db, id).await?))
}

/// Replaces who judges which category.
#[utoipa::path(
    put, path = "/api/v1/contests/{id}/judges", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    request_body = Vec<JudgeAssignment>,
    responses(
        (status = 200, body = JudgePanel),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_judges(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<Vec<JudgeAssignment>>,
) -> AppResult<Json<JudgePanel>> {
    staff.require(Permission::RunContests)?;
    judging::set_assignments(&state.db, id, &input).await?;
    Ok(Json(judging::panel(&state.db, id).await?))
}

/// Declared conflicts of interest.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/conflicts", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses((status = 200, body = Vec<ConflictView>))
)]
pub async fn list_conflicts(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<ConflictView>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(judging::conflicts(&state.db, id).await?))
}

/// A conflict staff record for a judge.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffConflictInput {
    /// The judge.
    pub user_id: Uuid,
    /// The entry they must not judge.
    pub entry_id: Uuid,
    /// Why.
    #[serde(default)]
    pub note: String,
}

/// Records a judge's conflict of interest (the entry disappears from their list).
#[utoipa::path(
    post, path = "/api/v1/contests/{id}/conflicts", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    request_body = StaffConflictInput,
    responses(
        (status = 200, body = Vec<ConflictView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_conflict(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<StaffConflictInput>,
) -> AppResult<Json<Vec<ConflictView>>> {
    staff.require(Permission::RunContests)?;
    contests::entries_row(&state.db, id, input.entry_id).await?;
    judging::declare_conflict(
        &state.db,
        input.user_id,
        input.entry_id,
        &ConflictInput { note: input.note },
        now(),
    )
    .await?;
    Ok(Json(judging::conflicts(&state.db, id).await?))
}

/// Progress per judge.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/progress", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses((status = 200, body = Vec<JudgeProgress>))
)]
pub async fn judging_progress(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<JudgeProgress>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(judging::progress(&state.db, id).await?))
}

/// The ranking per category: weighted mean over complete reviews; equal means are ordered by
/// the mean of the highest-weighted criterion (then the next), then by the earlier video.
#[utoipa::path(
    get, path = "/api/v1/contests/{id}/ranking", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses((status = 200, body = Vec<CategoryRanking>))
)]
pub async fn ranking(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Vec<CategoryRanking>>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(judging::ranking(&state.db, id).await?))
}

/// When results were published.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Published {
    /// The moment.
    pub published_at: chrono::DateTime<chrono::Utc>,
}

/// Publishes the results in one step, once entries have closed (409 `entries-still-open`
/// before): results page, gallery and certificates go public, scores lock, entrants are
/// mailed, and the contest takes no more entries whatever its dates. Publishing again changes
/// nothing.
#[utoipa::path(
    post, path = "/api/v1/contests/{id}/publish", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Contest id")),
    responses(
        (status = 200, body = Published),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<Published>> {
    staff.require(Permission::RunContests)?;
    let published_at =
        judging::publish(&state.db, id, now(), &state.vault, &state.config.base_url).await?;
    Ok(Json(Published { published_at }))
}

/// A public contest: rules, window, categories, limits.
#[utoipa::path(
    get, path = "/api/v1/public/contests/{slug}", tag = "contests",
    params(("slug" = String, Path, description = "The contest program's slug")),
    responses(
        (status = 200, body = ContestView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn public_contest(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Json<ContestView>> {
    Ok(Json(
        contests::load_public(&state.db, &slug).await?.view(now()),
    ))
}

/// Registers an entry (while submissions are open). The receipt holds the private token the
/// video upload (`/uploads/tus/`, metadata `entry`) and the entry's page need.
#[utoipa::path(
    post, path = "/api/v1/public/contests/{slug}/entries", tag = "contests",
    params(("slug" = String, Path, description = "The contest program's slug")),
    request_body = EntryInput,
    responses(
        (status = 201, body = EntryReceipt),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not open, or the entry limit is reached"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many entries from this client address or to this contact address; see Retry-After"),
    )
)]
pub async fn register_entry(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<EntryInput>,
) -> AppResult<(StatusCode, Json<EntryReceipt>)> {
    let receipt = contests::register(
        &state.db,
        &slug,
        &input,
        &context.client_addr,
        now(),
        &state.vault,
        &state.config.base_url,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Published results (409 before staff publish them).
#[utoipa::path(
    get, path = "/api/v1/public/contests/{slug}/results", tag = "contests",
    params(("slug" = String, Path, description = "The contest program's slug")),
    responses(
        (status = 200, body = PublicResults),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn public_results(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Json<PublicResults>> {
    Ok(Json(
        results::public_results(&state.db, &slug, now()).await?,
    ))
}

/// A winner's video whose guardian consented to publication (after publication; Range).
#[utoipa::path(
    get, path = "/contests/{slug}/videos/{number}", tag = "contests",
    params(
        ("slug" = String, Path, description = "The contest program's slug"),
        ("number" = i32, Path, description = "Entry number"),
    ),
    responses(
        (status = 200, description = "The whole video"),
        (status = 206, description = "The requested byte range"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn gallery_video(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, i32)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let entry = results::gallery_entry(&state.db, &slug, number, now()).await?;
    let video = videos::entry_video(&state.db, &state.storage, &entry).await?;
    Ok(video_response(&state.storage, &video, &headers))
}

/// The entrant's view of their entry.
#[utoipa::path(
    get, path = "/api/v1/contest-entries/{token}", tag = "contests",
    params(("token" = String, Path, description = "The entry's private token")),
    responses(
        (status = 200, body = EntryStatus),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn entry_status(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<EntryStatus>> {
    Ok(Json(contests::status(&state.db, &token, now()).await?))
}

/// The entry's certificate, once results are published.
#[utoipa::path(
    get, path = "/api/v1/contest-entries/{token}/certificate", tag = "contests",
    params(("token" = String, Path, description = "The entry's private token")),
    responses(
        (status = 200, body = Certificate),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn certificate(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<Certificate>> {
    Ok(Json(results::certificate(&state.db, &token).await?))
}

/// The entries this judge is to score, anonymised (no name, school, city, birth date or
/// guardian).
#[utoipa::path(
    get, path = "/api/v1/judging/entries", tag = "contests",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<JudgeEntry>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn judge_entries(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<Vec<JudgeEntry>>> {
    let judge = staff.require(Permission::ScoreEntries)?;
    Ok(Json(judging::entries_for(&state.db, judge.id).await?))
}

/// One entry, anonymised, with this judge's scores.
#[utoipa::path(
    get, path = "/api/v1/judging/entries/{id}", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, body = JudgeEntry),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn judge_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<JudgeEntry>> {
    let judge = staff.require(Permission::ScoreEntries)?;
    Ok(Json(judging::entry_for(&state.db, judge.id, id).await?))
}

/// Saves this judge's scores (1–10 per criterion) and comment.
#[utoipa::path(
    put, path = "/api/v1/judging/entries/{id}/scores", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    request_body = ScoresInput,
    responses(
        (status = 200, body = JudgeEntry),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Results are published"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn score_entry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ScoresInput>,
) -> AppResult<Json<JudgeEntry>> {
    let judge = staff.require(Permission::ScoreEntries)?;
    Ok(Json(
        judging::score(&state.db, judge.id, id, &input, now()).await?,
    ))
}

/// Declares a conflict of interest: the entry leaves this judge's list and their scores
/// for it are dropped.
#[utoipa::path(
    post, path = "/api/v1/judging/entries/{id}/conflict", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    request_body = ConflictInput,
    responses(
        (status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn declare_conflict(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ConflictInput>,
) -> AppResult<StatusCode> {
    let judge = staff.require(Permission::ScoreEntries)?;
    judging::declare_own_conflict(&state.db, judge.id, id, &input, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The entry's video for this judge (HTTP Range supported, so seeking works).
#[utoipa::path(
    get, path = "/api/v1/judging/entries/{id}/video", tag = "contests",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The whole video"),
        (status = 206, description = "The requested byte range"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable"),
    )
)]
pub async fn judge_video(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let judge = staff.require(Permission::ScoreEntries)?;
    let entry = judging::visible_entry(&state.db, judge.id, id).await?;
    let video = videos::entry_video(&state.db, &state.storage, &entry).await?;
    Ok(video_response(&state.storage, &video, &headers))
}

/// A single byte range asked for by a `Range` header, resolved against `length`: `None`
/// for no (or an unsupported multi-range) header, `Err` when it cannot be satisfied.
pub fn requested_range(headers: &HeaderMap, length: u64) -> Option<Result<(u64, u64), ()>> {
    let value = headers.get(header::RANGE)?.to_str().ok()?;
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        // `bytes=-N`: the last N bytes.
        let suffix: u64 = end.parse().ok()?;
        if suffix == 0 || length == 0 {
            return Some(Err(()));
        }
        (length.saturating_sub(suffix), length - 1)
    } else {
        let first: u64 = start.parse().ok()?;
        let last = if end.is_empty() {
            length.saturating_sub(1)
        } else {
            end.parse::<u64>().ok()?.min(length.saturating_sub(1))
        };
        if first >= length || last < first {
            return Some(Err(()));
        }
        (first, last)
    };
    Some(Ok(range))
}

/// A video as a response: the whole file, or the one range asked for (206), streamed from
/// storage.
pub fn video_response(storage: &Storage, video: &videos::Video, headers: &HeaderMap) -> Response {
    let length = video.length;
    let (status, first, last) = match requested_range(headers, length) {
        None => (StatusCode::OK, 0, length.saturating_sub(1)),
        Some(Ok((first, last))) => (StatusCode::PARTIAL_CONTENT, first, last),
        Some(Err(())) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{length}"))],
            )
                .into_response();
        }
    };
    let body = Body::from_stream(video.range(storage, first, last + 1));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(video.format.mime()),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(last + 1 - first));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(value) = HeaderValue::from_str(&format!("bytes {first}-{last}/{length}"))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, length: u64) -> Option<Result<(u64, u64), ()>> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).unwrap());
        requested_range(&headers, length)
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(range("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(range("bytes=900-", 1000), Some(Ok((900, 999))));
        assert_eq!(range("bytes=-100", 1000), Some(Ok((900, 999))));
        assert_eq!(range("bytes=990-2000", 1000), Some(Ok((990, 999))));
        assert_eq!(range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(range("bytes=0-1,5-6", 1000), None);
        assert_eq!(range("items=0-1", 1000), None);
        assert_eq!(requested_range(&HeaderMap::new(), 1000), None);
    }
}
