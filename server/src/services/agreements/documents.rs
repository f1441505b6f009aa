//! Documents attached to agreements: signed MoUs, letters, scans. Only PDF, JPEG and PNG are
//! kept, told apart by their first bytes (a name can say anything), up to a size limit.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use shared::FieldError;
use shared::dto::agreements::{ACCEPTED_DOCUMENTS, DocumentResponse, MAX_DOCUMENT_BYTES};
use uuid::Uuid;

use crate::db::entities::agreement_documents;
use crate::error::{AppError, AppResult};
use crate::storage::Storage;

/// The content type of a PDF, JPEG or PNG file, read from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The error for a file over the limit, on field `file`.
pub fn too_large() -> AppError {
    AppError::field(
        "file",
        FieldError::FileTooLarge {
            max_mib: MAX_DOCUMENT_BYTES / (1024 * 1024),
        },
    )
}

/// A name safe to store and to send back in `Content-Disposition`: the last path part,
/// without control characters or quotes, at most 255 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(255)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Keeps `bytes` as a document of agreement `agreement_id`.
#[tracing::instrument(skip_all, fields(agreement.id = %agreement_id, size = bytes.len()))]
pub async fn attach(
    db: &DatabaseConnection,
    storage: &Storage,
    agreement_id: Uuid,
    file_name: &str,
    bytes: Bytes,
    now: DateTime<Utc>,
) -> AppResult<DocumentResponse> {
    super::find(db, agreement_id).await?;
    if bytes.is_empty() {
        return Err(AppError::field("file", FieldError::Required));
    }
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large());
    }
    let Some(content_type) = sniff(&bytes) else {
        return Err(AppError::field(
            "file",
            FieldError::FileType {
                accepted: ACCEPTED_DOCUMENTS.to_owned(),
            },
        ));
    };
    let id = Uuid::now_v7();
    let key = format!("agreements/{agreement_id}/{id}");
    let size = bytes.len() as i64;
    storage.put(&key, bytes).await?;
    let row = agreement_documents::ActiveModel {
        id: Set(id),
        agreement_id: Set(agreement_id),
        file_name: Set(clean_name(file_name)),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(size),
        storage_key: Set(key.clone()),
        uploaded_at: Set(now),
    }
    .insert(db)
    .await;
    match row {
        Ok(model) => Ok(view(model)),
        Err(error) => {
            // No row points at the file: take it away again.
            storage.delete(&key).await?;
            Err(error.into())
        }
    }
}

/// A document of agreement `agreement_id` and its bytes.
pub async fn open(
    db: &DatabaseConnection,
    storage: &Storage,
    agreement_id: Uuid,
    id: Uuid,
) -> AppResult<(DocumentResponse, Bytes)> {
    let model = find(db, agreement_id, id).await?;
    let bytes = storage.get(&model.storage_key).await?;
    Ok((view(model), bytes))
}

/// Removes a document and its file.
#[tracing::instrument(skip_all, fields(document.id = %id))]
pub async fn remove(
    db: &DatabaseConnection,
    storage: &Storage,
    agreement_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    let model = find(db, agreement_id, id).await?;
    agreement_documents::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    storage.delete(&model.storage_key).await
}

async fn find(
    db: &DatabaseConnection,
    agreement_id: Uuid,
    id: Uuid,
) -> AppResult<agreement_documents::Model> {
    agreement_documents::Entity::find_by_id(id)
        .filter(agreement_documents::Column::AgreementId.eq(agreement_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A stored document as shown.
pub fn view(model: agreement_documents::Model) -> DocumentResponse {
    DocumentResponse {
        id: model.id,
        file_name: model.file_name,
        content_type: model.content_type,
        size_bytes: model.size_bytes,
        uploaded_at: model.uploaded_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(sniff(b"PK\x03\x04 a zip named mou.pdf"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn stored_names_are_plain() {
        assert_eq!(clean_name("C:\\scans\\mou \"final\".pdf"), "mou final.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\n"), "document");
    }
}
