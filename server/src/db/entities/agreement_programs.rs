//! `agreement_programs`: the programs an agreement covers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_programs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub program_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
