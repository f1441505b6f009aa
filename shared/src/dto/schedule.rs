//! Series, sessions, blackout dates and scheduling conflicts.
//!
//! Staff enter local wall-clock times (`*_local`, e.g. `2026-12-05T09:00`) meant in the
//! program's zone; responses carry both the UTC instant (RFC 3339, `Z`) and the local time
//! with the zone's name.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dto::partners::PartnerLink;
use crate::dto::programs::MAX_DURATION_MINUTES;
use crate::recurrence::RecurrenceRule;
use crate::validation::{in_range, optional_line, optional_url, required_text};
use crate::words::{ConflictKind, EditScope, ProgramKind, SessionStatus};
use crate::{FieldError, FieldErrors};

fn duration_rule(errors: &mut FieldErrors, minutes: u32) {
    errors.check(
        "duration_minutes",
        in_range(i64::from(minutes), 5, i64::from(MAX_DURATION_MINUTES)),
    );
}

fn title_and_host(errors: &mut FieldErrors, title: Option<&str>, host: Option<&str>) {
    errors.check("title", optional_line(title, 200));
    errors.check("host", optional_line(host, 200));
}

/// A new recurring series of a program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesInput {
    /// The program.
    pub program_id: Uuid,
    /// The first session's local start in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub start_local: NaiveDateTime,
    /// Length of each session.
    pub duration_minutes: u32,
    /// How it repeats.
    pub rule: RecurrenceRule,
    /// Title of each session (default: the program's name).
    #[serde(default)]
    pub title: Option<String>,
    /// Host of each session.
    #[serde(default)]
    pub host: Option<String>,
}

impl SeriesInput {
    /// The field rules that need no zone database.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        series_rules(
            self.start_local,
            self.duration_minutes,
            &self.rule,
            self.title.as_deref(),
            self.host.as_deref(),
        )
    }
}

fn series_rules(
    start: NaiveDateTime,
    duration: u32,
    rule: &RecurrenceRule,
    title: Option<&str>,
    host: Option<&str>,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    duration_rule(&mut errors, duration);
    title_and_host(&mut errors, title, host);
    if let Err(rule_errors) = rule.validate(start.date()) {
        errors.0.extend(rule_errors.0);
    }
    errors.into_result()
}

/// A changed series definition, applied to every session from now on, or, with
/// `from_session`, to that session and the ones after it (the series is split there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesUpdate {
    /// The first session's local start (for a split: the new start of `from_session`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T10:00:00"))]
    pub start_local: NaiveDateTime,
    /// Length of each session.
    pub duration_minutes: u32,
    /// How it repeats.
    pub rule: RecurrenceRule,
    /// Title of each session.
    #[serde(default)]
    pub title: Option<String>,
    /// Host of each session.
    #[serde(default)]
    pub host: Option<String>,
    /// Split here: this session and the following get the new definition.
    #[serde(default)]
    pub from_session: Option<Uuid>,
    /// Also overwrite sessions that were edited one by one.
    #[serde(default)]
    pub reset_individual_edits: bool,
}

impl SeriesUpdate {
    /// The field rules that need no zone database.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        series_rules(
            self.start_local,
            self.duration_minutes,
            &self.rule,
            self.title.as_deref(),
            self.host.as_deref(),
        )
    }
}

/// Ends a series: no sessions after `last_day` (local date, inclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndSeriesRequest {
    /// The last day with a session.
    pub last_day: NaiveDate,
}

/// A series as Siar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesResponse {
    /// Id.
    pub id: Uuid,
    /// The program.
    pub program_id: Uuid,
    /// Session title, if not the program's name.
    pub title: Option<String>,
    /// Host.
    pub host: Option<String>,
    /// The rule as the builder shows it.
    pub rule: RecurrenceRule,
    /// The RRULE value (RFC 5545).
    pub rrule: String,
    /// First session's local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// First session's start instant.
    pub starts_at: DateTime<Utc>,
    /// IANA zone.
    pub tz: String,
    /// The zone's short name.
    pub zone_label: String,
    /// Length of each session.
    pub duration_minutes: u32,
    /// The series this one was split from.
    pub split_from: Option<Uuid>,
}

/// A start as the library's clock (Asia/Makassar) reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LibraryClock {
    /// The local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// The zone's short name (WITA).
    pub zone_label: String,
}

