//! Volunteer accounts: registration, staff invitations, sign-in by one-time link or password,
//! profile changes, deactivation and merging duplicates.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use shared::dto::volunteers::{
    MergeRequest, Refusal, Skill, VolunteerBrief, VolunteerInput, VolunteerResponse,
};
use shared::validation::normalize_email;
use shared::{FieldError, Lang};
use uuid::Uuid;

use crate::auth::{password, random_token, sha256_hex};
use crate::db::entities::{magic_links, partners, signups, volunteers};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::services::{auth, rate_limit};
use crate::token_vault::TokenVault;

/// How long a sign-in link works.
pub const LINK_VALIDITY: Duration = Duration::minutes(15);
/// At most this many links are mailed to one person per validity window (the rest are
/// silently dropped, so nobody can flood a mailbox through the form).
const LINKS_PER_WINDOW: u64 = 5;

/// The wire view.
pub fn to_response(model: &volunteers::Model) -> VolunteerResponse {
    VolunteerResponse {
        id: model.id,
        name: model.name.clone(),
        email: model.email.clone(),
        phone: model.phone.clone(),
        skills: Skill::parse_list(&model.skills),
        lang: Lang::from_tag(&model.lang).unwrap_or_default(),
        partner_id: model.partner_id,
        active: model.active,
        merged_into: model.merged_into,
        has_password: model.password_hash.is_some(),
    }
}

/// The recipient of mail to `model`.
pub fn recipient(model: &volunteers::Model) -> letters::Recipient {
    letters::Recipient {
        email: model.email.clone(),
        name: model.name.clone(),
        lang: Lang::from_tag(&model.lang).unwrap_or_default(),
    }
}

async fn check_partner<C: ConnectionTrait>(db: &C, partner_id: Option<Uuid>) -> AppResult<()> {
    if let Some(id) = partner_id
        && partners::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::field("partner_id", FieldError::UnknownReference));
    }
    Ok(())
}

fn clean_phone(phone: Option<String>) -> Option<String> {
    phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty())
}

async fn password_hash(password: Option<String>) -> AppResult<Option<String>> {
    match password.filter(|p| !p.is_empty()) {
        Some(password) => Ok(Some(password::hash(password).await?)),
        None => Ok(None),
    }
}

/// Registers a volunteer (or, with `invited`, staff invite one) and mails a sign-in link.
#[tracing::instrument(skip_all)]
pub async fn register(
    db: &DatabaseConnection,
    input: VolunteerInput,
    invited: bool,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<VolunteerResponse> {
    input.validate().map_err(AppError::Invalid)?;
    // Partners' hours reports count their volunteers: only staff say who belongs where.
    if !invited && input.partner_id.is_some() {
        return Err(AppError::field("partner_id", FieldError::NotAllowed));
    }
    check_partner(db, input.partner_id).await?;
    let password_hash = password_hash(input.password).await?;
    let txn = crate::db::begin(db).await?;
    let model = volunteers::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(normalize_email(&input.email)),
        name: Set(input.name.trim().to_owned()),
        phone: Set(clean_phone(input.phone)),
        skills: Set(Skill::join(&input.skills)),
        lang: Set(input.lang.code().to_owned()),
        partner_id: Set(input.partner_id),
        password_hash: Set(password_hash),
        active: Set(true),
        merged_into: Set(None),
        calendar_token: Set(None),
        calendar_token_sealed: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let volunteer = match volunteers::Entity::insert(model)
        .exec_with_returning(&txn)
        .await
    {
        Ok(volunteer) => volunteer,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::field("email", FieldError::Taken));
        }
        Err(e) => return Err(e.into()),
    };
    mail_link(&txn, &volunteer, invited, base_url, now).await?;
    txn.commit().await?;
    tracing::info!(volunteer.id = %volunteer.id, "volunteer {} registered", volunteer.id);
    Ok(to_response(&volunteer))
}

