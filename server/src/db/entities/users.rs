//! `users`: staff accounts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    /// The SHA-256 (hex) of the secret in the person's private feed URL; `None` until first
    /// asked for.
    pub calendar_token: Option<String>,
    /// The secret itself, sealed by `token_vault` (to show the URL again).
    #[sea_orm(column_type = "Text", nullable)]
    pub calendar_token_sealed: Option<String>,
    /// Every open session must carry this number; raising it ends them all.
    pub session_generation: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
