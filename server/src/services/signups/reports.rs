//! What staff and volunteers read about sign-ups: open sessions, a session's roster,
//! attendance, and hours per volunteer and per partner.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::dto::programs::DEFAULT_TZ;
use shared::dto::volunteers::{
    AttendanceMark, HoursLine, HoursReport, OpenSession, Refusal, Roster, RosterEntry,
    SignupStatus, Skill,
};
use shared::words::{ProgramStatus, SessionStatus};
use uuid::Uuid;

use super::{Setting, status_of, waitlist_position};
use crate::db::entities::{partners, programs, sessions, signups, volunteers};
use crate::domain::zone::{local_to_utc, parse_tz};
use crate::error::{AppError, AppResult};
use crate::services::roles::views_by_session;

/// How far ahead "open sessions" looks by default.
const OPEN_HORIZON: Duration = Duration::days(60);

/// Filters of the open-sessions list.
#[derive(Debug, Clone, Default)]
pub struct OpenFilter {
    /// Only roles open to this skill (roles needing no skill included).
    pub skill: Option<Skill>,
    /// From this day (in the program's zone); default today.
    pub from: Option<NaiveDate>,
    /// Until this day, inclusive.
    pub to: Option<NaiveDate>,
}

pub(crate) fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let tz = parse_tz(DEFAULT_TZ).unwrap_or(chrono_tz::Asia::Makassar);
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| local_to_utc(tz, t).ok())
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Upcoming sessions of published programs whose sign-up is still open and that have a role
/// matching the filter, soonest first. Full roles are listed too: one can join their line.
pub async fn open_sessions(
    db: &DatabaseConnection,
    filter: &OpenFilter,
    now: DateTime<Utc>,
) -> AppResult<Vec<OpenSession>> {
    let from = filter.from.map(day_start).unwrap_or(now).max(now);
    let to = filter
        .to
        .map(|d| day_start(d + Duration::days(1)))
        .unwrap_or(now + OPEN_HORIZON);
    let programs: HashMap<Uuid, programs::Model> = programs::Entity::find()
        .filter(programs::Column::Status.eq(ProgramStatus::Published.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let sessions = sessions::Entity::find()
        .filter(sessions::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .filter(sessions::Column::StartsAt.gte(from))
        .filter(sessions::Column::StartsAt.lt(to))
        .filter(sessions::Column::ProgramId.is_in(programs.keys().copied()))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
    let mut roles = views_by_session(db, &ids).await?;
    let mut open = Vec::new();
    for session in sessions {
        let Some(program) = programs.get(&session.program_id) else {
            continue;
        };
        let setting = Setting {
            session,
            program: program.clone(),
        };
        let brief = setting.brief();
        if brief.signup_closes_at <= now {
            continue;
        }
        let matching: Vec<_> = roles
            .remove(&brief.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|role| match (filter.skill, role.skill) {
                (Some(wanted), Some(needed)) => wanted == needed,
                _ => true,
            })
            .collect();
        if !matching.is_empty() {
            open.push(OpenSession {
                session: brief,
                roles: matching,
            });
        }
    }
    Ok(open)
}

/// Sessions with at least one free place (for `/calendar/open-slots.ics`), and when the
/// first of them closes its sign-up: the list changes then without any write.
pub async fn sessions_with_free_places(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> AppResult<(Vec<sessions::Model>, Option<DateTime<Utc>>)> {
    let open = open_sessions(db, &OpenFilter::default(), now).await?;
    let with_places: Vec<&OpenSession> = open
        .iter()
        .filter(|o| o.roles.iter().any(|r| r.free() > 0))
        .collect();
    let first_close = with_places.iter().map(|o| o.session.signup_closes_at).min();
    let ids: Vec<Uuid> = with_places.iter().map(|o| o.session.id).collect();
    if ids.is_empty() {
        return Ok((Vec::new(), None));
    }
    let sessions = sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(ids))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?;
    Ok((sessions, first_close))
}

/// Who is in which role of a session: confirmed and offered first, then the line in order,
/// then those who left.
pub async fn roster(db: &DatabaseConnection, session_id: Uuid) -> AppResult<Roster> {
    let setting = Setting::load(db, session_id).await?;
    let roles = views_by_session(db, &[session_id])
        .await?
        .remove(&session_id)
        .unwrap_or_default();
    let all = signups::Entity::find()
        .filter(signups::Column::SessionId.eq(session_id))
        .order_by_asc(signups::Column::Position)
        .all(db)
        .await?;
    let people: HashMap<Uuid, volunteers::Model> = volunteers::Entity::find()
        .filter(volunteers::Column::Id.is_in(all.iter().map(|s| s.volunteer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut by_role: HashMap<Uuid, Vec<signups::Model>> = HashMap::new();
    for signup in all.iter().filter(|s| status_of(s).is_active()) {
        by_role
            .entry(signup.session_role_id)
            .or_default()
            .push(signup.clone());
    }
    let rank = |status: SignupStatus| match status {
        SignupStatus::Confirmed | SignupStatus::Offered => 0,
        SignupStatus::Waitlisted => 1,
        _ => 2,
    };
    let mut entries: Vec<RosterEntry> = all
        .iter()
        .filter_map(|signup| {
            let person = people.get(&signup.volunteer_id)?;
            let active = by_role.get(&signup.session_role_id);
            Some(RosterEntry {
                signup_id: signup.id,
                volunteer_id: person.id,
                name: person.name.clone(),
                email: person.email.clone(),
                phone: person.phone.clone(),
                role_id: signup.session_role_id,
                status: status_of(signup),
                waitlist_position: active.and_then(|a| waitlist_position(a, signup)),
                attended: signup.attended,
                minutes_served: signup.minutes_served.and_then(|m| u32::try_from(m).ok()),
            })
        })
        .collect();
    entries.sort_by_key(|e| rank(e.status));
    Ok(Roster {
        session: setting.brief(),
        roles,
        entries,
    })
}

/// Marks who came, once the session has started. Minutes default to the session's length.
#[tracing::instrument(skip_all, fields(session.id = %session_id))]
pub async fn mark_attendance(
    db: &DatabaseConnection,
    session_id: Uuid,
    marks: Vec<AttendanceMark>,
    now: DateTime<Utc>,
) -> AppResult<Roster> {
    let setting = Setting::load(db, session_id).await?;
    if setting.session.starts_at > now {
        return Err(AppError::Refused(Refusal::NotYetHeld));
    }
    let txn = crate::db::begin(db).await?;
    for (i, mark) in marks.iter().enumerate() {
        let Some(signup) = signups::Entity::find_by_id(mark.signup_id)
            .one(&txn)
            .await?
            .filter(|s| s.session_id == session_id)
        else {
            return Err(AppError::field(
                &format!("marks[{i}].signup_id"),
                shared::FieldError::UnknownReference,
            ));
        };
        if let Some(minutes) = mark.minutes_served
            && minutes > 24 * 60
        {
            return Err(AppError::field(
                &format!("marks[{i}].minutes_served"),
                shared::FieldError::OutOfRange {
                    min: 0,
                    max: 24 * 60,
                },
            ));
        }
        let mut model: signups::ActiveModel = signup.into();
        model.attended = Set(Some(mark.attended));
        model.minutes_served = Set(mark.minutes_served.and_then(|m| i32::try_from(m).ok()));
        model.updated_at = Set(now);
        model.update(&txn).await?;
    }
    txn.commit().await?;
    roster(db, session_id).await
}

/// Hours served between two days (inclusive, in the library's zone): per volunteer and per
/// partner institution, counting attended sign-ups only.
pub async fn hours(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HoursReport> {
    if to < from {
        return Err(AppError::field("to", shared::FieldError::EndBeforeStart));
    }
    let sessions: HashMap<Uuid, sessions::Model> = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(day_start(from)))
        .filter(sessions::Column::StartsAt.lt(day_start(to + Duration::days(1))))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut attended = Vec::new();
    let ids: Vec<Uuid> = sessions.keys().copied().collect();
    for chunk in ids.chunks(500) {
        attended.extend(
            signups::Entity::find()
                .filter(signups::Column::SessionId.is_in(chunk.iter().copied()))
                .filter(signups::Column::Attended.eq(true))
                .all(db)
                .await?,
        );
    }
    let people: HashMap<Uuid, volunteers::Model> = volunteers::Entity::find()
        .filter(volunteers::Column::Id.is_in(attended.iter().map(|s| s.volunteer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let partner_names: HashMap<Uuid, String> = partners::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut by_volunteer: BTreeMap<Uuid, HoursLine> = BTreeMap::new();
    let mut by_partner: BTreeMap<Option<Uuid>, HoursLine> = BTreeMap::new();
    for signup in attended {
        let (Some(session), Some(person)) = (
            sessions.get(&signup.session_id),
            people.get(&signup.volunteer_id),
        ) else {
            continue;
        };
        let minutes = signup
            .minutes_served
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or_else(|| {
                u32::try_from((session.ends_at - session.starts_at).num_minutes()).unwrap_or(0)
            });
        let line = by_volunteer.entry(person.id).or_insert_with(|| HoursLine {
            id: Some(person.id),
            name: person.name.clone(),
            sessions: 0,
            minutes: 0,
        });
        line.sessions += 1;
        line.minutes += minutes;
        let partner = by_partner
            .entry(person.partner_id)
            .or_insert_with(|| HoursLine {
                id: person.partner_id,
                name: person
                    .partner_id
                    .and_then(|id| partner_names.get(&id).cloned())
                    .unwrap_or_default(),
                sessions: 0,
                minutes: 0,
            });
        partner.sessions += 1;
        partner.minutes += minutes;
    }
    let sorted = |mut lines: Vec<HoursLine>| {
        lines.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
        lines
    };
    Ok(HoursReport {
        by_volunteer: sorted(by_volunteer.into_values().collect()),
        by_partner: sorted(by_partner.into_values().collect()),
    })
}

/// The report as CSV: `scope,id,name,sessions,minutes,hours`, volunteers then partners.
pub fn hours_csv(report: &HoursReport) -> String {
    let mut out = String::from("scope,id,name,sessions,minutes,hours\n");
    let lines = report
        .by_volunteer
        .iter()
        .map(|l| ("volunteer", l))
        .chain(report.by_partner.iter().map(|l| ("partner", l)));
    for (scope, line) in lines {
        out.push_str(&format!(
            "{scope},{},{},{},{},{:.2}\n",
            line.id.map(|id| id.to_string()).unwrap_or_default(),
            csv_field(&line.name),
            line.sessions,
            line.minutes,
            f64::from(line.minutes) / 60.0
        ));
    }
    out
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
pub(crate) fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Sign-ups of these statuses, used by feeds and the calendar of one person.
pub async fn sessions_of_volunteer(
    db: &DatabaseConnection,
    volunteer_id: Uuid,
) -> AppResult<Vec<sessions::Model>> {
    let ids: Vec<Uuid> = signups::Entity::find()
        .filter(signups::Column::VolunteerId.eq(volunteer_id))
        .filter(signups::Column::Status.is_in([
            SignupStatus::Confirmed.as_str(),
            SignupStatus::Offered.as_str(),
        ]))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.session_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sessions::Entity::find()
        .filter(sessions::Column::Id.is_in(ids))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("Ibu Rahma"), "Ibu Rahma");
        assert_eq!(csv_field("Rahma, S.Pd"), "\"Rahma, S.Pd\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        let report = HoursReport {
            by_volunteer: vec![HoursLine {
                id: None,
                name: "A \"B\"".into(),
                sessions: 2,
                minutes: 90,
            }],
            by_partner: vec![],
        };
        assert_eq!(
            hours_csv(&report),
            "scope,id,name,sessions,minutes,hours\nvolunteer,,\"A \"\"B\"\"\",2,90,1.50\n"
        );
    }
}
