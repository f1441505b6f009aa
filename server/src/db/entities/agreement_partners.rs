//! `agreement_partners`: the partners party to an agreement.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
