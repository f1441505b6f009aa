//! iCalendar feeds (RFC 5545, RFC 7986) from series and sessions.
//!
//! A series whose sessions are all in the feed becomes one VEVENT with its RRULE (ended at
//! the last materialised occurrence, so clients expand exactly the sessions Siar has), an
//! EXDATE for any occurrence without a session, and an override VEVENT (RECURRENCE-ID) for
//! each session that differs from the rule, cancelled ones included as STATUS:CANCELLED.
//! A session whose series is not wholly in the feed, or that has no series, stands alone.
//!
//! Events, folding and escaping come from the `icalendar` crate; the envelope and the
//! VTIMEZONE components it lacks are written here. Every value derives from the data (no
//! clock, no random UID), so the same data gives the same bytes on every server instance.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{CalendarDateTime, Component, EventLike, EventStatus, Property};

use super::recurrence::{Definition, Occurrence, with_until};
use super::zone::utc_to_local;

#[cfg(test)]
mod tests;
pub mod vtimezone;

/// What the calendar as a whole says about itself.
#[derive(Debug, Clone)]
pub struct FeedHeader {
    /// Shown as the calendar's name.
    pub name: String,
    /// A line about what it holds.
    pub description: String,
    /// The zone clients should show it in (X-WR-TIMEZONE).
    pub zone: Tz,
    /// The feed's own URL (RFC 7986 SOURCE).
    pub source_url: String,
    /// How often clients should fetch it again.
    pub refresh: Duration,
}

/// The words of one event, as the feed shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// SUMMARY.
    pub summary: String,
    /// DESCRIPTION.
    pub description: String,
    /// URL of its page.
    pub url: String,
    /// CATEGORIES (the program type).
    pub categories: Vec<String>,
    /// LOCATION: the place or the stream URL.
    pub location: Option<String>,
}

