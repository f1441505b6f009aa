//! `sessions`: one broadcast or meeting, from a series or on its own.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub uid: String,
    pub program_id: Uuid,
    pub series_id: Option<Uuid>,
    pub original_start: Option<DateTimeUtc>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub tz: String,
    pub title: Option<String>,
    pub host: Option<String>,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub blackout_id: Option<Uuid>,
    pub detached: bool,
    pub sequence: i32,
    /// The session's own watch link; none means its program's.
    pub stream_url: Option<String>,
    /// The platform of that link.
    pub platform: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
