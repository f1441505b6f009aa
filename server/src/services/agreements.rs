//! Cooperation agreements: who agreed to what with which partners, covering which programs,
//! who is responsible, and the documents that prove it. An agreement's status on a day
//! follows from where staff put it (draft, agreed, ended) and its dates.

pub mod documents;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::FieldError;
use shared::dto::agreements::{
    AgreementChoices, AgreementInput, AgreementResponse, CostShare, NamedRef,
};
use shared::validation::clean_optional;
use shared::words::{AgreementForm, AgreementState, AgreementStatus};
use uuid::Uuid;

use crate::db::entities::{
    agreement_documents, agreement_partners, agreement_programs, agreements, partners, programs,
    users,
};
use crate::error::{AppError, AppResult};
use crate::storage::Storage;

/// Today in the library's zone: agreements run by whole local days.
pub fn library_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&crate::domain::zone::LIBRARY_TZ)
        .date_naive()
}

/// The status of a stored agreement on `today`.
pub fn status_of(model: &agreements::Model, today: NaiveDate) -> AgreementStatus {
    let state = AgreementState::parse(&model.state).unwrap_or(AgreementState::Draft);
    AgreementStatus::on(state, model.starts_on, model.ends_on, today)
}

/// Records a new agreement.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    input: AgreementInput,
    now: DateTime<Utc>,
) -> AppResult<AgreementResponse> {
    check(db, &input).await?;
    let id = Uuid::now_v7();
    let txn = crate::db::begin(db).await?;
    let mut model = agreements::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut model, &input, now)?;
    model.insert(&txn).await?;
    link(&txn, id, &input).await?;
    txn.commit().await?;
    get(db, id, library_today(now)).await
}

/// Changes an agreement (its documents stay).
#[tracing::instrument(skip_all, fields(agreement.id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    id: Uuid,
    input: AgreementInput,
    now: DateTime<Utc>,
) -> AppResult<AgreementResponse> {
    let existing = find(db, id).await?;
    check(db, &input).await?;
    let txn = crate::db::begin(db).await?;
    let mut model: agreements::ActiveModel = existing.into();
    fill(&mut model, &input, now)?;
    model.update(&txn).await?;
    agreement_partners::Entity::delete_many()
        .filter(agreement_partners::Column::AgreementId.eq(id))
        .exec(&txn)
        .await?;
    agreement_programs::Entity::delete_many()
        .filter(agreement_programs::Column::AgreementId.eq(id))
        .exec(&txn)
        .await?;
    link(&txn, id, &input).await?;
    txn.commit().await?;
    get(db, id, library_today(now)).await
}

/// Removes an agreement and its documents' files.
#[tracing::instrument(skip_all, fields(agreement.id = %id))]
pub async fn delete(db: &DatabaseConnection, storage: &Storage, id: Uuid) -> AppResult<()> {
    find(db, id).await?;
    let files = agreement_documents::Entity::find()
        .filter(agreement_documents::Column::AgreementId.eq(id))
        .all(db)
        .await?;
    // Rows first: a file left behind by a failure is harmless, a row without a file is not.
    agreements::Entity::delete_by_id(id).exec(db).await?;
    for file in files {
        storage.delete(&file.storage_key).await?;
    }
    Ok(())
}

/// One agreement, as it stands on `today`.
pub async fn get(
    db: &DatabaseConnection,
    id: Uuid,
    today: NaiveDate,
) -> AppResult<AgreementResponse> {
    let model = find(db, id).await?;
    let mut views = views(db, vec![model], today).await?;
    views.pop().ok_or(AppError::NotFound)
}