/// One session row.
#[derive(Debug, Clone)]
pub struct FeedSession {
    /// Its own UID (used when it stands alone).
    pub uid: String,
    /// Its zone.
    pub tz: Tz,
    /// Where the rule put it, for series sessions.
    pub original_start: Option<DateTime<Utc>>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Called off.
    pub cancelled: bool,
    /// Edited on its own, apart from its series.
    pub detached: bool,
    /// How often it changed visibly.
    pub sequence: u32,
    /// Its words.
    pub details: Details,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A series with every one of its sessions.
#[derive(Debug, Clone)]
pub struct FeedSeries {
    /// The series' UID.
    pub uid: String,
    /// Its rule, first start and zone.
    pub definition: Definition,
    /// The first start, in UTC.
    pub first_start: DateTime<Utc>,
    /// Occurrences before this instant have session rows.
    pub materialized_until: DateTime<Utc>,
    /// Length of each session.
    pub duration: Duration,
    /// The series' own SEQUENCE, raised when its rule changes.
    pub sequence: u32,
    /// The words every plain occurrence shows.
    pub details: Details,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// All its session rows.
    pub sessions: Vec<FeedSession>,
}

/// One thing a feed lists.
#[derive(Debug, Clone)]
pub enum FeedItem {
    /// A whole series.
    Series(FeedSeries),
    /// One session on its own.
    Single(FeedSession),
}

/// The feed's text: CRLF line ends, folded at 75 octets.
pub fn render(header: &FeedHeader, items: &[FeedItem]) -> String {
    let mut events = String::new();
    let mut zones = ZoneSpan::default();
    zones.add(header.zone, None);
    let mut left_out = 0usize;
    for item in items {
        match item {
            FeedItem::Series(series) if in_supported_years(series.first_start) => {
                write_series(&mut events, &mut zones, series, &mut left_out);
            }
            FeedItem::Series(series) => {
                left_out += series.sessions.len();
            }
            FeedItem::Single(session) if session.in_supported_years() => {
                write_single(&mut events, &mut zones, session);
            }
            FeedItem::Single(_) => left_out += 1,
        }
    }
    if left_out > 0 {
        tracing::error!(
            sessions = left_out,
            "rows dated outside the supported years were left out of a feed"
        );
    }

    let mut out = String::with_capacity(events.len() + 2048);
    write_line(&mut out, "BEGIN", "VCALENDAR");
    write_line(&mut out, "VERSION", "2.0");
    write_line(
        &mut out,
        "PRODID",
        "-//Siar//Siar library outreach scheduler//ID",
    );
    write_line(&mut out, "CALSCALE", "GREGORIAN");
    // No METHOD: a feed is a calendar to read, not an iTIP message. RFC 5546 makes
    // METHOD:PUBLISH require an ORGANIZER in every event, which libical enforces.
    // RFC 7986 NAME is TEXT, but the icalendar crate escapes only the types it knows.
    write_property(
        &mut out,
        Property::new("NAME", escape_text(&clean_text(&header.name))),
    );
    write_line(&mut out, "X-WR-CALNAME", &header.name);
    write_line(&mut out, "DESCRIPTION", &header.description);
    write_line(&mut out, "X-WR-CALDESC", &header.description);
    write_line(&mut out, "X-WR-TIMEZONE", header.zone.name());
    let refresh = iso_duration(header.refresh);
    write_property(
        &mut out,
        Property::new("REFRESH-INTERVAL", &refresh)
            .add_parameter("VALUE", "DURATION")
            .done(),
    );
    write_line(&mut out, "X-PUBLISHED-TTL", &refresh);
    write_property(
        &mut out,
        Property::new("SOURCE", &header.source_url)
            .add_parameter("VALUE", "URI")
            .done(),
    );
    zones.write(&mut out);
    out.push_str(&events);
    write_line(&mut out, "END", "VCALENDAR");
    refold(&out)
}

/// The longest physical line, in octets, without its CRLF (RFC 5545 §3.1).
const FOLD_LIMIT: usize = 75;

/// Every content line folded so that no physical line, the continuation's leading space
/// included, exceeds 75 octets, and never inside a UTF-8 character. The `icalendar` crate
/// (0.17) lets a last continuation reach 76 octets, so its folds are undone and redone here,
/// once, over the whole feed.
fn refold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 64 * 3);
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        let mut room = FOLD_LIMIT;
        loop {
            if rest.len() <= room {
                out.push_str(rest);
                break;
            }
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (piece, tail) = rest.split_at(cut);
            out.push_str(piece);
            out.push_str("\r\n ");
            rest = tail;
            room = FOLD_LIMIT - 1;
        }
        out.push_str("\r\n");
    }
    out
}

/// Whether an instant lies in the years Siar accepts. Requests are checked at the edge, but a
/// row stored before that (or by hand) must not break a feed: it would span a VTIMEZONE over
/// millennia or overflow date arithmetic. Such rows are left out.
fn in_supported_years(instant: DateTime<Utc>) -> bool {
    shared::validation::supported_year(instant.year()).is_ok()
}

impl FeedSession {
    fn in_supported_years(&self) -> bool {
        in_supported_years(self.starts_at) && in_supported_years(self.ends_at)
    }
}

