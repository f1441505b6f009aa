//! `programs`: a show or activity the library runs (Dongkelor, Dapur Pustaka, …).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub cover_image_url: Option<String>,
    pub tz: String,
    pub default_duration_minutes: i32,
    pub stream_url: Option<String>,
    pub platform: Option<String>,
    pub place: Option<String>,
    pub status: String,
    pub signup_cutoff_minutes: i32,
    pub offer_window_minutes: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
