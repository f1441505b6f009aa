//! Working with partners: each partner's private page (a secret link, resettable) where its
//! contact sees the sessions it takes part in and its agreements and answers session
//! requests; the expiry reminders of agreements; the dashboard's cooperation alerts.

pub mod report;

use std::collections::{HashMap, HashSet};

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::Lang;
use shared::dto::agreements::{
    ANSWERS_WITHIN_DAYS, AnswerInput, CooperationAlerts, DocumentResponse, EXPIRING_WITHIN_DAYS,
    ExpiringAgreement, PartnerAccessLink, PartnerAccessView, PartnerAnswerNotice, PartnerSession,
    REMINDER_DAYS, UncoveredPartner,
};
use shared::dto::auth::Role;
use shared::words::{
    AgreementState, AgreementStatus, PartnerAnswer, PartnerKind, PartnerRole, SessionStatus,
};
use uuid::Uuid;

use crate::db::entities::{
    agreement_documents, agreement_partners, agreements, partners, program_partners, programs,
    session_partners, sessions, users,
};
use crate::domain::zone::{library_clock, parse_tz, utc_to_local, zone_label};
use crate::error::{AppError, AppResult};
use crate::services::agreements::{self as agreement_service, documents, library_today, status_of};
use crate::services::mail::{self, letters};
use crate::storage::Storage;
use crate::token_vault::{TokenVault, is_token_shaped, lookup_key};

/// How far back the partner page lists sessions (so last week's can still be seen).
const PAST_WINDOW: Duration = Duration::days(7);
/// How far ahead the partner page lists sessions.
const FUTURE_WINDOW: Duration = Duration::days(180);
/// The most sessions the partner page lists.
const MAX_SESSIONS: u64 = 100;
/// A partner with a session this soon and no agreement in force shows on the dashboard.
const UNCOVERED_WITHIN: Duration = Duration::days(90);

fn access_url(base_url: &str, token: &str) -> PartnerAccessLink {
    PartnerAccessLink {
        url: format!("{base_url}/partner-access/{token}"),
    }
}

