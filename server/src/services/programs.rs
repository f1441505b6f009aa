//! Programs and the partners on them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, SqlErr,
};
use shared::FieldError;
use shared::dto::auth::UserResponse;
use shared::dto::partners::{PartnerAssignment, PartnerLink};
use shared::dto::programs::{ProgramInput, ProgramResponse};
use shared::validation::clean_optional;
use shared::words::{PartnerAnswer, PartnerRole, ProgramKind, ProgramStatus};
use uuid::Uuid;

use crate::db::entities::{partners, program_partners, programs};
use crate::domain::zone::{parse_tz, zone_label};
use crate::error::{AppError, AppResult};

/// Who is asking: the public sees published programs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone.
    Public,
    /// Signed-in staff.
    Staff,
}

impl Audience {
    /// The one rule for drafts and archived programs: staff from viewer up see them; judges
    /// (who sign in only to score entries), volunteers, partners and the public do not.
    pub fn of(user: Option<&UserResponse>) -> Audience {
        if crate::policy::allows(user, crate::policy::Permission::ReadStaffData) {
            Audience::Staff
        } else {
            Audience::Public
        }
    }
}

fn view(model: programs::Model, partners: Vec<PartnerLink>, now: DateTime<Utc>) -> ProgramResponse {
    let zone_label = parse_tz(&model.tz)
        .map(|tz| zone_label(tz, now))
        .unwrap_or_else(|_| model.tz.clone());
    ProgramResponse {
        id: model.id,
        slug: model.slug,
        name: model.name,
        kind: ProgramKind::parse(&model.kind).unwrap_or(ProgramKind::Other),
        description: model.description,
        cover_image_url: model.cover_image_url,
        tz: model.tz,
        zone_label,
        default_duration_minutes: u32::try_from(model.default_duration_minutes).unwrap_or(60),
        stream_url: model.stream_url,
        platform: model.platform,
        place: model.place,
        status: ProgramStatus::parse(&model.status).unwrap_or(ProgramStatus::Draft),
        partners,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }
}

/// The partner links of the given programs, by program.
pub async fn partner_links<C: ConnectionTrait>(
    db: &C,
    program_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<PartnerLink>>> {
    let rows = program_partners::Entity::find()
        .filter(program_partners::Column::ProgramId.is_in(program_ids.iter().copied()))
        .all(db)
        .await?;
    links_by_owner(
        db,
        rows.into_iter()
            .map(|r| LinkRow {
                owner: r.program_id,
                partner_id: r.partner_id,
                role: r.role,
                answer: None,
            })
            .collect(),
    )
    .await
}

/// A partner link as stored: its owner (program or session), partner and role, and on a
/// session shown to staff the partner's answer with its note.
pub struct LinkRow {
    /// The program or session.
    pub owner: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// The role, as stored.
    pub role: String,
    /// The answer and its note, where the reader may see them.
    pub answer: Option<(PartnerAnswer, Option<String>)>,
}

/// Partner links grouped by their owner, each list by partner name; links to unknown roles
/// or partners are skipped.
pub async fn links_by_owner<C: ConnectionTrait>(
    db: &C,
    rows: Vec<LinkRow>,
) -> AppResult<HashMap<Uuid, Vec<PartnerLink>>> {
    let names = partner_names(db, rows.iter().map(|row| row.partner_id)).await?;
    let mut links: HashMap<Uuid, Vec<PartnerLink>> = HashMap::new();
    for row in rows {
        if let (Some((name, slug)), Some(role)) =
            (names.get(&row.partner_id), PartnerRole::parse(&row.role))
        {
            let (answer, answer_note) = row.answer.unzip();
            links.entry(row.owner).or_default().push(PartnerLink {
                partner_id: row.partner_id,
                partner_name: name.clone(),
                partner_slug: slug.clone(),
                role,
                answer,
                answer_note: answer_note.flatten(),
            });
        }
    }
    for list in links.values_mut() {
        list.sort_by(|a, b| a.partner_name.cmp(&b.partner_name));
    }
    Ok(links)
}

/// Partner names and slugs by id.
pub async fn partner_names<C: ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, (String, String)>> {
    let ids: Vec<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(partners::Entity::find()
        .filter(partners::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, (p.name, p.slug)))
        .collect())
}

async fn views(
    db: &DatabaseConnection,
    models: Vec<programs::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<ProgramResponse>> {
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut links = partner_links(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let partners = links.remove(&m.id).unwrap_or_default();
            view(m, partners, now)
        })
        .collect())
}

/// Checks the input; returns it cleaned.
fn checked(mut input: ProgramInput) -> AppResult<ProgramInput> {
    input.validate().map_err(AppError::Invalid)?;
    parse_tz(&input.tz).map_err(|e| AppError::field("tz", e))?;
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.trim().to_owned();
    input.tz = input.tz.trim().to_owned();
    input.description = input.description.trim().to_owned();
    input.cover_image_url = clean_optional(input.cover_image_url);
    input.stream_url = clean_optional(input.stream_url);
    input.platform = clean_optional(input.platform);
    input.place = clean_optional(input.place);
    Ok(input)
}