/// Asks for the dates a rule would produce, before saving it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRequest {
    /// IANA zone.
    pub tz: String,
    /// First local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// Session length.
    pub duration_minutes: u32,
    /// The rule.
    pub rule: RecurrenceRule,
}

impl PreviewRequest {
    /// The field rules a series has (the zone is checked by the server).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("tz", required_text(&self.tz, 64));
        if let Err(more) = series_rules(
            self.start_local,
            self.duration_minutes,
            &self.rule,
            None,
            None,
        ) {
            errors.0.extend(more.0);
        }
        errors.into_result()
    }
}

/// The next dates of a rule and its summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewResponse {
    /// "Setiap Sabtu pukul 09.00 WITA".
    pub summary_id: String,
    /// "Every Saturday at 09:00 WITA".
    pub summary_en: String,
    /// The zone's short name.
    pub zone_label: String,
    /// Up to ten upcoming sessions.
    pub occurrences: Vec<Occurrence>,
}

/// One start produced by a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occurrence {
    /// Start instant.
    pub starts_at: DateTime<Utc>,
    /// Local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// Local end.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub end_local: NaiveDateTime,
}

/// A one-off session, outside any series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    /// The program.
    pub program_id: Uuid,
    /// Local start in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// Length.
    pub duration_minutes: u32,
    /// Title (default: the program's name).
    #[serde(default)]
    pub title: Option<String>,
    /// Host.
    #[serde(default)]
    pub host: Option<String>,
}

impl SessionInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        duration_rule(&mut errors, self.duration_minutes);
        title_and_host(&mut errors, self.title.as_deref(), self.host.as_deref());
        errors.into_result()
    }
}

/// Changes a session, and with `scope` the rest of its series.
///
/// `this` applies everything to this session alone. `following` and `all` carry the new
/// time of day, weekday shift, length, title and host over to the series (from this session
/// on, splitting the series; or to every future session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionEdit {
    /// Which sessions.
    #[serde(default = "this_scope")]
    pub scope: EditScope,
    /// New local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// New length.
    pub duration_minutes: u32,
    /// New title (empty: the program's name).
    #[serde(default)]
    pub title: Option<String>,
    /// New host.
    #[serde(default)]
    pub host: Option<String>,
    /// With `following` or `all`: also overwrite sessions edited one by one.
    #[serde(default)]
    pub reset_individual_edits: bool,
}

fn this_scope() -> EditScope {
    EditScope::This
}

impl SessionEdit {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        duration_rule(&mut errors, self.duration_minutes);
        title_and_host(&mut errors, self.title.as_deref(), self.host.as_deref());
        errors.into_result()
    }
}

/// Calls a session off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    /// Why, shown to the public.
    pub reason: String,
}

impl CancelRequest {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("reason", required_text(&self.reason, 300));
        errors.into_result()
    }
}

/// A session as Siar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    /// Id; `/sessions/{id}` is its stable page.
    pub id: Uuid,
    /// Stable calendar UID.
    pub uid: String,
    /// The program.
    pub program_id: Uuid,
    /// The program's URL name.
    pub program_slug: String,
    /// The program's name.
    pub program_name: String,
    /// The program's kind.
    pub program_kind: ProgramKind,
    /// The series, for recurring sessions.
    pub series_id: Option<Uuid>,
    /// The start the series rule gave it (RECURRENCE-ID).
    pub original_start: Option<DateTime<Utc>>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Local start in `tz`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub start_local: NaiveDateTime,
    /// Local end in `tz`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub end_local: NaiveDateTime,
    /// IANA zone.
    pub tz: String,
    /// The zone's short name at the start, e.g. WITA.
    pub zone_label: String,
    /// The start on the library's clock, where the program's zone reads differently then
    /// (a session in Leiden also says when it is in Makassar); none where they agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_clock: Option<LibraryClock>,
    /// Title (the session's own, else the program's name).
    pub title: String,
    /// Host.
    pub host: Option<String>,
    /// Where to watch it online: the program's stream link, if it has one.
    pub stream_url: Option<String>,
    /// The platform of that stream (YouTube, Instagram Live, …).
    pub platform: Option<String>,
    /// Whether that link is this session's own (set by staff), not its program's.
    #[serde(default)]
    pub own_watch_link: bool,
    /// Where it takes place in person, if anywhere.
    pub place: Option<String>,
    /// Scheduled or cancelled.
    pub status: SessionStatus,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Edited on its own, apart from its series.
    pub detached: bool,
    /// Raised on every significant change (iCalendar SEQUENCE).
    pub sequence: u32,
    /// Partners on this session.
    pub partners: Vec<PartnerLink>,
    /// What remains of it after it aired (recording, summary, books), where staff recorded
    /// it: on one session's answer and in the archive, not in listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<crate::dto::episodes::Episode>,
}

