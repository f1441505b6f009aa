//! Partner organisations.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, SqlErr,
};
use shared::FieldError;
use shared::dto::partners::{PartnerInput, PartnerResponse};
use shared::validation::{clean_optional, normalize_email};
use shared::words::PartnerKind;
use uuid::Uuid;

use crate::db::entities::{partners, users};
use crate::error::{AppError, AppResult};

fn view(model: partners::Model, responsible: Option<String>) -> PartnerResponse {
    PartnerResponse {
        id: model.id,
        name: model.name,
        kind: PartnerKind::parse(&model.kind).unwrap_or(PartnerKind::Other),
        contact_name: model.contact_name,
        contact_email: model.contact_email,
        contact_phone: model.contact_phone,
        responsible_user_id: model.responsible_user_id,
        responsible_user_name: responsible,
        contributes: model.contributes,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }
}

async fn responsible_name(db: &DatabaseConnection, id: Option<Uuid>) -> AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(users::Entity::find_by_id(id).one(db).await?.map(|u| u.name))
}

async fn fill(
    db: &DatabaseConnection,
    model: &mut partners::ActiveModel,
    input: PartnerInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    input.validate().map_err(AppError::Invalid)?;
    if let Some(user) = input.responsible_user_id
        && responsible_name(db, Some(user)).await?.is_none()
    {
        return Err(AppError::field(
            "responsible_user_id",
            FieldError::UnknownReference,
        ));
    }
    model.name = Set(input.name.trim().to_owned());
    model.kind = Set(input.kind.as_str().to_owned());
    model.contact_name = Set(clean_optional(input.contact_name));
    model.contact_email = Set(clean_optional(input.contact_email).map(|e| normalize_email(&e)));
    model.contact_phone = Set(clean_optional(input.contact_phone));
    model.responsible_user_id = Set(input.responsible_user_id);
    model.contributes = Set(input.contributes.trim().to_owned());
    model.updated_at = Set(now);
    Ok(())
}

fn name_taken(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Creates a partner; a name in use is reported on `name`.
#[tracing::instrument(skip_all)]
pub async fn create_partner(
    db: &DatabaseConnection,
    input: PartnerInput,
    now: DateTime<Utc>,
) -> AppResult<PartnerResponse> {
    let mut model = partners::ActiveModel {
        id: Set(Uuid::now_v7()),
        created_at: Set(now),
        ..Default::default()
    };
    fill(db, &mut model, input, now).await?;
    match model.insert(db).await {
        Ok(partner) => {
            let name = responsible_name(db, partner.responsible_user_id).await?;
            Ok(view(partner, name))
        }
        Err(e) if name_taken(&e) => Err(AppError::field("name", FieldError::Taken)),
        Err(e) => Err(e.into()),
    }
}

/// Changes a partner.
#[tracing::instrument(skip_all, fields(partner.id = %id))]
pub async fn update_partner(
    db: &DatabaseConnection,
    id: Uuid,
    input: PartnerInput,
    now: DateTime<Utc>,
) -> AppResult<PartnerResponse> {
    let existing = partners::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut model: partners::ActiveModel = existing.into();
    fill(db, &mut model, input, now).await?;
    match model.update(db).await {
        Ok(partner) => {
            let name = responsible_name(db, partner.responsible_user_id).await?;
            Ok(view(partner, name))
        }
        Err(e) if name_taken(&e) => Err(AppError::field("name", FieldError::Taken)),
        Err(e) => Err(e.into()),
    }
}

/// Every partner, by name.
pub async fn list_partners(db: &DatabaseConnection) -> AppResult<Vec<PartnerResponse>> {
    let rows = partners::Entity::find()
        .order_by_asc(partners::Column::Name)
        .all(db)
        .await?;
    let staff: std::collections::HashMap<Uuid, String> = users::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let name = p.responsible_user_id.and_then(|id| staff.get(&id).cloned());
            view(p, name)
        })
        .collect())
}

/// One partner.
pub async fn get_partner(db: &DatabaseConnection, id: Uuid) -> AppResult<PartnerResponse> {
    let partner = partners::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = responsible_name(db, partner.responsible_user_id).await?;
    Ok(view(partner, name))
}

/// Removes a partner and its roles on programs and sessions.
#[tracing::instrument(skip_all, fields(partner.id = %id))]
pub async fn delete_partner(db: &DatabaseConnection, id: Uuid) -> AppResult<()> {
    let result = partners::Entity::delete_by_id(id).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
