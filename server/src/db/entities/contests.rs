//! `contests`: a contest run by a `contest` program, with its window and limits.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub program_id: Uuid,
    pub rules: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub age_reference_date: Date,
    pub max_video_bytes: i64,
    pub max_video_minutes: i32,
    pub formats: String,
    pub entries_per_person: i32,
    pub results_published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
