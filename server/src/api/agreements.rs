//! `/api/v1/agreements`: cooperation agreements and their documents (staff only).

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use shared::dto::agreements::{
    AgreementInput, AgreementResponse, DocumentResponse, MAX_DOCUMENT_BYTES,
};
use shared::{FieldError, Problem};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::{ApiJson, ApiQuery};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
use crate::services::agreements::{self, documents, library_today};

/// Room for the multipart framing around a document at the limit.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The agreement list's filter.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AgreementQuery {
    /// Only agreements this partner is party to.
    pub partner: Option<Uuid>,
}

/// Agreements, newest first, with their status today.
#[utoipa::path(
    get, path = "/api/v1/agreements", tag = "agreements",
    security(("session" = [])),
    params(AgreementQuery),
    responses(
        (status = 200, body = Vec<AgreementResponse>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_agreements(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<AgreementQuery>,
) -> AppResult<Json<Vec<AgreementResponse>>> {
    staff.require(Permission::ReadStaffData)?;
    let today = library_today(chrono::Utc::now());
    Ok(Json(
        agreements::list(&state.db, query.partner, today).await?,
    ))
}

/// Records an agreement.
#[utoipa::path(
    post, path = "/api/v1/agreements", tag = "agreements",
    security(("session" = [])),
    request_body = AgreementInput,
    responses(
        (status = 201, body = AgreementResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_agreement(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(input): ApiJson<AgreementInput>,
) -> AppResult<(StatusCode, Json<AgreementResponse>)> {
    staff.require(Permission::ManagePartners)?;
    let agreement = agreements::create(&state.db, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(agreement)))
}

/// One agreement.
#[utoipa::path(
    get, path = "/api/v1/agreements/{id}", tag = "agreements",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Agreement id")),
    responses(
        (status = 200, body = AgreementResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<AgreementResponse>> {
    staff.require(Permission::ReadStaffData)?;
    let today = library_today(chrono::Utc::now());
    Ok(Json(agreements::get(&state.db, id, today).await?))
}

/// Changes an agreement.
#[utoipa::path(
    put, path = "/api/v1/agreements/{id}", tag = "agreements",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Agreement id")),
    request_body = AgreementInput,
    responses(
        (status = 200, body = AgreementResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AgreementInput>,
) -> AppResult<Json<AgreementResponse>> {
    staff.require(Permission::ManagePartners)?;
    Ok(Json(
        agreements::update(&state.db, id, input, chrono::Utc::now()).await?,
    ))
}

/// Removes an agreement and its documents.
#[utoipa::path(
    delete, path = "/api/v1/agreements/{id}", tag = "agreements",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Agreement id")),
    responses(
        (status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_agreement(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<StatusCode> {
    staff.require(Permission::ManagePartners)?;
    agreements::delete(&state.db, &state.storage, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The upload form: one `file` part.
#[allow(dead_code)] // Describes the body for the OpenAPI document only.
#[derive(utoipa::ToSchema)]
pub struct DocumentUpload {
    /// A PDF, JPEG or PNG file of at most 10 MiB.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    pub file: String,
}

/// Refuses a body that says up front it is over the limit, before reading any of it.
pub fn check_declared_size(headers: &HeaderMap) -> AppResult<()> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD) {
        return Err(documents::too_large());
    }
    Ok(())
}

/// The `file` part of a multipart body: its name and bytes. Takes the extraction's result,
/// so that handlers check the role before complaining about the body.
pub async fn file_part(
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(String, Bytes)> {
    let mut multipart = multipart.map_err(|e| AppError::Malformed(e.body_text()))?;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            documents::too_large()
        } else {
            AppError::Malformed(e.body_text())
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("document").to_owned();
            let bytes = field.bytes().await.map_err(unreadable)?;
            return Ok((name, bytes));
        }
    }
    Err(AppError::field("file", FieldError::Required))
}

/// Attaches a document (multipart field `file`): PDF, JPEG or PNG, told by its content, at
/// most 10 MiB; a larger body is refused before it is read.
#[utoipa::path(
    post, path = "/api/v1/agreements/{id}/documents", tag = "agreements",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Agreement id")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = DocumentResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a PDF, JPEG or PNG, or too large", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload_document(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, Json<DocumentResponse>)> {
    staff.require(Permission::ManagePartners)?;
    check_declared_size(&headers)?;
    let (name, bytes) = file_part(multipart).await?;
    let document = documents::attach(
        &state.db,
        &state.storage,
        id,
        &name,
        bytes,
        chrono::Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(document)))
}

/// A document's bytes, as an attachment.
pub fn document_response(document: &DocumentResponse, bytes: Bytes) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&document.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // The stored name has no quotes or control characters; non-ASCII goes in filename*.
    let ascii: String = document
        .file_name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(
        &document.file_name,
        percent_encoding::NON_ALPHANUMERIC,
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Downloads a document.
#[utoipa::path(
    get, path = "/api/v1/agreements/{id}/documents/{document_id}", tag = "agreements",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "Agreement id"),
        ("document_id" = Uuid, Path, description = "Document id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, document_id)): Path<(Uuid, Uuid)>,
) -> AppResult<Response> {
    staff.require(Permission::ReadStaffData)?;
    let (document, bytes) = documents::open(&state.db, &state.storage, id, document_id).await?;
    Ok(document_response(&document, bytes))
}

/// Removes a document.
#[utoipa::path(
    delete, path = "/api/v1/agreements/{id}/documents/{document_id}", tag = "agreements",
    security(("session" = [])),
    params(
        ("id" = Uuid, Path, description = "Agreement id"),
        ("document_id" = Uuid, Path, description = "Document id"),
    ),
    responses(
        (status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, document_id)): Path<(Uuid, Uuid)>,
) -> AppResult<StatusCode> {
    staff.require(Permission::ManagePartners)?;
    documents::remove(&state.db, &state.storage, id, document_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