/// A stranger's registration through the public form or API. The answer is the same whether
/// the address is new or already has an account ("a link is on its way"), so nobody learns
/// who volunteers: a new address gets its account and a sign-in link, a known one gets a
/// sign-in link (under the usual cap) and no change. Counted against the public mail limits.
#[tracing::instrument(skip_all)]
pub async fn register_public(
    db: &DatabaseConnection,
    input: VolunteerInput,
    client_addr: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    input.validate().map_err(AppError::Invalid)?;
    let limits = [
        rate_limit::mail_from(client_addr),
        rate_limit::mail_to(&input.email),
    ];
    rate_limit::take(db, &limits, now).await?;
    let email = input.email.clone();
    evenly_timed(async {
        match register(db, input, false, base_url, now).await {
            Ok(_) => Ok(()),
            Err(AppError::Invalid(errors)) if is_only_taken_email(&errors) => {
                mail_link_if_known(db, &email, base_url, now).await
            }
            Err(other) => Err(other),
        }
    })
    .await
}

/// How long the public doors that must not tell whether an address is known (registration,
/// sign-in link) take at least: longer than either branch's database work (a new account, or
/// a link and its letter, or nothing), so the time of the answer tells nothing either.
pub const EVEN_ANSWER: std::time::Duration = std::time::Duration::from_millis(300);

/// Runs `work`, then waits until [`EVEN_ANSWER`] has passed since it began.
async fn evenly_timed<T>(work: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    let started = tokio::time::Instant::now();
    let result = work.await;
    tokio::time::sleep_until(started + EVEN_ANSWER).await;
    result
}

fn is_only_taken_email(errors: &shared::FieldErrors) -> bool {
    errors.0.len() == 1
        && errors
            .0
            .get("email")
            .is_some_and(|list| list.as_slice() == [FieldError::Taken])
}

