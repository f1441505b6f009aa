//! `signups`: a volunteer in a session role, confirmed, offered a place or waiting in line.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_role_id: Uuid,
    pub session_id: Uuid,
    pub volunteer_id: Uuid,
    pub status: String,
    pub place: Option<i32>,
    pub position: i64,
    pub offer_expires_at: Option<DateTimeUtc>,
    pub idempotency_key: Option<String>,
    pub attended: Option<bool>,
    pub minutes_served: Option<i32>,
    pub notified_sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
