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

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use icalendar::{CalendarDateTime, Component, EventLike, EventStatus, Property};

use super::recurrence::{Definition, with_until};
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
    for item in items {
        match item {
            FeedItem::Series(series) => write_series(&mut events, &mut zones, series),
            FeedItem::Single(session) => write_single(&mut events, &mut zones, session),
        }
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

fn write_series(out: &mut String, zones: &mut ZoneSpan, series: &FeedSeries) {
    let rule_starts = series
        .definition
        .occurrences(series.first_start, series.materialized_until)
        .unwrap_or_default();
    let (Some(&first), Some(&last)) = (rule_starts.first(), rule_starts.last()) else {
        // The rule yields nothing (an emptied series): what rows remain stand alone.
        for session in &series.sessions {
            write_single(out, zones, session);
        }
        return;
    };
    let tz = series.definition.tz;
    let rule_set: HashSet<DateTime<Utc>> = rule_starts.iter().copied().collect();
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
        match session.original_start.filter(|o| rule_set.contains(o)) {
            Some(original) => {
                with_rows.insert(original);
                if differs_from_rule(series, session, original) {
                    overrides.push((session, original));
                } else {
                    plain_changed = plain_changed.max(session.updated_at);
                }
            }
            // Not (or no longer) an occurrence of the rule: list it on its own.
            None => write_single(out, zones, session),
        }
    }
    let excluded: BTreeSet<DateTime<Utc>> = rule_set.difference(&with_rows).copied().collect();
    zones.add(tz, Some((first, last + series.duration)));

    let mut master = icalendar::Event::new();
    master
        .uid(&series.uid)
        .timestamp(plain_changed)
        .last_modified(plain_changed)
        .created(series.created_at)
        .sequence(rule_sequence)
        .status(EventStatus::Confirmed)
        // DTSTART is always an instance (RFC 5545), so it is the first occurrence, which
        // may come after the start the series was entered with.
        .starts(local(tz, first))
        .ends(local(tz, first + series.duration));
    master.add_property("RRULE", with_until(&series.definition.rrule, last));
    if !excluded.is_empty() {
        let dates: Vec<String> = excluded.iter().map(|t| local_text(tz, *t)).collect();
        master.append_multi_property(
            Property::new("EXDATE", dates.join(","))
                .add_parameter("TZID", tz.name())
                .done(),
        );
    }
    add_details(&mut master, &series.details);
    out.push_str(&master.to_string());

    for (session, original) in overrides {
        zones.add(session.tz, Some((session.starts_at, session.ends_at)));
        write_event(out, &series.uid, session, Some((tz, original)));
    }
}

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
/// `recurrence` (the rule's zone and original start).
fn write_event(
    out: &mut String,
    uid: &str,
    session: &FeedSession,
    recurrence: Option<(Tz, DateTime<Utc>)>,
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
    if let Some((tz, original)) = recurrence {
        event.recurrence_id(local(tz, original));
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

fn local(tz: Tz, instant: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: utc_to_local(tz, instant),
        tzid: tz.name().to_owned(),
    }
}

fn local_text(tz: Tz, instant: DateTime<Utc>) -> String {
    utc_to_local(tz, instant)
        .format("%Y%m%dT%H%M%S")
        .to_string()
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
