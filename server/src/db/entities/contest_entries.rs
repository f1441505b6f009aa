//! `contest_entries`: one entrant's entry, with guardian, consents, review and video.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contest_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contest_id: Uuid,
    pub category_id: Uuid,
    pub number: i32,
    /// The SHA-256 (hex) of the secret of the entrant's private link.
    #[sea_orm(unique)]
    pub access_token: String,
    /// The secret itself, sealed by `token_vault` (letters carry the link).
    #[sea_orm(column_type = "Text", nullable)]
    pub access_token_sealed: Option<String>,
    pub entrant_name: String,
    pub birth_date: Date,
    pub school: String,
    pub city: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub guardian_name: Option<String>,
    pub rules_consent_at: DateTimeUtc,
    pub publication_consent_at: Option<DateTimeUtc>,
    pub title: String,
    pub description: String,
    pub lang: String,
    pub review: String,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub video_upload_id: Option<Uuid>,
    pub video_received_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