impl SessionResponse {
    /// The location a calendar shows: the place, else the stream link (as the feeds write it).
    pub fn location(&self) -> Option<&str> {
        self.place.as_deref().or(self.stream_url.as_deref())
    }
}

/// A session's own watch link; both empty gives it its program's link back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchLinkInput {
    /// Where to watch this session (an `https://` link).
    #[serde(default)]
    pub stream_url: Option<String>,
    /// Its platform (YouTube, Facebook Live, …).
    #[serde(default)]
    pub platform: Option<String>,
}

impl WatchLinkInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("stream_url", optional_url(self.stream_url.as_deref()));
        errors.check("platform", optional_line(self.platform.as_deref(), 100));
        errors.into_result()
    }
}

/// How long before its start a session is announced as starting soon.
pub const STARTS_SOON_MINUTES: u32 = 15;

/// Where a session stands on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AirState {
    /// Between its start and its end.
    Live,
    /// Starting within [`STARTS_SOON_MINUTES`].
    StartsSoon,
}

/// A session on the air now, or about to be (the home and program pages' banner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnAir {
    /// Live, or starting soon.
    pub state: AirState,
    /// Whole minutes until the start, rounded up (0 once live).
    pub minutes_to_start: u32,
    /// The session, with where to watch it.
    pub session: SessionResponse,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPage {
    /// The sessions on this page, by start.
    pub items: Vec<SessionResponse>,
    /// Sessions matching the filter, on all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// A warning that two sessions should not be at the same time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// Why.
    pub kind: ConflictKind,
    /// The host or partner booked twice.
    pub detail: Option<String>,
    /// One session.
    pub session_id: Uuid,
    /// Its title.
    pub session_title: String,
    /// Its local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub session_start_local: NaiveDateTime,
    /// The other session.
    pub other_session_id: Uuid,
    /// Its title.
    pub other_title: String,
    /// Its local start.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub other_start_local: NaiveDateTime,
}

/// What an edit did, with any conflicts it leaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditOutcome {
    /// The edited session (after a split, as it now is).
    pub session: SessionResponse,
    /// How many sessions changed.
    pub changed: u32,
    /// Overlaps to look at.
    pub conflicts: Vec<Conflict>,
}

/// A day off, for one program or every program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlackoutInput {
    /// The program; none means every program.
    #[serde(default)]
    pub program_id: Option<Uuid>,
    /// The day, in each program's zone.
    pub day: NaiveDate,
    /// Why, e.g. "Idul Fitri".
    pub reason: String,
}

impl BlackoutInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("reason", required_text(&self.reason, 200));
        errors.into_result()
    }
}

/// A day off as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlackoutResponse {
    /// Id.
    pub id: Uuid,
    /// The program, or none for all.
    pub program_id: Option<Uuid>,
    /// The day.
    pub day: NaiveDate,
    /// Why.
    pub reason: String,
    /// Sessions it skipped.
    pub skipped_sessions: u32,
}

/// Parses a `datetime-local` form value (`2026-12-05T09:00`, seconds optional).
pub fn parse_local(value: &str) -> Result<NaiveDateTime, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| FieldError::InvalidDateTime)
}

/// The `datetime-local` form value of a local time.
pub fn format_local(value: NaiveDateTime) -> String {
    value.format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_parse_as_forms_send_them() {
        let t = parse_local("2026-12-05T09:00").unwrap();
        assert_eq!(format_local(t), "2026-12-05T09:00");
        assert_eq!(parse_local("2026-12-05T09:00:00"), Ok(t));
        assert_eq!(parse_local(""), Err(FieldError::Required));
        assert_eq!(parse_local("5/12/2026"), Err(FieldError::InvalidDateTime));
    }
}
