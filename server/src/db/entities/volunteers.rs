//! `volunteers`: people who help run sessions (reading mothers, students, storytellers).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    /// Skill codes, comma-separated.
    pub skills: String,
    pub lang: String,
    pub partner_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub active: bool,
    pub merged_into: Option<Uuid>,
    /// The SHA-256 (hex) of the secret in the volunteer's private feed URL.
    pub calendar_token: Option<String>,
    /// The secret itself, sealed by `token_vault` (to show the URL again).
    #[sea_orm(column_type = "Text", nullable)]
    pub calendar_token_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
