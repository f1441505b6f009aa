//! The activity report: a period of the library's outreach in numbers (sessions per
//! program, audience per episode and per month, volunteer hours, partner contributions,
//! contest entries per category), and the same as CSV.
//!
//! Days and months are the library's (Asia/Makassar), as in the cooperation and hours
//! reports, so the three agree on what "March" holds.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use shared::dto::programs::DEFAULT_TZ;
use shared::dto::reports::{
    ActivityReport, CategoryEntries, EpisodeAudience, MonthAudience, ProgramTally, VolunteerTotals,
};
use shared::words::{Review, SessionStatus};
use uuid::Uuid;

use crate::db::entities::{
    contest_categories, contest_entries, contests, episodes, programs, sessions,
};
use crate::domain::zone::{parse_tz, utc_to_local};
use crate::error::AppResult;
use crate::services::cooperation::report::{check_period, partner_report_with_hours};
use crate::services::episodes::audience_of;
use crate::services::signups::reports::{csv_field, day_start, hours};

/// Ids asked for in one `IN (…)` list.
const CHUNK: usize = 500;

/// The report for the days `from` to `to` (inclusive). A session counts in the period by
/// its start; it was held once it ended by `now` without being cancelled.
pub async fn activity_report(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<ActivityReport> {
    check_period(from, to)?;
    let (start, end) = (day_start(from), day_start(to + Duration::days(1)));
    let in_period = sessions::Entity::find()
        .filter(sessions::Column::StartsAt.gte(start))
        .filter(sessions::Column::StartsAt.lt(end))
        .order_by_asc(sessions::Column::StartsAt)
        .all(db)
        .await?;
    let names = program_names(db, in_period.iter().map(|s| s.program_id)).await?;

    let mut tallies: HashMap<Uuid, ProgramTally> = HashMap::new();
    let mut months = empty_months(from, to);
    let mut held = Vec::new();
    for session in &in_period {
        let tally = tallies.entry(session.program_id).or_insert_with(|| {
            let (slug, name) = names.get(&session.program_id).cloned().unwrap_or_default();
            ProgramTally {
                program_id: session.program_id,
                slug,
                name,
                held: 0,
                cancelled: 0,
                planned: 0,
            }
        });
        if session.status == SessionStatus::Cancelled.as_str() {
            tally.cancelled += 1;
        } else if session.ends_at <= now {
            tally.held += 1;
            if let Some(month) = months.get_mut(&month_of(library_day(session.starts_at))) {
                month.sessions_held += 1;
            }
            held.push(session);
        } else {
            tally.planned += 1;
        }
    }
    let mut programs: Vec<ProgramTally> = tallies.into_values().collect();
    programs.sort_by(|a, b| a.name.cmp(&b.name).then(a.program_id.cmp(&b.program_id)));

    let mut recorded: HashMap<Uuid, episodes::Model> = HashMap::new();
    for chunk in held.chunks(CHUNK) {
        for row in episodes::Entity::find()
            .filter(episodes::Column::SessionId.is_in(chunk.iter().map(|s| s.id)))
            .all(db)
            .await?
        {
            recorded.insert(row.session_id, row);
        }
    }
    let mut episodes = Vec::new();
    for session in held {
        let Some(audience) = recorded.get(&session.id).map(audience_of) else {
            continue;
        };
        if audience.is_empty() {
            continue;
        }
        let day = library_day(session.starts_at);
        if let Some(month) = months.get_mut(&month_of(day)) {
            month.episodes += 1;
            month.viewers += u64::from(audience.viewers.unwrap_or(0));
            month.live_peak = month.live_peak.max(audience.live_peak.unwrap_or(0));
            month.comments += u64::from(audience.comments.unwrap_or(0));
            month.in_person += u64::from(audience.in_person.unwrap_or(0));
        }
        let program = names
            .get(&session.program_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        episodes.push(EpisodeAudience {
            session_id: session.id,
            title: session.title.clone().unwrap_or_else(|| program.clone()),
            program,
            starts_at: session.starts_at,
            day,
            audience,
        });
    }

    let served = hours(db, from, to).await?;
    let partners = partner_report_with_hours(db, from, to, None, now, &served)
        .await?
        .lines
        .into_iter()
        .filter(|line| line.sessions_held > 0 || line.volunteer_sessions > 0)
        .collect();
    let volunteers = VolunteerTotals {
        people: u32::try_from(served.by_volunteer.len()).unwrap_or(u32::MAX),
        shifts: served.by_volunteer.iter().map(|l| l.sessions).sum(),
        minutes: served
            .by_volunteer
            .iter()
            .map(|l| u64::from(l.minutes))
            .sum(),
        by_partner: served.by_partner,
    };

    Ok(ActivityReport {
        from,
        to,
        programs,
        episodes,
        months: months.into_values().collect(),
        volunteers,
        partners,
        contest_entries: contest_entries_between(db, start, end).await?,
    })
}

/// (slug, name) of these programs.
async fn program_names(
    db: &DatabaseConnection,
    ids: impl Iterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, (String, String)>> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut names = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for program in programs::Entity::find()
            .filter(programs::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            names.insert(program.id, (program.slug, program.name));
        }
    }
    Ok(names)
}

/// Entries registered between two instants, per category, by contest name then category.
async fn contest_entries_between(
    db: &DatabaseConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> AppResult<Vec<CategoryEntries>> {
    let entries = contest_entries::Entity::find()
        .filter(contest_entries::Column::CreatedAt.gte(start))
        .filter(contest_entries::Column::CreatedAt.lt(end))
        .all(db)
        .await?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut contest_ids: Vec<Uuid> = entries.iter().map(|e| e.contest_id).collect();
    contest_ids.sort_unstable();
    contest_ids.dedup();
    let categories: HashMap<Uuid, contest_categories::Model> = contest_categories::Entity::find()
        .filter(contest_categories::Column::ContestId.is_in(contest_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let contest_programs: HashMap<Uuid, Uuid> = contests::Entity::find()
        .filter(contests::Column::Id.is_in(contest_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.program_id))
        .collect();
    let names = program_names(db, contest_programs.values().copied()).await?;
    let mut lines: HashMap<Uuid, (i32, CategoryEntries)> = HashMap::new();
    for entry in entries {
        let (_, line) = lines.entry(entry.category_id).or_insert_with(|| {
            let category = categories.get(&entry.category_id);
            let contest = contest_programs
                .get(&entry.contest_id)
                .and_then(|program| names.get(program))
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            (
                category.map_or(0, |c| c.position),
                CategoryEntries {
                    contest_id: entry.contest_id,
                    contest,
                    category_id: entry.category_id,
                    category: category.map(|c| c.name.clone()).unwrap_or_default(),
                    entries: 0,
                    videos_received: 0,
                    eligible: 0,
                },
            )
        });
        line.entries += 1;
        line.videos_received += u32::from(entry.video_received_at.is_some());
        line.eligible += u32::from(entry.review == Review::Eligible.as_str());
    }
    let mut lines: Vec<(i32, CategoryEntries)> = lines.into_values().collect();
    lines.sort_by(|(a_position, a), (b_position, b)| {
        (&a.contest, a.contest_id, a_position).cmp(&(&b.contest, b.contest_id, b_position))
    });
    Ok(lines.into_iter().map(|(_, line)| line).collect())
}

/// The day an instant falls on, on the library's clock.
fn library_day(instant: DateTime<Utc>) -> NaiveDate {
    let tz = parse_tz(DEFAULT_TZ).unwrap_or(chrono_tz::Asia::Makassar);
    utc_to_local(tz, instant).date()
}

/// The first day of `day`'s month.
fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Every month from `from`'s to `to`'s, each with nothing counted yet.
fn empty_months(from: NaiveDate, to: NaiveDate) -> BTreeMap<NaiveDate, MonthAudience> {
    let mut months = BTreeMap::new();
    let mut month = month_of(from);
    while month <= to {
        months.insert(
            month,
            MonthAudience {
                month,
                sessions_held: 0,
                episodes: 0,
                viewers: 0,
                live_peak: 0,
                comments: 0,
                in_person: 0,
            },
        );
        match month.checked_add_months(chrono::Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    months
}

/// The report as CSV in long form, one number a row — `section,key,label,metric,value` — so
/// a spreadsheet's pivot table regroups it any way.
pub fn activity_report_csv(report: &ActivityReport) -> String {
    let mut out = String::from("section,key,label,metric,value\n");
    let mut row = |section: &str, key: &str, label: &str, metric: &str, value: u64| {
        out.push_str(&format!(
            "{section},{},{},{metric},{value}\n",
            csv_field(key),
            csv_field(label)
        ));
    };
    for program in &report.programs {
        for (metric, value) in [
            ("held", program.held),
            ("cancelled", program.cancelled),
            ("planned", program.planned),
        ] {
            row(
                "programs",
                &program.slug,
                &program.name,
                metric,
                u64::from(value),
            );
        }
    }
    for episode in &report.episodes {
        let label = format!("{} {}", episode.day, episode.title);
        let numbers = &episode.audience;
        for (metric, value) in [
            ("viewers", numbers.viewers),
            ("live_peak", numbers.live_peak),
            ("comments", numbers.comments),
            ("in_person", numbers.in_person),
        ] {
            if let Some(value) = value {
                row(
                    "episodes",
                    &episode.session_id.to_string(),
                    &label,
                    metric,
                    u64::from(value),
                );
            }
        }
    }
    for month in &report.months {
        let key = month.month.format("%Y-%m").to_string();
        for (metric, value) in [
            ("sessions_held", u64::from(month.sessions_held)),
            ("episodes", u64::from(month.episodes)),
            ("viewers", month.viewers),
            ("live_peak", u64::from(month.live_peak)),
            ("comments", month.comments),
            ("in_person", month.in_person),
        ] {
            row("months", &key, &key, metric, value);
        }
    }
    let volunteers = &report.volunteers;
    row("volunteers", "", "", "people", u64::from(volunteers.people));
    row("volunteers", "", "", "shifts", u64::from(volunteers.shifts));
    row("volunteers", "", "", "minutes", volunteers.minutes);
    for line in &volunteers.by_partner {
        let key = line.id.map(|id| id.to_string()).unwrap_or_default();
        row(
            "volunteers_by_partner",
            &key,
            &line.name,
            "minutes",
            u64::from(line.minutes),
        );
    }
    for line in &report.partners {
        let key = line.partner_id.to_string();
        row(
            "partners",
            &key,
            &line.name,
            "sessions_held",
            u64::from(line.sessions_held),
        );
        row(
            "partners",
            &key,
            &line.name,
            "volunteer_minutes",
            u64::from(line.volunteer_minutes),
        );
    }
    for line in &report.contest_entries {
        let key = line.category_id.to_string();
        let label = format!("{} – {}", line.contest, line.category);
        for (metric, value) in [
            ("entries", line.entries),
            ("videos_received", line.videos_received),
            ("eligible", line.eligible),
        ] {
            row("contest_entries", &key, &label, metric, u64::from(value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_the_period_touches_is_listed_once() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let months: Vec<NaiveDate> = empty_months(day(2025, 11, 30), day(2026, 2, 1))
            .into_keys()
            .collect();
        assert_eq!(
            months,
            [
                day(2025, 11, 1),
                day(2025, 12, 1),
                day(2026, 1, 1),
                day(2026, 2, 1)
            ]
        );
        assert_eq!(empty_months(day(2026, 3, 5), day(2026, 3, 5)).len(), 1);
    }
}
