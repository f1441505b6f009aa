//! The activity report: a period of the library's outreach in numbers, as the library reports
//! its year to the city — sessions per program, audience per episode and per month, volunteer
//! hours, partner contributions and contest entries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dto::agreements::PartnerReportLine;
use crate::dto::episodes::AudienceNumbers;
use crate::dto::volunteers::HoursLine;

/// One program's sessions in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramTally {
    /// Program id.
    pub program_id: Uuid,
    /// URL name.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Sessions that took place (ended, not cancelled).
    pub held: u32,
    /// Sessions called off.
    pub cancelled: u32,
    /// Sessions still to come (or on air now).
    pub planned: u32,
}

/// One episode's audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EpisodeAudience {
    /// The session.
    pub session_id: Uuid,
    /// Its program's name.
    pub program: String,
    /// The session's title (its program's name when it has none).
    pub title: String,
    /// When it started.
    pub starts_at: DateTime<Utc>,
    /// The day it aired, on the library's clock.
    pub day: NaiveDate,
    /// The numbers staff recorded.
    pub audience: AudienceNumbers,
}

/// The audience of one month, summed over its episodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthAudience {
    /// The month's first day (on the library's clock).
    pub month: NaiveDate,
    /// Sessions held in the month.
    pub sessions_held: u32,
    /// Episodes with audience numbers.
    pub episodes: u32,
    /// Views, summed.
    pub viewers: u64,
    /// The highest live peak of one broadcast.
    pub live_peak: u32,
    /// Comments, summed.
    pub comments: u64,
    /// People there in person, summed.
    pub in_person: u64,
}

/// Volunteer hours in the period (attended sign-ups only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerTotals {
    /// Volunteers who served at least once.
    pub people: u32,
    /// Sign-ups attended.
    pub shifts: u32,
    /// Minutes served.
    pub minutes: u64,
    /// Per partner institution (id none: volunteers without one), most minutes first.
    pub by_partner: Vec<HoursLine>,
}

/// One contest category's entries received in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryEntries {
    /// The contest.
    pub contest_id: Uuid,
    /// The contest's program name.
    pub contest: String,
    /// The category.
    pub category_id: Uuid,
    /// The category's name.
    pub category: String,
    /// Entries registered.
    pub entries: u32,
    /// Of those, with their video received.
    pub videos_received: u32,
    /// Of those, checked and eligible.
    pub eligible: u32,
}

/// `GET /api/v1/reports/activity`: the period from `from` to `to` (both days included, on
/// the library's clock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Per program with sessions in the period, by name.
    pub programs: Vec<ProgramTally>,
    /// Episodes held in the period with audience numbers, oldest first.
    pub episodes: Vec<EpisodeAudience>,
    /// Every month the period touches, oldest first (empty months included).
    pub months: Vec<MonthAudience>,
    /// Volunteer hours.
    pub volunteers: VolunteerTotals,
    /// Partners that took part in a session or whose volunteers served, by name.
    pub partners: Vec<PartnerReportLine>,
    /// Contest entries per category, by contest then category.
    pub contest_entries: Vec<CategoryEntries>,
}