fn slug_taken(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn fill(model: &mut programs::ActiveModel, input: ProgramInput, now: DateTime<Utc>) {
    model.slug = Set(input.slug);
    model.name = Set(input.name);
    model.kind = Set(input.kind.as_str().to_owned());
    model.description = Set(input.description);
    model.cover_image_url = Set(input.cover_image_url);
    model.tz = Set(input.tz);
    model.default_duration_minutes =
        Set(i32::try_from(input.default_duration_minutes).unwrap_or(60));
    model.stream_url = Set(input.stream_url);
    model.platform = Set(input.platform);
    model.place = Set(input.place);
    model.status = Set(input.status.as_str().to_owned());
    model.updated_at = Set(now);
}

/// Creates a program; a slug in use is reported on `slug`.
#[tracing::instrument(skip_all)]
pub async fn create_program(
    db: &DatabaseConnection,
    input: ProgramInput,
    now: DateTime<Utc>,
) -> AppResult<ProgramResponse> {
    let input = checked(input)?;
    let mut model = programs::ActiveModel {
        id: Set(Uuid::now_v7()),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut model, input, now);
    match model.insert(db).await {
        Ok(program) => {
            tracing::info!(program.id = %program.id, "program {} created", program.id);
            Ok(view(program, Vec::new(), now))
        }
        Err(e) if slug_taken(&e) => Err(AppError::field("slug", FieldError::Taken)),
        Err(e) => Err(e.into()),
    }
}

/// Changes a program. Existing series keep the zone they were planned in.
#[tracing::instrument(skip_all, fields(program.id = %id))]
pub async fn update_program(
    db: &DatabaseConnection,
    id: Uuid,
    input: ProgramInput,
    now: DateTime<Utc>,
) -> AppResult<ProgramResponse> {
    let input = checked(input)?;
    let existing = programs::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut model: programs::ActiveModel = existing.into();
    fill(&mut model, input, now);
    match model.update(db).await {
        Ok(program) => views(db, vec![program], now)
            .await?
            .pop()
            .ok_or(AppError::NotFound),
        Err(e) if slug_taken(&e) => Err(AppError::field("slug", FieldError::Taken)),
        Err(e) => Err(e.into()),
    }
}

/// Programs by name; the public gets published ones only.
pub async fn list_programs(
    db: &DatabaseConnection,
    audience: Audience,
    now: DateTime<Utc>,
) -> AppResult<Vec<ProgramResponse>> {
    let mut query = programs::Entity::find().order_by_asc(programs::Column::Name);
    if audience == Audience::Public {
        query = query.filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()));
    }
    views(db, query.all(db).await?, now).await
}

/// The program model, if the audience may see it.
pub async fn find_model<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    audience: Audience,
) -> AppResult<programs::Model> {
    programs::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| visible(p, audience))
        .ok_or(AppError::NotFound)
}

fn visible(program: &programs::Model, audience: Audience) -> bool {
    audience == Audience::Staff || program.status == ProgramStatus::Published.as_str()
}

/// One program by id.
pub async fn get_program(
    db: &DatabaseConnection,
    id: Uuid,
    audience: Audience,
    now: DateTime<Utc>,
) -> AppResult<ProgramResponse> {
    let model = find_model(db, id, audience).await?;
    views(db, vec![model], now)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// One program by slug.
pub async fn get_program_by_slug(
    db: &DatabaseConnection,
    slug: &str,
    audience: Audience,
    now: DateTime<Utc>,
) -> AppResult<ProgramResponse> {
    let model = programs::Entity::find()
        .filter(programs::Column::Slug.eq(slug))
        .one(db)
        .await?
        .filter(|p| visible(p, audience))
        .ok_or(AppError::NotFound)?;
    views(db, vec![model], now)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Partner roles to store: each partner must exist (else an error on
/// `partners.{index}.partner_id`); a partner given the same role twice is kept once.
pub async fn checked_assignments<C: ConnectionTrait>(
    db: &C,
    assignments: Vec<PartnerAssignment>,
) -> AppResult<Vec<PartnerAssignment>> {
    let known = partner_names(db, assignments.iter().map(|a| a.partner_id)).await?;
    if let Some(i) = assignments
        .iter()
        .position(|a| !known.contains_key(&a.partner_id))
    {
        return Err(AppError::field(
            &format!("partners.{i}.partner_id"),
            FieldError::UnknownReference,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(assignments
        .into_iter()
        .filter(|a| seen.insert((a.partner_id, a.role)))
        .collect())
}

/// Replaces the partners on a program.
#[tracing::instrument(skip_all, fields(program.id = %id))]
pub async fn set_program_partners(
    db: &DatabaseConnection,
    id: Uuid,
    assignments: Vec<PartnerAssignment>,
    now: DateTime<Utc>,
) -> AppResult<ProgramResponse> {
    find_model(db, id, Audience::Staff).await?;
    let assignments = checked_assignments(db, assignments).await?;
    let txn = crate::db::begin(db).await?;
    program_partners::Entity::delete_many()
        .filter(program_partners::Column::ProgramId.eq(id))
        .exec(&txn)
        .await?;
    for a in assignments {
        program_partners::ActiveModel {
            id: Set(Uuid::now_v7()),
            program_id: Set(id),
            partner_id: Set(a.partner_id),
            role: Set(a.role.as_str().to_owned()),
        }
        .insert(&txn)
        .await?;
    }
    programs::Entity::update_many()
        .col_expr(programs::Column::UpdatedAt, Expr::value(now))
        .filter(programs::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    get_program(db, id, Audience::Staff, now).await
}