fn write_series(out: &mut String, zones: &mut ZoneSpan, series: &FeedSeries, left_out: &mut usize) {
    let occurrences = series
        .definition
        .wall_clock_occurrences(series.first_start, series.materialized_until)
        .unwrap_or_default();
    let (Some(&first), Some(&last)) = (occurrences.first(), occurrences.last()) else {
        // The rule yields nothing (an emptied series): what rows remain stand alone.
        for session in series.sessions.iter().filter(|s| s.in_supported_years()) {
            write_single(out, zones, session);
        }
        return;
    };
    let tz = series.definition.tz;
    let by_start: HashMap<DateTime<Utc>, Occurrence> =
        occurrences.iter().map(|o| (o.start, *o)).collect();
    let mut with_rows = HashSet::new();
    let mut overrides = Vec::new();
    // The rule's SEQUENCE never goes down: it is at least every sequence any of its
    // occurrences has had, whether that one is plain now or written as an override.
    let rule_sequence = series
        .sessions
        .iter()
        .map(|s| s.sequence)
        .fold(series.sequence, u32::max);
    let mut plain_changed = series.updated_at;
    for session in &series.sessions {
        if !session.in_supported_years() {
            *left_out += 1;
            continue;
        }
        match session.original_start.and_then(|o| by_start.get(&o)) {
            Some(occurrence) => {
                with_rows.insert(occurrence.start);
                // A local time the clock skips or repeats is read differently by clients:
                // such an occurrence is spelled out as an override so all show one instant.
                if differs_from_rule(series, session, occurrence.start)
                    || !occurrence.is_plain_on(tz)
                {
                    overrides.push((session, *occurrence));
                } else {
                    plain_changed = plain_changed.max(session.updated_at);
                }
            }
            // Not (or no longer) an occurrence of the rule: list it on its own.
            None => write_single(out, zones, session),
        }
    }
    let excluded: BTreeSet<NaiveDateTime> = occurrences
        .iter()
        .filter(|o| !with_rows.contains(&o.start))
        .map(|o| o.wall)
        .collect();
    zones.add(tz, Some((first.start, last.start + series.duration)));

    // DTSTART is always an instance (RFC 5545), so it is the first occurrence, which may
    // come after the start the series was entered with; it is the rule's local time, which
    // anchors every other occurrence, and DTEND keeps the length on that clock.
    let first_end = if first.is_plain_on(tz) {
        local(tz, first.start + series.duration)
    } else {
        zoned(tz, first.wall + series.duration)
    };
    let mut master = icalendar::Event::new();
    master
        .uid(&series.uid)
        .timestamp(plain_changed)
        .last_modified(plain_changed)
        .created(series.created_at)
        .sequence(rule_sequence)
        .status(EventStatus::Confirmed)
        .starts(zoned(tz, first.wall))
        .ends(first_end);
    // UNTIL a little after the last start: clients that compare it with their own reading
    // of a local time (or round it) still include the last occurrence, and the next one is
    // at least a day later.
    master.add_property(
        "RRULE",
        with_until(&series.definition.rrule, last.start + UNTIL_MARGIN),
    );
    if !excluded.is_empty() {
        let dates: Vec<String> = excluded.iter().map(|t| wall_text(*t)).collect();
        master.append_multi_property(
            Property::new("EXDATE", dates.join(","))
                .add_parameter("TZID", tz.name())
                .done(),
        );
    }
    add_details(&mut master, &series.details);
    out.push_str(&master.to_string());

    for (session, occurrence) in overrides {
        zones.add(session.tz, Some((session.starts_at, session.ends_at)));
        write_event(out, &series.uid, session, Some(zoned(tz, occurrence.wall)));
    }
}

/// How far past its last start a rule's UNTIL is written (less than a day: see write_series).
const UNTIL_MARGIN: Duration = Duration::hours(12);

fn write_single(out: &mut String, zones: &mut ZoneSpan, session: &FeedSession) {
    zones.add(session.tz, Some((session.starts_at, session.ends_at)));
    write_event(out, &session.uid, session, None);
}

/// Whether a session must be written as an override of its series' rule.
fn differs_from_rule(series: &FeedSeries, session: &FeedSession, original: DateTime<Utc>) -> bool {
    session.cancelled
        || session.detached
        || session.starts_at != original
        || session.ends_at != original + series.duration
        || session.tz != series.definition.tz
        || session.details.summary != series.details.summary
        || session.details.description != series.details.description
        || session.details.location != series.details.location
}

