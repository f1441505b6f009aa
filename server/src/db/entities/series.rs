//! `series`: a recurrence rule of a program, materialised into `sessions`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "series")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub program_id: Uuid,
    pub title: Option<String>,
    pub host: Option<String>,
    pub rrule: String,
    pub starts_at: DateTimeUtc,
    pub tz: String,
    pub duration_minutes: i32,
    pub materialized_until: DateTimeUtc,
    pub split_from: Option<Uuid>,
    /// The rule's SEQUENCE in feeds, at least (see `services::series::raise_sequence`).
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