/// Holds the volunteer's row for the rest of the transaction (PostgreSQL's row lock; on
/// SQLite the writer lock, taken before anything is read). What is decided per person under
/// it cannot be raced: two sign-ups for overlapping sessions, the cap on sign-in links.
pub(crate) async fn lock_row<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<volunteers::Model> {
    volunteers::Entity::update_many()
        .col_expr(
            volunteers::Column::UpdatedAt,
            Expr::col(volunteers::Column::UpdatedAt),
        )
        .filter(volunteers::Column::Id.eq(id))
        .exec_with_returning(db)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Mails a sign-in link to the active volunteer with this address. Unknown addresses get no
/// mail and the same answer, so the form tells nobody who volunteers.
#[tracing::instrument(skip_all)]
pub async fn request_link(
    db: &DatabaseConnection,
    email: &str,
    client_addr: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    shared::validation::email(email).map_err(|e| AppError::field("email", e))?;
    let limits = [
        rate_limit::mail_from(client_addr),
        rate_limit::mail_to(email),
    ];
    rate_limit::take(db, &limits, now).await?;
    evenly_timed(mail_link_if_known(db, email, base_url, now)).await
}

/// Mails a sign-in link if `email` belongs to an active volunteer who has not had too many
/// lately; otherwise does nothing, and says so to nobody.
async fn mail_link_if_known(
    db: &DatabaseConnection,
    email: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(volunteer) = volunteers::Entity::find()
        .filter(volunteers::Column::Email.eq(normalize_email(email)))
        .filter(volunteers::Column::Active.eq(true))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    // Counted and written one request at a time per person, so the cap holds under a flood.
    let txn = crate::db::begin(db).await?;
    lock_row(&txn, volunteer.id).await?;
    let recent = magic_links::Entity::find()
        .filter(magic_links::Column::VolunteerId.eq(volunteer.id))
        .filter(magic_links::Column::CreatedAt.gt(now - LINK_VALIDITY))
        .count(&txn)
        .await?;
    if recent >= LINKS_PER_WINDOW {
        txn.rollback().await?;
        tracing::warn!(volunteer.id = %volunteer.id, "sign-in link not sent: too many recent links");
        return Ok(());
    }
    mail_link(&txn, &volunteer, false, base_url, now).await?;
    txn.commit().await?;
    Ok(())
}

async fn mail_link<C: ConnectionTrait>(
    db: &C,
    volunteer: &volunteers::Model,
    invited: bool,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let token = random_token();
    magic_links::ActiveModel {
        token_hash: Set(hash_token(&token)),
        volunteer_id: Set(volunteer.id),
        expires_at: Set(now + LINK_VALIDITY),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let url = format!("{base_url}/volunteer/sign-in?token={token}");
    mail::enqueue(
        db,
        letters::sign_in_link(&recipient(volunteer), &url, invited),
        now,
    )
    .await?;
    Ok(())
}

fn hash_token(token: &str) -> String {
    sha256_hex(token.trim())
}

/// Signs in with a link's token: valid for 15 minutes, once.
#[tracing::instrument(skip_all)]
pub async fn sign_in_with_link(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<VolunteerBrief> {
    let hash = hash_token(token);
    // One conditional update decides: two clicks racing cannot both succeed.
    let used = magic_links::Entity::update_many()
        .col_expr(magic_links::Column::UsedAt, Expr::value(now))
        .filter(magic_links::Column::TokenHash.eq(hash.as_str()))
        .filter(magic_links::Column::UsedAt.is_null())
        .filter(magic_links::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    let link = magic_links::Entity::find_by_id(hash)
        .one(db)
        .await?
        .ok_or(AppError::Refused(Refusal::LinkInvalid))?;
    if used.rows_affected != 1 {
        return Err(AppError::Refused(if link.used_at.is_some() {
            Refusal::LinkUsed
        } else {
            Refusal::LinkExpired
        }));
    }
    let volunteer = find(db, link.volunteer_id).await?;
    if !volunteer.active {
        return Err(AppError::Refused(Refusal::AccountInactive));
    }
    Ok(brief(&volunteer))
}

/// Signs in with e-mail and password (for volunteers who set one), under the same rate limit
/// as staff sign-in.
#[tracing::instrument(skip_all)]
pub async fn sign_in_with_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> AppResult<VolunteerBrief> {
    let email = normalize_email(email);
    let account_key = format!("volunteer:{email}");
    auth::take_attempt(db, &account_key, client_addr, now).await?;
    let volunteer = volunteers::Entity::find()
        .filter(volunteers::Column::Email.eq(email))
        .one(db)
        .await?;
    let accepted = match volunteer.as_ref().and_then(|v| v.password_hash.clone()) {
        Some(stored) => password::verify(password.to_owned(), stored).await?,
        None => {
            password::verify_against_dummy(password.to_owned()).await?;
            false
        }
    };
    // A wrong password leaves the attempt taken above counted.
    let Some(volunteer) = volunteer.filter(|_| accepted) else {
        return Err(AppError::InvalidCredentials);
    };
    auth::clear_failures(db, &account_key).await?;
    if !volunteer.active {
        return Err(AppError::Refused(Refusal::AccountInactive));
    }
    Ok(brief(&volunteer))
}

/// What pages need of the signed-in volunteer.
pub fn brief(model: &volunteers::Model) -> VolunteerBrief {
    VolunteerBrief {
        id: model.id,
        name: model.name.clone(),
    }
}

/// A volunteer by id.
pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<volunteers::Model> {
    volunteers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An active volunteer, for the request context.
pub async fn find_active(db: &DatabaseConnection, id: Uuid) -> AppResult<Option<VolunteerBrief>> {
    Ok(volunteers::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|v| v.active)
        .map(|v| brief(&v)))
}

/// Every volunteer (staff), by name; `query` matches name or e-mail.
pub async fn list(
    db: &DatabaseConnection,
    query: Option<&str>,
) -> AppResult<Vec<VolunteerResponse>> {
    let mut select = volunteers::Entity::find().order_by_asc(volunteers::Column::Name);
    if let Some(query) = query.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", query.to_lowercase());
        select = select.filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(volunteers::Column::Name))).like(&pattern))
                .add(volunteers::Column::Email.like(&pattern)),
        );
    }
    Ok(select.all(db).await?.iter().map(to_response).collect())
}

/// Changes a profile (the person themselves, or staff). A blank password keeps the old one.
/// Only staff change the partner institution a volunteer counts for.
#[tracing::instrument(skip_all, fields(volunteer.id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    id: Uuid,
    input: VolunteerInput,
    by_staff: bool,
    now: DateTime<Utc>,
) -> AppResult<VolunteerResponse> {
    input.validate().map_err(AppError::Invalid)?;
    check_partner(db, input.partner_id).await?;
    let current = find(db, id).await?;
    if !by_staff && input.partner_id != current.partner_id {
        return Err(AppError::field("partner_id", FieldError::NotAllowed));
    }
    let new_hash = password_hash(input.password).await?;
    let mut model: volunteers::ActiveModel = current.into();
    model.name = Set(input.name.trim().to_owned());
    model.email = Set(normalize_email(&input.email));
    model.phone = Set(clean_phone(input.phone));
    model.skills = Set(Skill::join(&input.skills));
    model.lang = Set(input.lang.code().to_owned());
    model.partner_id = Set(input.partner_id);
    if new_hash.is_some() {
        model.password_hash = Set(new_hash);
    }
    model.updated_at = Set(now);
    match model.update(db).await {
        Ok(model) => Ok(to_response(&model)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::field("email", FieldError::Taken))
        }
        Err(e) => Err(e.into()),
    }
}

