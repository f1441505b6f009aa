//! VTIMEZONE components generated from the time zone database (via chrono-tz), covering
//! exactly the span a feed uses, so clients that do not know IANA names (or know an older
//! version of them) still place every time right.

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::write_line;

/// How far apart the scan looks for offset changes; zones change at most twice a year
/// and never twice within a day.
const SCAN_STEP: Duration = Duration::hours(12);

/// One period of a zone's history: from `onset` on, `name` at `offset_to` seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    /// The UTC instant it begins.
    pub onset: DateTime<Utc>,
    /// The UTC offset before, in seconds.
    pub offset_from: i32,
    /// The UTC offset from then on, in seconds.
    pub offset_to: i32,
    /// The short name ("WITA", "CEST"), when the zone database has one.
    pub name: Option<String>,
    /// Summer time rather than standard time.
    pub daylight: bool,
}

/// The observance in effect at `from`, then one per offset change until `to`.
pub fn observances(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Observance> {
    let first = state_at(tz, from);
    let mut found = vec![Observance {
        onset: from,
        offset_from: first.offset,
        offset_to: first.offset,
        name: first.name.clone(),
        daylight: first.daylight,
    }];
    let mut before = first;
    let mut t = from;
    while t < to {
        let next = (t + SCAN_STEP).min(to);
        let after = state_at(tz, next);
        if after != before {
            let onset = first_change(tz, t, next, &before);
            let state = state_at(tz, onset);
            found.push(Observance {
                onset,
                offset_from: before.offset,
                offset_to: state.offset,
                name: state.name.clone(),
                daylight: state.daylight,
            });
            before = state;
        }
        t = next;
    }
    found
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ZoneState {
    offset: i32,
    name: Option<String>,
    daylight: bool,
}

fn state_at(tz: Tz, instant: DateTime<Utc>) -> ZoneState {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc());
    ZoneState {
        offset: offset.fix().local_minus_utc(),
        // "+08"-style abbreviations are not names; TZNAME is optional.
        name: offset
            .abbreviation()
            .filter(|n| !n.starts_with(['+', '-']))
            .map(str::to_owned),
        daylight: !offset.dst_offset().is_zero(),
    }
}

/// The first whole second in `(low, high]` whose state differs from `before` (bisection).
fn first_change(
    tz: Tz,
    low: DateTime<Utc>,
    high: DateTime<Utc>,
    before: &ZoneState,
) -> DateTime<Utc> {
    let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or(high);
    let (mut low, mut high) = (low.timestamp(), high.timestamp());
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if state_at(tz, at(middle)) == *before {
            low = middle;
        } else {
            high = middle;
        }
    }
    at(high)
}

/// Writes the VTIMEZONE of `tz` for `[from, to]` in iCalendar form.
///
/// The first observance is dated 1970-01-01 (as Google and Outlook write it) so that the
/// text depends only on the changes inside the span; every time in the feed lies inside it.
pub fn write_vtimezone(out: &mut String, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) {
    write_line(out, "BEGIN", "VTIMEZONE");
    write_line(out, "TZID", tz.name());
    for (i, observance) in observances(tz, from, to).iter().enumerate() {
        let kind = if observance.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time of the onset as the clock read just before it.
        let local_start = if i == 0 {
            NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default()
        } else {
            (observance.onset + Duration::seconds(i64::from(observance.offset_from))).naive_utc()
        };
        write_line(out, "BEGIN", kind);
        write_line(
            out,
            "DTSTART",
            &local_start.format("%Y%m%dT%H%M%S").to_string(),
        );
        write_line(out, "TZOFFSETFROM", &utc_offset(observance.offset_from));
        write_line(out, "TZOFFSETTO", &utc_offset(observance.offset_to));
        if let Some(name) = &observance.name {
            write_line(out, "TZNAME", name);
        }
        write_line(out, "END", kind);
    }
    write_line(out, "END", "VTIMEZONE");
}

/// `+0800`, `-0330`, or with seconds where a zone needs them (`+003456`).
pub fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, rest) = (s / 3600, s % 3600 / 60, s % 60);
    if rest == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{rest:02}")
    }
}
