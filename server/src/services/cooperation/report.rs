//! The cooperation report: per partner and period, the sessions held with it and the roles
//! it played, the hours its volunteers served and the agreements in force.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use shared::FieldError;
use shared::dto::agreements::{PartnerReport, PartnerReportLine, RoleTally};
use shared::dto::volunteers::HoursReport;
use shared::words::{AgreementState, PartnerAnswer, PartnerKind, PartnerRole, SessionStatus};
use uuid::Uuid;

use crate::db::entities::{
    agreement_partners, agreements, partners, program_partners, session_partners, sessions,
};
use crate::error::{AppError, AppResult};
use crate::services::signups::reports::{csv_field, day_start, hours};

/// The longest period one report covers.
const MAX_DAYS: i64 = 3 * 366;

/// Refuses a period that ends before it starts or is longer than a report covers.
pub(crate) fn check_period(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::field("to", FieldError::EndBeforeStart));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(AppError::field(
            "to",
            FieldError::OutOfRange {
                min: 0,
                max: MAX_DAYS,
            },
        ));
    }
    Ok(())
}

/// The report for the days `from` to `to` (inclusive, in the library's zone), one line per
/// partner (all of them, or just `only`). A session counts as held once it has ended by
/// `now` and was not cancelled; a partner that declined a session did not take part.
pub async fn partner_report(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<PartnerReport> {
    check_period(from, to)?;
    let volunteer_hours = hours(db, from, to).await?;
    partner_report_with_hours(db, from, to, only, now, &volunteer_hours).await
}

/// [`partner_report`] for a caller that already has the period's volunteer hours (the
/// activity report), so they are counted once.
pub(crate) async fn partner_report_with_hours(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<Uuid>,
    now: DateTime<Utc>,
    volunteer_hours: &HoursReport,
) -> AppResult<PartnerReport> {
    let mut partner_query = partners::Entity::find();
    if let Some(id) = only {
        partner_query = partner_query.filter(partners::Column::Id.eq(id));
    }
    let partner_rows = partner_query.all(db).await?;
    if only.is_some() && partner_rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let held: Vec<sessions::Model> = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(day_start(from)))
        .filter(sessions::Column::StartsAt.lt(day_start(to + Duration::days(1))))
        .filter(sessions::Column::EndsAt.lte(now))
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .all(db)
        .await?;
    // (partner, session) → the roles it played there.
    let mut played: BTreeMap<(Uuid, Uuid), BTreeSet<&'static str>> = BTreeMap::new();
    let program_links = program_partners::Entity::find().all(db).await?;
    let session_links = session_partners::Entity::find()
        .filter(session_partners::Column::SessionId.is_in(held.iter().map(|s| s.id)))
        .all(db)
        .await?;
    let declined: BTreeSet<(Uuid, Uuid)> = session_links
        .iter()
        .filter(|l| l.answer == PartnerAnswer::Declined.as_str())
        .map(|l| (l.partner_id, l.session_id))
        .collect();
    for session in &held {
        let roles = program_links
            .iter()
            .filter(|l| l.program_id == session.program_id)
            .map(|l| (l.partner_id, l.role.as_str()))
            .chain(
                session_links
                    .iter()
                    .filter(|l| l.session_id == session.id)
                    .map(|l| (l.partner_id, l.role.as_str())),
            );
        for (partner, role) in roles {
            if declined.contains(&(partner, session.id)) {
                continue;
            }
            if let Some(role) = PartnerRole::parse(role) {
                played
                    .entry((partner, session.id))
                    .or_default()
                    .insert(role.as_str());
            }
        }
    }
    let in_force: Vec<Uuid> = agreements::Entity::find()
        .filter(agreements::Column::State.eq(AgreementState::InForce.as_str()))
        .filter(agreements::Column::StartsOn.lte(to))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.ends_on.is_none_or(|end| end >= from))
        .map(|a| a.id)
        .collect();
    let parties = agreement_partners::Entity::find()
        .filter(agreement_partners::Column::AgreementId.is_in(in_force))
        .all(db)
        .await?;

    let mut lines: Vec<PartnerReportLine> = partner_rows
        .into_iter()
        .map(|partner| {
            let mine = played.iter().filter(|((p, _), _)| *p == partner.id);
            let mut sessions_held = 0;
            let mut by_role: BTreeMap<&'static str, u32> = BTreeMap::new();
            for (_, roles) in mine {
                sessions_held += 1;
                for role in roles {
                    *by_role.entry(role).or_default() += 1;
                }
            }
            let volunteers = volunteer_hours
                .by_partner
                .iter()
                .find(|line| line.id == Some(partner.id));
            PartnerReportLine {
                partner_id: partner.id,
                kind: PartnerKind::parse(&partner.kind).unwrap_or(PartnerKind::Other),
                name: partner.name,
                slug: partner.slug,
                sessions_held,
                roles: PartnerRole::ALL
                    .iter()
                    .filter_map(|role| {
                        by_role.get(role.as_str()).map(|n| RoleTally {
                            role: *role,
                            sessions: *n,
                        })
                    })
                    .collect(),
                volunteer_sessions: volunteers.map_or(0, |l| l.sessions),
                volunteer_minutes: volunteers.map_or(0, |l| l.minutes),
                agreements_active: parties
                    .iter()
                    .filter(|l| l.partner_id == partner.id)
                    .count() as u32,
            }
        })
        .collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(PartnerReport { from, to, lines })
}

/// The report as CSV, one row per partner; roles as `role:sessions` joined by `;`.
pub fn partner_report_csv(report: &PartnerReport) -> String {
    let mut out = String::from(
        "partner_id,partner,kind,from,to,sessions_held,roles,volunteer_sessions,volunteer_minutes,volunteer_hours,agreements_active\n",
    );
    for line in &report.lines {
        let roles: Vec<String> = line
            .roles
            .iter()
            .map(|r| format!("{}:{}", r.role.as_str(), r.sessions))
            .collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{:.2},{}\n",
            line.partner_id,
            csv_field(&line.name),
            line.kind.as_str(),
            report.from,
            report.to,
            line.sessions_held,
            roles.join(";"),
            line.volunteer_sessions,
            line.volunteer_minutes,
            f64::from(line.volunteer_minutes) / 60.0,
            line.agreements_active
        ));
    }
    out
}
