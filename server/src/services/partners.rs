//! Partner organisations.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use shared::FieldError;
use shared::dto::partners::{
    PartnerContact, PartnerInput, PartnerProfile, PartnerProgram, PartnerResponse,
};
use shared::validation::{clean_optional, normalize_email};
use shared::words::{Contribution, PartnerKind, PartnerRole, ProgramStatus};
use uuid::Uuid;

use crate::db::entities::{partners, program_partners, programs, users};
use crate::error::{AppError, AppResult};

fn view(model: partners::Model, responsible: Option<String>) -> PartnerResponse {
    PartnerResponse {
        id: model.id,
        name: model.name,
        slug: model.slug,
        kind: PartnerKind::parse(&model.kind).unwrap_or(PartnerKind::Other),
        contact_name: model.contact_name,
        contact_email: model.contact_email,
        contact_phone: model.contact_phone,
        responsible_user_id: model.responsible_user_id,
        responsible_user_name: responsible,
        contributes: model.contributes,
        offers: model
            .offers
            .split(',')
            .filter_map(Contribution::parse)
            .collect(),
        needs: model.needs,
        address: model.address,
        their_responsible: model.their_responsible,
        other_contacts: serde_json::from_str(&model.other_contacts).unwrap_or_default(),
        notes: model.notes,
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
    let offers: Vec<&str> = Contribution::ALL
        .iter()
        .filter(|c| input.offers.contains(c))
        .map(|c| c.as_str())
        .collect();
    model.offers = Set(offers.join(","));
    model.needs = Set(input.needs.trim().to_owned());
    model.address = Set(input.address.trim().to_owned());
    model.notes = Set(input.notes.trim().to_owned());
    model.their_responsible = Set(clean_optional(input.their_responsible));
    let contacts: Vec<PartnerContact> = input
        .other_contacts
        .into_iter()
        .map(|c| PartnerContact {
            name: c.name.trim().to_owned(),
            position: clean_optional(c.position),
            email: clean_optional(c.email).map(|e| normalize_email(&e)),
            phone: clean_optional(c.phone),
        })
        .collect();
    model.other_contacts =
        Set(serde_json::to_string(&contacts)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?);
    model.updated_at = Set(now);
    Ok(())
}

/// A slug for a new partner named `name` that no partner has yet.
async fn free_slug(db: &DatabaseConnection, name: &str) -> AppResult<String> {
    let base = shared::validation::slugify(name);
    let similar: Vec<String> = partners::Entity::find()
        .filter(partners::Column::Slug.starts_with(base.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.slug)
        .collect();
    Ok(shared::validation::unique_slug(name, |s| {
        similar.iter().any(|t| t == s)
    }))
}

/// One partner by its slug.
pub async fn find_by_slug(db: &DatabaseConnection, slug: &str) -> AppResult<partners::Model> {
    partners::Entity::find()
        .filter(partners::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
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
    let slug = free_slug(db, &input.name).await?;
    model.slug = Set(slug);
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
    let responsible: Vec<Uuid> = rows.iter().filter_map(|p| p.responsible_user_id).collect();
    let staff: std::collections::HashMap<Uuid, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(responsible))
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
    response(db, partner).await
}

/// A stored partner as shown, with its responsible staff member's name.
pub async fn response(
    db: &DatabaseConnection,
    partner: partners::Model,
) -> AppResult<PartnerResponse> {
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

/// The public profile of the partner at `slug`, with the published programs it is on.
pub async fn profile(db: &DatabaseConnection, slug: &str) -> AppResult<PartnerProfile> {
    let partner = find_by_slug(db, slug).await?;
    let links = program_partners::Entity::find()
        .filter(program_partners::Column::PartnerId.eq(partner.id))
        .all(db)
        .await?;
    let programs: std::collections::HashMap<Uuid, programs::Model> = programs::Entity::find()
        .filter(programs::Column::Id.is_in(links.iter().map(|l| l.program_id)))
        .filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut on_programs: Vec<PartnerProgram> = links
        .iter()
        .filter_map(|link| {
            let program = programs.get(&link.program_id)?;
            Some(PartnerProgram {
                slug: program.slug.clone(),
                name: program.name.clone(),
                role: PartnerRole::parse(&link.role)?,
            })
        })
        .collect();
    on_programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(PartnerProfile {
        id: partner.id,
        name: partner.name,
        slug: partner.slug,
        kind: PartnerKind::parse(&partner.kind).unwrap_or(PartnerKind::Other),
        contributes: partner.contributes,
        programs: on_programs,
    })
}
