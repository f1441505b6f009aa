//! `session_roles`: the volunteer roles of one session, copied from its program's roles or
//! added to that session alone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_roles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub program_role_id: Option<Uuid>,
    pub name: String,
    pub capacity: i32,
    pub skill: Option<String>,
    pub position: i32,
    pub customised: bool,
    pub next_position: i64,
    /// Sign-ups holding a place (confirmed or offered); kept by triggers on `signups`.
    pub held_count: i32,
    /// Sign-ups waiting in line; kept by triggers on `signups`.
    pub waiting_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