/// A VEVENT for one session: standalone with its own UID, or an override of `uid` at
/// `recurrence` (the rule's local time of the occurrence it replaces).
fn write_event(
    out: &mut String,
    uid: &str,
    session: &FeedSession,
    recurrence: Option<CalendarDateTime>,
) {
    let mut event = icalendar::Event::new();
    event
        .uid(uid)
        .timestamp(session.updated_at)
        .last_modified(session.updated_at)
        .created(session.created_at)
        .sequence(session.sequence)
        .status(if session.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .starts(local(session.tz, session.starts_at))
        .ends(local(session.tz, session.ends_at));
    if let Some(recurrence) = recurrence {
        event.recurrence_id(recurrence);
    }
    add_details(&mut event, &session.details);
    out.push_str(&event.to_string());
}

fn add_details(event: &mut icalendar::Event, details: &Details) {
    event
        .summary(&clean_text(&details.summary))
        .description(&clean_text(&details.description))
        .url(&clean_text(&details.url))
        // A list the crate does not escape: its items keep to one line.
        .categories(
            details
                .categories
                .iter()
                .map(|c| clean_text(c).replace('\n', " ")),
        );
    if let Some(location) = &details.location {
        event.location(&clean_text(location));
    }
}

/// RFC 5545 TEXT escaping, for properties the icalendar crate writes as they are.
fn escape_text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n")
}

/// Text as a content line may carry it. Input is refused with control characters at the
/// server's edge, but a feed must hold whatever rows exist: a bare CR would end the line
/// (and start an injected property) in some parsers, so CR and CRLF become LF, which is
/// escaped as `\n`, and every other control character but tab is dropped.
pub(crate) fn clean_text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// An instant as a client will read it back: local time with its TZID, or UTC where that
/// local time is repeated (clients pick different instances of it).
fn local(tz: Tz, instant: DateTime<Utc>) -> CalendarDateTime {
    let wall = utc_to_local(tz, instant);
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(_) => zoned(tz, wall),
        _ => CalendarDateTime::Utc(instant),
    }
}

/// A local time with its TZID, as written.
fn zoned(tz: Tz, wall: NaiveDateTime) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: wall,
        tzid: tz.name().to_owned(),
    }
}

fn wall_text(wall: NaiveDateTime) -> String {
    wall.format("%Y%m%dT%H%M%S").to_string()
}

/// Writes one content line through the `icalendar` crate (escaping and folding).
pub(crate) fn write_line(out: &mut String, key: &str, value: &str) {
    write_property(out, Property::new(key, clean_text(value)));
}

fn write_property(out: &mut String, property: Property) {
    let line: Result<String, _> = property.try_into();
    // Writing into a String cannot fail; an empty line would only drop the property.
    out.push_str(&line.unwrap_or_default());
}

/// `PT6H`, `P1D`: an RFC 5545 duration of whole minutes.
fn iso_duration(duration: Duration) -> String {
    let minutes = duration.num_minutes().max(1);
    if minutes % (24 * 60) == 0 {
        format!("P{}D", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("PT{}H", minutes / 60)
    } else {
        format!("PT{minutes}M")
    }
}

/// From when to when a zone is used.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// The zones a feed uses and the span each must cover.
#[derive(Default)]
struct ZoneSpan {
    zones: Vec<(Tz, Option<Span>)>,
}

impl ZoneSpan {
    fn add(&mut self, tz: Tz, span: Option<Span>) {
        match self.zones.iter_mut().find(|(z, _)| *z == tz) {
            Some((_, existing)) => {
                *existing = match (*existing, span) {
                    (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
                    (a, b) => a.or(b),
                };
            }
            None => self.zones.push((tz, span)),
        }
    }

    fn write(&self, out: &mut String) {
        let mut zones = self.zones.clone();
        zones.sort_by_key(|(tz, _)| tz.name());
        for (tz, span) in zones {
            // A zone with no event in it (only X-WR-TIMEZONE) needs no history; a fixed
            // instant keeps its text the same from day to day.
            let (from, to) = span.unwrap_or((DateTime::UNIX_EPOCH, DateTime::UNIX_EPOCH));
            vtimezone::write_vtimezone(out, tz, from - Duration::days(1), to + Duration::days(1));
        }
    }
}