/// Turns an account off or on. An inactive volunteer cannot sign in; their places stay until
/// staff remove them.
#[tracing::instrument(skip_all, fields(volunteer.id = %id))]
pub async fn set_active(
    db: &DatabaseConnection,
    id: Uuid,
    active: bool,
    now: DateTime<Utc>,
) -> AppResult<VolunteerResponse> {
    let mut model: volunteers::ActiveModel = find(db, id).await?.into();
    model.active = Set(active);
    model.updated_at = Set(now);
    Ok(to_response(&model.update(db).await?))
}

/// Merges a duplicate account into the one that stays: sign-ups move over (where the kept
/// account is not already in the same role), the skills are combined, and the duplicate is
/// deactivated and points at the kept account.
#[tracing::instrument(skip_all)]
pub async fn merge(
    db: &DatabaseConnection,
    request: MergeRequest,
    now: DateTime<Utc>,
) -> AppResult<VolunteerResponse> {
    if request.keep == request.duplicate {
        return Err(AppError::field("duplicate", FieldError::NotAllowed));
    }
    let txn = crate::db::begin(db).await?;
    let keep = find(&txn, request.keep)
        .await
        .map_err(|_| AppError::field("keep", FieldError::UnknownReference))?;
    let duplicate = find(&txn, request.duplicate)
        .await
        .map_err(|_| AppError::field("duplicate", FieldError::UnknownReference))?;
    let kept_roles: Vec<Uuid> = signups::Entity::find()
        .filter(signups::Column::VolunteerId.eq(keep.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| s.session_role_id)
        .collect();
    for signup in signups::Entity::find()
        .filter(signups::Column::VolunteerId.eq(duplicate.id))
        .all(&txn)
        .await?
    {
        if kept_roles.contains(&signup.session_role_id) {
            continue;
        }
        let mut model: signups::ActiveModel = signup.into();
        model.volunteer_id = Set(keep.id);
        model.idempotency_key = Set(None);
        model.updated_at = Set(now);
        model.update(&txn).await?;
    }
    let mut skills = Skill::parse_list(&keep.skills);
    skills.extend(Skill::parse_list(&duplicate.skills));
    let phone = keep.phone.clone().or(duplicate.phone.clone());
    let partner = keep.partner_id.or(duplicate.partner_id);
    let mut kept: volunteers::ActiveModel = keep.into();
    kept.skills = Set(Skill::join(&skills));
    kept.phone = Set(phone);
    kept.partner_id = Set(partner);
    kept.updated_at = Set(now);
    let kept = kept.update(&txn).await?;
    let mut gone: volunteers::ActiveModel = duplicate.into();
    gone.active = Set(false);
    gone.merged_into = Set(Some(kept.id));
    gone.calendar_token = Set(None);
    gone.calendar_token_sealed = Set(None);
    gone.updated_at = Set(now);
    gone.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(volunteer.id = %kept.id, "volunteer {} merged into {}", request.duplicate, kept.id);
    Ok(to_response(&kept))
}

/// The volunteer's private feed token, made on first use.
pub async fn calendar_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    id: Uuid,
) -> AppResult<String> {
    let volunteer = find(db, id).await?;
    match volunteer.calendar_token_sealed.as_deref() {
        Some(sealed) => vault.open(sealed),
        None => reset_calendar_token(db, vault, id).await,
    }
}

/// A new private feed token; the old feed URL answers 404 from now on.
pub async fn reset_calendar_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    id: Uuid,
) -> AppResult<String> {
    let issued = vault.issue();
    let mut model: volunteers::ActiveModel = find(db, id).await?.into();
    model.calendar_token = Set(Some(issued.lookup));
    model.calendar_token_sealed = Set(Some(issued.sealed));
    model.update(db).await?;
    Ok(issued.token)
}

/// Deletes sign-in links that can no longer be used.
pub async fn prune_links(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    Ok(magic_links::Entity::delete_many()
        .filter(magic_links::Column::ExpiresAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_stored_only_as_hashes() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        let hash = hash_token(&token);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, token);
        assert_eq!(hash, hash_token(&format!(" {token} ")));
    }
}
