//! The volunteer roles sessions need. Staff define them on a program; every upcoming session
//! of the program gets a copy, which follows later program edits until staff change that
//! session's roles by hand (`customised`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::FieldError;
use shared::dto::volunteers::{
    ProgramRoleResponse, ProgramVolunteering, ProgramVolunteeringResponse, Refusal, RoleInput,
    RoleLine, SessionRoleView, SignupStatus, Skill,
};
use shared::words::SessionStatus;
use uuid::Uuid;

use crate::db::entities::{program_roles, programs, session_roles, sessions, signups};
use crate::error::{AppError, AppResult};
use crate::services::programs::{Audience, find_model};
use crate::services::signups::fill_free_places;

/// SQLite and PostgreSQL both take this many bound values in one `IN (…)` comfortably.
const IN_CHUNK: usize = 500;

fn skill_of(stored: Option<&str>) -> Option<Skill> {
    stored.and_then(Skill::parse)
}

fn capacity(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn db_int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// A program's sign-up settings and roles.
pub async fn program_settings(
    db: &DatabaseConnection,
    program_id: Uuid,
) -> AppResult<ProgramVolunteeringResponse> {
    let program = find_model(db, program_id, Audience::Staff).await?;
    settings_view(db, &program).await
}

async fn settings_view<C: ConnectionTrait>(
    db: &C,
    program: &programs::Model,
) -> AppResult<ProgramVolunteeringResponse> {
    let roles = program_roles::Entity::find()
        .filter(program_roles::Column::ProgramId.eq(program.id))
        .order_by_asc(program_roles::Column::Position)
        .all(db)
        .await?;
    Ok(ProgramVolunteeringResponse {
        signup_cutoff_minutes: capacity(program.signup_cutoff_minutes),
        offer_window_minutes: capacity(program.offer_window_minutes),
        roles: roles
            .into_iter()
            .map(|role| ProgramRoleResponse {
                id: role.id,
                name: role.name,
                capacity: capacity(role.capacity),
                skill: skill_of(role.skill.as_deref()),
            })
            .collect(),
    })
}

/// Replaces a program's roles and sign-up rules; upcoming sessions follow.
#[tracing::instrument(skip_all, fields(program.id = %program_id))]
pub async fn set_program_settings(
    db: &DatabaseConnection,
    program_id: Uuid,
    input: ProgramVolunteering,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<ProgramVolunteeringResponse> {
    input.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let program = find_model(&txn, program_id, Audience::Staff).await?;
    let existing: HashMap<Uuid, program_roles::Model> = program_roles::Entity::find()
        .filter(program_roles::Column::ProgramId.eq(program_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|role| (role.id, role))
        .collect();
    let mut kept = HashSet::new();
    for (position, line) in input.roles.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let RoleInput {
            name,
            capacity,
            skill,
        } = &line.role;
        let (mut model, is_new) = match line.id {
            Some(id) => match existing.get(&id) {
                Some(role) => (program_roles::ActiveModel::from(role.clone()), false),
                None => {
                    return Err(AppError::field(
                        &format!("roles[{}].id", position),
                        FieldError::UnknownReference,
                    ));
                }
            },
            None => (
                program_roles::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    program_id: Set(program_id),
                    created_at: Set(now),
                    ..Default::default()
                },
                true,
            ),
        };
        model.name = Set(name.trim().to_owned());
        model.capacity = Set(db_int(*capacity));
        model.skill = Set(skill.map(|s| s.as_str().to_owned()));
        model.position = Set(position);
        model.updated_at = Set(now);
        let saved = if is_new {
            model.insert(&txn).await?
        } else {
            model.update(&txn).await?
        };
        kept.insert(saved.id);
    }
    let dropped: Vec<Uuid> = existing
        .keys()
        .filter(|id| !kept.contains(id))
        .copied()
        .collect();
    if !dropped.is_empty() {
        program_roles::Entity::delete_many()
            .filter(program_roles::Column::Id.is_in(dropped))
            .exec(&txn)
            .await?;
    }
    let mut program_model: programs::ActiveModel = program.into();
    program_model.signup_cutoff_minutes = Set(db_int(input.signup_cutoff_minutes));
    program_model.offer_window_minutes = Set(db_int(input.offer_window_minutes));
    program_model.updated_at = Set(now);
    let program = program_model.update(&txn).await?;
    sync_program(&txn, program_id, base_url, now).await?;
    let view = settings_view(&txn, &program).await?;
    txn.commit().await?;
    Ok(view)
}

/// Gives upcoming sessions of a program that lack them copies of the program's roles (after
/// sessions were added), in the caller's transaction.
pub async fn copy_program_roles<C: ConnectionTrait>(
    db: &C,
    program_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sync(db, program_id, None, now).await
}

/// Brings the roles of every upcoming session of a program in line with the program's:
/// missing copies are added, copies nobody customised follow the program, and copies of
/// deleted program roles go (or, with people in them, stay as the session's own role). Called
/// in the same transaction as whatever changed the program's roles.
pub async fn sync_program<C: ConnectionTrait>(
    db: &C,
    program_id: Uuid,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sync(db, program_id, Some(base_url), now).await
}

/// With `follow` (the site's URL, for offer mail), existing copies follow the program too;
/// without, only missing copies are added.
async fn sync<C: ConnectionTrait>(
    db: &C,
    program_id: Uuid,
    follow: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let templates = program_roles::Entity::find()
        .filter(program_roles::Column::ProgramId.eq(program_id))
        .all(db)
        .await?;
    if templates.is_empty() && follow.is_none() {
        return Ok(());
    }
    let session_ids: Vec<Uuid> = sessions::Entity::find()
        .filter(sessions::Column::ProgramId.eq(program_id))
        .filter(sessions::Column::StartsAt.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut current: HashMap<Uuid, Vec<session_roles::Model>> = HashMap::new();
    for chunk in session_ids.chunks(IN_CHUNK) {
        for role in session_roles::Entity::find()
            .filter(session_roles::Column::SessionId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            current.entry(role.session_id).or_default().push(role);
        }
    }
    let mut inserts = Vec::new();
    let mut grown = Vec::new();
    for session_id in &session_ids {
        let roles = current.remove(session_id).unwrap_or_default();
        for template in &templates {
            match roles
                .iter()
                .find(|r| r.program_role_id == Some(template.id))
            {
                None => inserts.push(session_roles::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    session_id: Set(*session_id),
                    program_role_id: Set(Some(template.id)),
                    name: Set(template.name.clone()),
                    capacity: Set(template.capacity),
                    skill: Set(template.skill.clone()),
                    position: Set(template.position),
                    customised: Set(false),
                    next_position: Set(0),
                    held_count: Set(0),
                    waiting_count: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                }),
                Some(role) if follow.is_some() && !role.customised && differs(role, template) => {
                    if template.capacity > role.capacity {
                        grown.push(role.id);
                    }
                    let mut model: session_roles::ActiveModel = role.clone().into();
                    model.name = Set(template.name.clone());
                    model.capacity = Set(template.capacity);
                    model.skill = Set(template.skill.clone());
                    model.position = Set(template.position);
                    model.updated_at = Set(now);
                    model.update(db).await?;
                }
                Some(_) => {}
            }
        }
        for orphan in roles
            .iter()
            .filter(|r| follow.is_some() && r.program_role_id.is_none() && !r.customised)
        {
            if has_people(db, orphan.id).await? {
                let mut model: session_roles::ActiveModel = orphan.clone().into();
                model.customised = Set(true);
                model.update(db).await?;
            } else {
                session_roles::Entity::delete_by_id(orphan.id)
                    .exec(db)
                    .await?;
            }
        }
    }
    for chunk in inserts.chunks(IN_CHUNK / 10) {
        session_roles::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    if let Some(base_url) = follow {
        for role_id in grown {
            fill_free_places(db, role_id, base_url, now).await?;
        }
    }
    Ok(())
}

fn differs(role: &session_roles::Model, template: &program_roles::Model) -> bool {
    role.name != template.name
        || role.capacity != template.capacity
        || role.skill != template.skill
        || role.position != template.position
}

async fn has_people<C: ConnectionTrait>(db: &C, role_id: Uuid) -> AppResult<bool> {
    Ok(signups::Entity::find()
        .filter(signups::Column::SessionRoleId.eq(role_id))
        .filter(signups::Column::Status.is_in(active_statuses()))
        .one(db)
        .await?
        .is_some())
}

/// The stored names of the statuses that hold a place or a place in line.
pub fn active_statuses() -> [&'static str; 3] {
    [
        SignupStatus::Confirmed.as_str(),
        SignupStatus::Offered.as_str(),
        SignupStatus::Waitlisted.as_str(),
    ]
}

/// The roles of these sessions with how full each is, by session.
pub async fn views_by_session<C: ConnectionTrait>(
    db: &C,
    session_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<SessionRoleView>>> {
    let mut roles = Vec::new();
    for chunk in session_ids.chunks(IN_CHUNK) {
        roles.extend(
            session_roles::Entity::find()
                .filter(session_roles::Column::SessionId.is_in(chunk.iter().copied()))
                .order_by_asc(session_roles::Column::Position)
                .order_by_asc(session_roles::Column::CreatedAt)
                .all(db)
                .await?,
        );
    }
    let mut counts: HashMap<(Uuid, &'static str), u32> = HashMap::new();
    for chunk in session_ids.chunks(IN_CHUNK) {
        for signup in signups::Entity::find()
            .filter(signups::Column::SessionId.is_in(chunk.iter().copied()))
            .filter(signups::Column::Status.is_in(active_statuses()))
            .all(db)
            .await?
        {
            if let Some(status) = SignupStatus::parse(&signup.status) {
                *counts
                    .entry((signup.session_role_id, status.as_str()))
                    .or_default() += 1;
            }
        }
    }
    let count = |role: Uuid, status: SignupStatus| {
        counts.get(&(role, status.as_str())).copied().unwrap_or(0)
    };
    let mut views: HashMap<Uuid, Vec<SessionRoleView>> = HashMap::new();
    for role in roles {
        views
            .entry(role.session_id)
            .or_default()
            .push(SessionRoleView {
                id: role.id,
                confirmed: count(role.id, SignupStatus::Confirmed),
                offered: count(role.id, SignupStatus::Offered),
                waitlisted: count(role.id, SignupStatus::Waitlisted),
                name: role.name,
                capacity: capacity(role.capacity),
                skill: skill_of(role.skill.as_deref()),
                customised: role.customised,
            });
    }
    Ok(views)
}

/// One session's roles.
pub async fn session_roles(
    db: &DatabaseConnection,
    session_id: Uuid,
    audience: Audience,
) -> AppResult<Vec<SessionRoleView>> {
    crate::services::sessions::find_visible(db, session_id, audience).await?;
    Ok(views_by_session(db, &[session_id])
        .await?
        .remove(&session_id)
        .unwrap_or_default())
}

/// Sets one session's roles by hand: listed roles are changed or added (and from then on
/// ignore program edits), unlisted ones are deleted unless people are in them.
#[tracing::instrument(skip_all, fields(session.id = %session_id))]
pub async fn set_session_roles(
    db: &DatabaseConnection,
    session_id: Uuid,
    lines: Vec<RoleLine>,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<SessionRoleView>> {
    let mut errors = shared::FieldErrors::new();
    for (i, line) in lines.iter().enumerate() {
        if let Err(line_errors) = line.role.validate() {
            for (field, list) in line_errors.0 {
                for error in list {
                    errors.add(&format!("roles[{i}].{field}"), error);
                }
            }
        }
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    // One edit of a session's roles at a time: PostgreSQL locks the session's row; SQLite's
    // transaction holds the one writer's lock from `BEGIN` (`db::begin`).
    let mut find = sessions::Entity::find_by_id(session_id);
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        find = find.lock_exclusive();
    }
    let session = find.one(&txn).await?.ok_or(AppError::NotFound)?;
    let existing: HashMap<Uuid, session_roles::Model> = session_roles::Entity::find()
        .filter(session_roles::Column::SessionId.eq(session.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut kept = HashSet::new();
    let mut grown = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let position = i32::try_from(i).unwrap_or(i32::MAX);
        let role = &line.role;
        let new_capacity = db_int(role.capacity);
        match line.id {
            Some(id) => {
                let Some(current) = existing.get(&id) else {
                    return Err(AppError::field(
                        &format!("roles[{i}].id"),
                        FieldError::UnknownReference,
                    ));
                };
                kept.insert(id);
                if new_capacity > current.capacity {
                    grown.push(id);
                }
                let mut model: session_roles::ActiveModel = current.clone().into();
                model.name = Set(role.name.trim().to_owned());
                model.capacity = Set(new_capacity);
                model.skill = Set(role.skill.map(|s| s.as_str().to_owned()));
                model.position = Set(position);
                model.customised = Set(true);
                model.updated_at = Set(now);
                model.update(&txn).await?;
            }
            None => {
                session_roles::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    session_id: Set(session.id),
                    program_role_id: Set(None),
                    name: Set(role.name.trim().to_owned()),
                    capacity: Set(new_capacity),
                    skill: Set(role.skill.map(|s| s.as_str().to_owned())),
                    position: Set(position),
                    customised: Set(true),
                    next_position: Set(0),
                    held_count: Set(0),
                    waiting_count: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    for role in existing.values().filter(|r| !kept.contains(&r.id)) {
        if has_people(&txn, role.id).await? {
            return Err(AppError::Refused(Refusal::RoleInUse));
        }
        session_roles::Entity::delete_by_id(role.id)
            .exec(&txn)
            .await?;
    }
    for role_id in grown {
        fill_free_places(&txn, role_id, base_url, now).await?;
    }
    txn.commit().await?;
    session_roles(db, session_id, Audience::Staff).await
}

/// Whether people can still sign up: scheduled and not started.
pub fn session_is_open(session: &sessions::Model, now: DateTime<Utc>) -> bool {
    session.status == SessionStatus::Scheduled.as_str() && session.starts_at > now
}
