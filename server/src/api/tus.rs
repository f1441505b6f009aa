//! `/uploads/tus/`: resumable video uploads by the tus protocol 1.0.0 (core, with the
//! creation and termination extensions). An upload is created with `POST` for an entry
//! (metadata `entry`: the entry's private token; `filename`), then grows by `PATCH` at its
//! current offset; `HEAD` tells the offset after a break; `DELETE` ends it.
//!
//! Authority comes from secrets in the request (the entry token, then the random upload id),
//! never from cookies, so these routes skip the CSRF check.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use shared::dto::contests::MAX_VIDEO_MIB;
use uuid::Uuid;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::services::contests::videos::{self, Append};

/// The protocol version spoken.
pub const TUS_VERSION: &str = "1.0.0";
/// The protocol extensions supported.
pub const TUS_EXTENSIONS: &str = "creation,termination";
/// `Tus-Resumable`, sent on every response.
pub const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION_HEADER: HeaderName = HeaderName::from_static("tus-version");
const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
/// The only body type a PATCH may carry.
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// Whether the client speaks this protocol version.
fn speaks_our_version(headers: &HeaderMap) -> bool {
    headers
        .get(&TUS_RESUMABLE)
        .is_some_and(|v| v == TUS_VERSION)
}

/// A client speaking another protocol version gets 412 and the version spoken.
fn version_mismatch() -> Response {
    (
        StatusCode::PRECONDITION_FAILED,
        [(TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION))],
    )
        .into_response()
}

fn header_number(headers: &HeaderMap, name: &HeaderName) -> AppResult<Option<i64>> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| AppError::Malformed(format!("{name} is not a whole number"))),
    }
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs.
fn metadata(headers: &HeaderMap) -> Vec<(String, String)> {
    let Some(text) = headers.get(&UPLOAD_METADATA).and_then(|v| v.to_str().ok()) else {
        return Vec::new();
    };
    text.split(',')
        .filter_map(|pair| {
            let mut parts = pair.trim().splitn(2, ' ');
            let key = parts.next()?.to_owned();
            let value = parts
                .next()
                .and_then(|v| {
                    base64::engine::general_purpose::STANDARD
                        .decode(v.trim())
                        .ok()
                })
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .unwrap_or_default();
            Some((key, value))
        })
        .collect()
}

fn offset_header(offset: i64) -> (HeaderName, HeaderValue) {
    (UPLOAD_OFFSET, HeaderValue::from(offset))
}

/// What the server supports.
#[utoipa::path(
    options, path = "/uploads/tus/", tag = "contests",
    responses((status = 204, description = "Tus-Version, Tus-Extension (creation, termination) and Tus-Max-Size headers"))
)]
pub async fn discover() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (TUS_VERSION_HEADER, HeaderValue::from_static(TUS_VERSION)),
            (TUS_EXTENSION, HeaderValue::from_static(TUS_EXTENSIONS)),
            (TUS_MAX_SIZE, HeaderValue::from(MAX_VIDEO_MIB * 1024 * 1024)),
        ],
    )
        .into_response()
}

/// Creates an upload for an entry's video. Headers: `Tus-Resumable: 1.0.0`, `Upload-Length`
/// (refused with 413 when over the contest's limit, before any byte is sent), and
/// `Upload-Metadata` with `entry` (the entry's private token) and `filename`.
#[utoipa::path(
    post, path = "/uploads/tus/", tag = "contests",
    responses(
        (status = 201, description = "Created; Location is the upload's URL"),
        (status = 404, description = "No entry with that token"),
        (status = 409, description = "Submissions are not open"),
        (status = 412, description = "Tus-Resumable is not 1.0.0"),
        (status = 413, description = "Upload-Length is over the contest's limit"),
        (status = 422, description = "Too short to be a video"),
    )
)]
pub async fn create(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !speaks_our_version(&headers) {
        return version_mismatch();
    }
    let result = async {
        let length = header_number(&headers, &UPLOAD_LENGTH)?
            .ok_or_else(|| AppError::Malformed("Upload-Length is required".into()))?;
        let metadata = metadata(&headers);
        let field = |name: &str| {
            metadata
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let token = field("entry").ok_or(AppError::NotFound)?;
        let file_name = field("filename").unwrap_or_default();
        videos::create(&state.db, &token, length, &file_name, chrono::Utc::now()).await
    }
    .await;
    match result {
        Ok(upload) => (
            StatusCode::CREATED,
            [
                // Relative, so it holds however the client reached this server.
                (
                    header::LOCATION,
                    HeaderValue::from_str(&videos::tus_path(upload.id))
                        .unwrap_or_else(|_| HeaderValue::from_static("/uploads/tus/")),
                ),
                offset_header(0),
            ],
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// Where an upload stands: `Upload-Offset` and `Upload-Length`.
#[utoipa::path(
    head, path = "/uploads/tus/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "Upload id")),
    responses(
        (status = 200, description = "Upload-Offset and Upload-Length headers"),
        (status = 404, description = "No such upload (or it was cleaned up)"),
    )
)]
pub async fn status(State(state): State<AppState>, Path(id): Path<Uuid>) -> Response {
    match videos::get(&state.db, id).await {
        Ok(upload) => (
            StatusCode::OK,
            [
                offset_header(upload.received),
                (UPLOAD_LENGTH, HeaderValue::from(upload.length)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// Appends bytes at `Upload-Offset` (body type `application/offset+octet-stream`). The
/// bytes that arrive before a dropped connection are kept. The first bytes must be an
/// accepted video container.
#[utoipa::path(
    patch, path = "/uploads/tus/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "Upload id")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Stored; Upload-Offset is the new offset"),
        (status = 404, description = "No such upload"),
        (status = 409, description = "Upload-Offset is not the upload's offset"),
        (status = 413, description = "More bytes than the upload's length"),
        (status = 415, description = "Wrong Content-Type"),
        (status = 422, description = "Not a video of an accepted kind (read from its first bytes)"),
    )
)]
pub async fn append(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !speaks_our_version(&headers) {
        return version_mismatch();
    }
    let content_type_ok = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == OFFSET_OCTET_STREAM);
    if !content_type_ok {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let result = async {
        let offset = header_number(&headers, &UPLOAD_OFFSET)?
            .ok_or_else(|| AppError::Malformed("Upload-Offset is required".into()))?;
        let declared = header_number(&headers, &header::CONTENT_LENGTH)?.map(|n| n as u64);
        let request = Append {
            id,
            offset,
            declared,
            body: body.into_data_stream(),
        };
        videos::append(
            &state.db,
            &state.storage,
            request,
            chrono::Utc::now(),
            &state.vault,
            &state.config.base_url,
        )
        .await
    }
    .await;
    match result {
        Ok(upload) => (StatusCode::NO_CONTENT, [offset_header(upload.received)]).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Ends an unfinished upload and frees its storage (termination extension).
#[utoipa::path(
    delete, path = "/uploads/tus/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "Upload id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "No such upload"),
        (status = 409, description = "The upload is complete (it is the entry's video)"),
    )
)]
pub async fn terminate(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    if !speaks_our_version(&headers) {
        return version_mismatch();
    }
    match videos::terminate(&state.db, &state.storage, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error.into_response(),
    }
}