/// Agreements, newest start first; only those `partner` is party to when given.
pub async fn list(
    db: &DatabaseConnection,
    partner: Option<Uuid>,
    today: NaiveDate,
) -> AppResult<Vec<AgreementResponse>> {
    let mut query = agreements::Entity::find()
        .order_by_desc(agreements::Column::StartsOn)
        .order_by_asc(agreements::Column::Title);
    if let Some(partner) = partner {
        let ids = agreement_partners::Entity::find()
            .filter(agreement_partners::Column::PartnerId.eq(partner))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.agreement_id);
        query = query.filter(agreements::Column::Id.is_in(ids));
    }
    let models = query.all(db).await?;
    views(db, models, today).await
}

fn partner_ref(p: partners::Model) -> NamedRef {
    NamedRef {
        id: p.id,
        name: p.name,
        slug: p.slug,
    }
}

fn program_ref(p: programs::Model) -> NamedRef {
    NamedRef {
        id: p.id,
        name: p.name,
        slug: p.slug,
    }
}

/// What the agreement form offers: every partner and program, and the active staff.
pub async fn choices(db: &DatabaseConnection) -> AppResult<AgreementChoices> {
    let partners = partners::Entity::find()
        .order_by_asc(partners::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(partner_ref)
        .collect();
    let programs = programs::Entity::find()
        .order_by_asc(programs::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(program_ref)
        .collect();
    Ok(AgreementChoices {
        partners,
        programs,
        staff: staff_choices(db).await?,
    })
}

/// The active staff, by name, for "responsible at the library" (their slug is their e-mail).
pub async fn staff_choices(db: &DatabaseConnection) -> AppResult<Vec<NamedRef>> {
    Ok(users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .order_by_asc(users::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| NamedRef {
            id: u.id,
            name: u.name,
            slug: u.email,
        })
        .collect())
}

pub(crate) async fn find(db: &DatabaseConnection, id: Uuid) -> AppResult<agreements::Model> {
    agreements::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The field rules, then the references: every partner, program and staff member named
/// must exist.
async fn check(db: &DatabaseConnection, input: &AgreementInput) -> AppResult<()> {
    input.validate().map_err(AppError::Invalid)?;
    let found = partners::Entity::find()
        .filter(partners::Column::Id.is_in(input.partner_ids.iter().copied()))
        .all(db)
        .await?;
    if input
        .partner_ids
        .iter()
        .any(|id| !found.iter().any(|p| p.id == *id))
    {
        return Err(AppError::field("partner_ids", FieldError::UnknownReference));
    }
    let found = programs::Entity::find()
        .filter(programs::Column::Id.is_in(input.program_ids.iter().copied()))
        .all(db)
        .await?;
    if input
        .program_ids
        .iter()
        .any(|id| !found.iter().any(|p| p.id == *id))
    {
        return Err(AppError::field("program_ids", FieldError::UnknownReference));
    }
    if let Some(user) = input.library_responsible_id
        && users::Entity::find_by_id(user).one(db).await?.is_none()
    {
        return Err(AppError::field(
            "library_responsible_id",
            FieldError::UnknownReference,
        ));
    }
    Ok(())
}

fn fill(
    model: &mut agreements::ActiveModel,
    input: &AgreementInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let costs = serde_json::to_string(&input.costs)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    model.title = Set(input.title.trim().to_owned());
    model.form = Set(input.form.as_str().to_owned());
    model.state = Set(input.state.as_str().to_owned());
    model.scope = Set(input.scope.trim().to_owned());
    model.shared_rules = Set(input.shared_rules.trim().to_owned());
    model.costs = Set(costs);
    model.starts_on = Set(input.starts_on);
    model.ends_on = Set(input.ends_on);
    model.agreed_by = Set(clean_optional(input.agreed_by.clone()));
    model.agreed_on = Set(input.agreed_on);
    model.library_responsible_id = Set(input.library_responsible_id);
    model.partner_responsible = Set(clean_optional(input.partner_responsible.clone()));
    model.updated_at = Set(now);
    Ok(())
}

async fn link<C: ConnectionTrait>(db: &C, id: Uuid, input: &AgreementInput) -> AppResult<()> {
    let mut partner_ids = input.partner_ids.clone();
    partner_ids.sort();
    partner_ids.dedup();
    for partner_id in partner_ids {
        agreement_partners::ActiveModel {
            agreement_id: Set(id),
            partner_id: Set(partner_id),
        }
        .insert(db)
        .await?;
    }
    let mut program_ids = input.program_ids.clone();
    program_ids.sort();
    program_ids.dedup();
    for program_id in program_ids {
        agreement_programs::ActiveModel {
            agreement_id: Set(id),
            program_id: Set(program_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Views of `models`, with their parties, programs, documents and responsible staff, in a
/// fixed number of queries.
pub(crate) async fn views(
    db: &DatabaseConnection,
    models: Vec<agreements::Model>,
    today: NaiveDate,
) -> AppResult<Vec<AgreementResponse>> {
    if models.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let party_links = agreement_partners::Entity::find()
        .filter(agreement_partners::Column::AgreementId.is_in(ids.clone()))
        .all(db)
        .await?;
    let program_links = agreement_programs::Entity::find()
        .filter(agreement_programs::Column::AgreementId.is_in(ids.clone()))
        .all(db)
        .await?;
    let parties: HashMap<Uuid, NamedRef> = partners::Entity::find()
        .filter(partners::Column::Id.is_in(party_links.iter().map(|l| l.partner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, partner_ref(p)))
        .collect();
    let covered: HashMap<Uuid, NamedRef> = programs::Entity::find()
        .filter(programs::Column::Id.is_in(program_links.iter().map(|l| l.program_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, program_ref(p)))
        .collect();
    let staff: HashMap<Uuid, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(models.iter().filter_map(|m| m.library_responsible_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut files: HashMap<Uuid, Vec<agreement_documents::Model>> = HashMap::new();
    for file in agreement_documents::Entity::find()
        .filter(agreement_documents::Column::AgreementId.is_in(ids))
        .order_by_asc(agreement_documents::Column::UploadedAt)
        .all(db)
        .await?
    {
        files.entry(file.agreement_id).or_default().push(file);
    }
    let named = |links: Vec<Uuid>, all: &HashMap<Uuid, NamedRef>| {
        let mut refs: Vec<NamedRef> = links.iter().filter_map(|id| all.get(id).cloned()).collect();
        refs.sort_by(|a, b| a.name.cmp(&b.name));
        refs
    };
    Ok(models
        .into_iter()
        .map(|model| {
            let party_ids = party_links
                .iter()
                .filter(|l| l.agreement_id == model.id)
                .map(|l| l.partner_id)
                .collect();
            let program_ids = program_links
                .iter()
                .filter(|l| l.agreement_id == model.id)
                .map(|l| l.program_id)
                .collect();
            let documents = files
                .remove(&model.id)
                .unwrap_or_default()
                .into_iter()
                .map(documents::view)
                .collect();
            AgreementResponse {
                id: model.id,
                status: status_of(&model, today),
                title: model.title,
                form: AgreementForm::parse(&model.form).unwrap_or(AgreementForm::Letter),
                state: AgreementState::parse(&model.state).unwrap_or(AgreementState::Draft),
                partners: named(party_ids, &parties),
                programs: named(program_ids, &covered),
                scope: model.scope,
                shared_rules: model.shared_rules,
                costs: serde_json::from_str::<Vec<CostShare>>(&model.costs).unwrap_or_default(),
                starts_on: model.starts_on,
                ends_on: model.ends_on,
                agreed_by: model.agreed_by,
                agreed_on: model.agreed_on,
                library_responsible_name: model
                    .library_responsible_id
                    .and_then(|id| staff.get(&id).cloned()),
                library_responsible_id: model.library_responsible_id,
                partner_responsible: model.partner_responsible,
                documents,
                created_at: model.created_at,
                updated_at: model.updated_at,
            }
        })
        .collect())
}