async fn find_partner(db: &DatabaseConnection, id: Uuid) -> AppResult<partners::Model> {
    partners::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The partner's private link, made on first use.
pub async fn access_link(
    db: &DatabaseConnection,
    vault: &TokenVault,
    base_url: &str,
    partner_id: Uuid,
) -> AppResult<PartnerAccessLink> {
    let partner = find_partner(db, partner_id).await?;
    match partner.access_token_sealed.as_deref() {
        Some(sealed) => Ok(access_url(base_url, &vault.open(sealed)?)),
        None => replace_token(db, vault, base_url, partner).await,
    }
}

/// A new private link; the old one stops working at once.
#[tracing::instrument(skip_all, fields(partner.id = %partner_id))]
pub async fn reset_access(
    db: &DatabaseConnection,
    vault: &TokenVault,
    base_url: &str,
    partner_id: Uuid,
) -> AppResult<PartnerAccessLink> {
    let partner = find_partner(db, partner_id).await?;
    replace_token(db, vault, base_url, partner).await
}

async fn replace_token(
    db: &DatabaseConnection,
    vault: &TokenVault,
    base_url: &str,
    partner: partners::Model,
) -> AppResult<PartnerAccessLink> {
    let issued = vault.issue();
    let mut model: partners::ActiveModel = partner.into();
    model.access_token = Set(Some(issued.lookup));
    model.access_token_sealed = Set(Some(issued.sealed));
    model.update(db).await?;
    Ok(access_url(base_url, &issued.token))
}

/// The partner whose private link holds `token`.
pub async fn partner_by_token(db: &DatabaseConnection, token: &str) -> AppResult<partners::Model> {
    if !is_token_shaped(token) {
        return Err(AppError::NotFound);
    }
    partners::Entity::find()
        .filter(partners::Column::AccessToken.eq(lookup_key(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the private link at `token` shows: the partner's sessions from last week to half a
/// year ahead, and the agreements it is party to (not drafts).
pub async fn access_view(
    db: &DatabaseConnection,
    base_url: &str,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<PartnerAccessView> {
    let partner = partner_by_token(db, token).await?;
    let sessions = sessions_of(db, partner.id, Listing::Around(now)).await?;
    let agreements = agreement_service::list(db, Some(partner.id), library_today(now))
        .await?
        .into_iter()
        .filter(|a| a.status != AgreementStatus::Draft)
        .collect();
    Ok(PartnerAccessView {
        feed_url: format!("{base_url}/calendar/partners/{}.ics", partner.slug),
        kind: PartnerKind::parse(&partner.kind).unwrap_or(PartnerKind::Other),
        name: partner.name,
        slug: partner.slug,
        sessions,
        agreements,
    })
}

/// A document the partner at `token` may read: one of an agreement it is party to that is
/// not a draft (what its private page lists), with its bytes.
pub async fn partner_document(
    db: &DatabaseConnection,
    storage: &Storage,
    token: &str,
    document_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(DocumentResponse, Bytes)> {
    let partner = partner_by_token(db, token).await?;
    let document = agreement_documents::Entity::find_by_id(document_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let party = agreement_partners::Entity::find_by_id((document.agreement_id, partner.id))
        .one(db)
        .await?;
    let agreement = agreement_service::find(db, document.agreement_id).await?;
    if party.is_none() || status_of(&agreement, library_today(now)) == AgreementStatus::Draft {
        return Err(AppError::NotFound);
    }
    documents::open(db, storage, document.agreement_id, document_id).await
}

/// Which of a partner's sessions to list.
#[derive(Clone, Copy)]
enum Listing {
    /// From a week before to half a year after this instant.
    Around(DateTime<Utc>),
    /// Just this one.
    Only(Uuid),
}

async fn sessions_of(
    db: &DatabaseConnection,
    partner_id: Uuid,
    listing: Listing,
) -> AppResult<Vec<PartnerSession>> {
    let on_programs: HashMap<Uuid, String> = program_partners::Entity::find()
        .filter(program_partners::Column::PartnerId.eq(partner_id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| (link.program_id, link.role))
        .collect();
    let on_sessions: HashMap<Uuid, session_partners::Model> = session_partners::Entity::find()
        .filter(session_partners::Column::PartnerId.eq(partner_id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| (link.session_id, link))
        .collect();
    let mut query = sessions::Entity::find().filter(
        Condition::any()
            .add(sessions::Column::ProgramId.is_in(on_programs.keys().copied()))
            .add(sessions::Column::Id.is_in(on_sessions.keys().copied())),
    );
    query = match listing {
        Listing::Around(now) => query
            .filter(sessions::Column::StartsAt.gte(now - PAST_WINDOW))
            .filter(sessions::Column::StartsAt.lt(now + FUTURE_WINDOW)),
        Listing::Only(id) => query.filter(sessions::Column::Id.eq(id)),
    };
    let models = query
        .order_by_asc(sessions::Column::StartsAt)
        .limit(MAX_SESSIONS)
        .all(db)
        .await?;
    let names = program_names(db, models.iter().map(|s| s.program_id)).await?;
    Ok(models
        .into_iter()
        .filter_map(|session| {
            let tz = parse_tz(&session.tz).ok()?;
            let own = on_sessions.get(&session.id);
            let role = own
                .map(|link| link.role.as_str())
                .or_else(|| on_programs.get(&session.program_id).map(String::as_str))
                .and_then(PartnerRole::parse)?;
            let program_name = names.get(&session.program_id).cloned().unwrap_or_default();
            Some(PartnerSession {
                session_id: session.id,
                title: session
                    .title
                    .clone()
                    .unwrap_or_else(|| program_name.clone()),
                program_name,
                starts_at: session.starts_at,
                start_local: utc_to_local(tz, session.starts_at),
                end_local: utc_to_local(tz, session.ends_at),
                zone_label: zone_label(tz, session.starts_at),
                library_clock: library_clock(tz, session.starts_at),
                cancelled: session.status == SessionStatus::Cancelled.as_str(),
                role,
                answer: own.and_then(|link| PartnerAnswer::parse(&link.answer)),
                answer_note: own.and_then(|link| link.answer_note.clone()),
            })
        })
        .collect())
}

/// The sessions of the last week and the coming months that partner `partner_id` takes part
/// in, with its answers (the staff's partner page).
pub async fn partner_sessions(
    db: &DatabaseConnection,
    partner_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<PartnerSession>> {
    sessions_of(db, partner_id, Listing::Around(now)).await
}

/// The partner at `token` answers the request to take part in session `session_id`. The
/// coordinators and admins are told by letter, once per answer and day.
#[tracing::instrument(skip_all, fields(session.id = %session_id))]
pub async fn answer(
    db: &DatabaseConnection,
    base_url: &str,
    token: &str,
    session_id: Uuid,
    input: AnswerInput,
    now: DateTime<Utc>,
) -> AppResult<PartnerSession> {
    let partner = partner_by_token(db, token).await?;
    input.validate().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    let link = session_partners::Entity::find()
        .filter(session_partners::Column::SessionId.eq(session_id))
        .filter(session_partners::Column::PartnerId.eq(partner.id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let note = shared::validation::clean_optional(input.note);
    let unchanged = link.answer == input.answer.as_str() && link.answer_note == note;
    let link_id = link.id;
    if !unchanged {
        let mut model: session_partners::ActiveModel = link.into();
        model.answer = Set(input.answer.as_str().to_owned());
        model.answer_note = Set(note.clone());
        model.answered_at = Set(Some(now));
        model.update(&txn).await?;
        let answer = Answer {
            link_id,
            session_id,
            answer: input.answer,
            with_note: note.is_some(),
        };
        tell_staff_of_answer(&txn, base_url, &partner, answer, now).await?;
    }
    txn.commit().await?;
    sessions_of(db, partner.id, Listing::Only(session_id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// A partner's answer, as its letters to the staff tell it.
struct Answer {
    /// The partner's link to the session (`session_partners`).
    link_id: Uuid,
    /// The session.
    session_id: Uuid,
    /// Confirmed or declined.
    answer: PartnerAnswer,
    /// Whether a note came with it.
    with_note: bool,
}

/// The letters to every active coordinator and admin that `partner` answered.
async fn tell_staff_of_answer<C: sea_orm::ConnectionTrait>(
    db: &C,
    base_url: &str,
    partner: &partners::Model,
    Answer {
        link_id,
        session_id,
        answer,
        with_note,
    }: Answer,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let session = sessions::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = match session.title.clone() {
        Some(title) => title,
        None => programs::Entity::find_by_id(session.program_id)
            .one(db)
            .await?
            .map(|p| p.name)
            .unwrap_or_default(),
    };
    let tz = parse_tz(&session.tz)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone unknown")))?;
    let facts = letters::AnswerFacts {
        partner: partner.name.clone(),
        title,
        starts_at: session.starts_at,
        ends_at: session.ends_at,
        tz,
        answer,
        with_note,
        url: format!("{base_url}/staff/sessions/{session_id}"),
    };
    for user in managers(db).await? {
        let to = letters::Recipient {
            email: user.email,
            name: user.name,
            lang: Lang::Id,
        };
        // One letter per answer, day and reader: a leaked link flipping its answer cannot
        // fill the staff's mailboxes (at most two letters a day each).
        let key = format!(
            "partner-answer:{link_id}:{}:{}:{}",
            answer.as_str(),
            library_today(now),
            user.id
        );
        mail::enqueue(db, letters::partner_answered(&to, &facts, key), now).await?;
    }
    Ok(())
}

/// Program names by id.
async fn program_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, String>> {
    Ok(programs::Entity::find()
        .filter(programs::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// Every active coordinator and admin.
async fn managers<C: sea_orm::ConnectionTrait>(db: &C) -> AppResult<Vec<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Role.is_in([Role::Coordinator.as_str(), Role::Admin.as_str()]))
        .order_by_asc(users::Column::Email)
        .all(db)
        .await?)
}

/// Agreements in force (or about to be), with their partners' names.
async fn agreements_in_force(
    db: &DatabaseConnection,
) -> AppResult<Vec<(agreements::Model, Vec<String>)>> {
    let models = agreements::Entity::find()
        .filter(agreements::Column::State.eq(AgreementState::InForce.as_str()))
        .all(db)
        .await?;
    let links = agreement_partners::Entity::find()
        .filter(agreement_partners::Column::AgreementId.is_in(models.iter().map(|m| m.id)))
        .all(db)
        .await?;
    let names: HashMap<Uuid, String> = partners::Entity::find()
        .filter(partners::Column::Id.is_in(links.iter().map(|l| l.partner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(models
        .into_iter()
        .map(|model| {
            let mut parties: Vec<String> = links
                .iter()
                .filter(|l| l.agreement_id == model.id)
                .filter_map(|l| names.get(&l.partner_id).cloned())
                .collect();
            parties.sort();
            (model, parties)
        })
        .collect())
}

/// Writes the 60- and 14-day reminders that are due to the outbox, once each: to the staff
/// member responsible, or to every coordinator and admin when nobody is. An agreement found
/// inside the 14-day window gets only the 14-day reminder.
pub async fn queue_expiry_reminders(
    db: &DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let today = library_today(now);
    let mut queued = 0;
    let mut everyone_in_charge: Option<Vec<users::Model>> = None;
    for (agreement, parties) in agreements_in_force(db).await? {
        let Some(ends_on) = agreement.ends_on else {
            continue;
        };
        if status_of(&agreement, today) != AgreementStatus::Active {
            continue;
        }
        let days_left = (ends_on - today).num_days();
        // The shortest lead that has been reached.
        let Some(lead) = REMINDER_DAYS
            .iter()
            .copied()
            .rev()
            .find(|d| days_left <= *d)
        else {
            continue;
        };
        let recipients = match agreement.library_responsible_id {
            Some(id) => {
                users::Entity::find_by_id(id)
                    .filter(users::Column::Active.eq(true))
                    .all(db)
                    .await?
            }
            None => vec![],
        };
        let recipients = if recipients.is_empty() {
            if everyone_in_charge.is_none() {
                everyone_in_charge = Some(managers(db).await?);
            }
            everyone_in_charge.clone().unwrap_or_default()
        } else {
            recipients
        };
        let facts = letters::AgreementFacts {
            title: agreement.title.clone(),
            partners: parties.clone(),
            ends_on,
            lead_days: lead,
            url: format!("{base_url}/staff/agreements/{}", agreement.id),
        };
        for user in recipients {
            let to = letters::Recipient {
                email: user.email.clone(),
                name: user.name.clone(),
                lang: Lang::Id,
            };
            let key = format!(
                "agreement-ending:{}:{ends_on}:{lead}:{}",
                agreement.id, user.id
            );
            if mail::enqueue(db, letters::agreement_ending(&to, &facts, key), now).await? {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The dashboard card: agreements ending within 60 days, and partners with sessions in the
/// next 90 days but no agreement in force today.
pub async fn alerts(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<CooperationAlerts> {
    let today = library_today(now);
    let active: Vec<(agreements::Model, Vec<String>)> = agreements_in_force(db)
        .await?
        .into_iter()
        .filter(|(model, _)| status_of(model, today) == AgreementStatus::Active)
        .collect();
    let mut expiring: Vec<ExpiringAgreement> = active
        .iter()
        .filter_map(|(model, parties)| {
            let ends_on = model.ends_on?;
            let days_left = (ends_on - today).num_days();
            (days_left <= EXPIRING_WITHIN_DAYS).then(|| ExpiringAgreement {
                id: model.id,
                title: model.title.clone(),
                partners: parties.clone(),
                ends_on,
                days_left,
            })
        })
        .collect();
    expiring.sort_by_key(|a| (a.ends_on, a.title.clone()));

    let covered: HashSet<Uuid> = agreement_partners::Entity::find()
        .filter(agreement_partners::Column::AgreementId.is_in(active.iter().map(|(m, _)| m.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.partner_id)
        .collect();
    let upcoming = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(now))
        .filter(sessions::Column::StartsAt.lt(now + UNCOVERED_WITHIN))
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?;
    let mut next_session: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    let mut note = |partner: Uuid, at: DateTime<Utc>| {
        if !covered.contains(&partner) {
            next_session
                .entry(partner)
                .and_modify(|t| *t = (*t).min(at))
                .or_insert(at);
        }
    };
    let program_links = program_partners::Entity::find().all(db).await?;
    let session_links = session_partners::Entity::find()
        .filter(session_partners::Column::SessionId.is_in(upcoming.iter().map(|s| s.id)))
        .filter(crate::services::sessions::taking_part())
        .all(db)
        .await?;
    for session in &upcoming {
        for link in program_links
            .iter()
            .filter(|l| l.program_id == session.program_id)
        {
            note(link.partner_id, session.starts_at);
        }
        for link in session_links.iter().filter(|l| l.session_id == session.id) {
            note(link.partner_id, session.starts_at);
        }
    }
    let mut uncovered: Vec<UncoveredPartner> = partners::Entity::find()
        .filter(partners::Column::Id.is_in(next_session.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| {
            Some(UncoveredPartner {
                next_session_at: *next_session.get(&p.id)?,
                id: p.id,
                name: p.name,
                slug: p.slug,
            })
        })
        .collect();
    uncovered.sort_by_key(|p| (p.next_session_at, p.name.clone()));
    Ok(CooperationAlerts {
        expiring,
        uncovered,
        answers: recent_answers(db, now).await?,
    })
}

/// Partners' answers of the last days to sessions not yet begun, newest first.
async fn recent_answers(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> AppResult<Vec<PartnerAnswerNotice>> {
    let links = session_partners::Entity::find()
        .filter(session_partners::Column::AnsweredAt.gte(now - Duration::days(ANSWERS_WITHIN_DAYS)))
        .filter(session_partners::Column::Answer.ne(PartnerAnswer::Requested.as_str()))
        .order_by_desc(session_partners::Column::AnsweredAt)
        .limit(50)
        .all(db)
        .await?;
    let sessions: HashMap<Uuid, sessions::Model> = sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(links.iter().map(|l| l.session_id)))
        .filter(sessions::Column::StartsAt.gte(now))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let programs = program_names(db, sessions.values().map(|s| s.program_id)).await?;
    let partners =
        crate::services::programs::partner_names(db, links.iter().map(|l| l.partner_id)).await?;
    Ok(links
        .into_iter()
        .filter_map(|link| {
            let session = sessions.get(&link.session_id)?;
            let (partner_name, partner_slug) = partners.get(&link.partner_id)?;
            let tz = parse_tz(&session.tz).ok()?;
            Some(PartnerAnswerNotice {
                session_id: session.id,
                session_title: session.title.clone().unwrap_or_else(|| {
                    programs
                        .get(&session.program_id)
                        .cloned()
                        .unwrap_or_default()
                }),
                start_local: utc_to_local(tz, session.starts_at),
                zone_label: zone_label(tz, session.starts_at),
                library_clock: library_clock(tz, session.starts_at),
                partner_name: partner_name.clone(),
                partner_slug: partner_slug.clone(),
                answer: PartnerAnswer::parse(&link.answer)?,
                note: link.answer_note,
                answered_at: link.answered_at?,
            })
        })
        .collect())
}
