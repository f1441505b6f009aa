//! `agreements`: cooperation agreements with partners.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub form: String,
    /// `draft`, `in_force` or `ended`; the status follows from it and the dates.
    pub state: String,
    #[sea_orm(column_type = "Text")]
    pub scope: String,
    #[sea_orm(column_type = "Text")]
    pub shared_rules: String,
    /// JSON array of `CostShare`.
    #[sea_orm(column_type = "Text")]
    pub costs: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub agreed_by: Option<String>,
    pub agreed_on: Option<Date>,
    pub library_responsible_id: Option<Uuid>,
    pub partner_responsible: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
