//! `partners`: partner organisations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    /// The partner's URL name (its feed is `/calendar/partners/{slug}.ics`); kept on rename.
    #[sea_orm(unique)]
    pub slug: String,
    pub kind: String,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub responsible_user_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub contributes: String,
    /// Contribution codes, comma-separated.
    pub offers: String,
    #[sea_orm(column_type = "Text")]
    pub needs: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub their_responsible: Option<String>,
    /// JSON array of `PartnerContact`.
    #[sea_orm(column_type = "Text")]
    pub other_contacts: String,
    /// The SHA-256 (hex) of the secret of `/partner-access/{token}`.
    #[sea_orm(unique)]
    pub access_token: Option<String>,
    /// The secret itself, sealed by `token_vault` (to show the link again).
    #[sea_orm(column_type = "Text", nullable)]
    pub access_token_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
