//! IANA time zones: parsing, local ↔ UTC, and the short names people know (WITA).

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};
use shared::FieldError;
use shared::dto::schedule::LibraryClock;

/// The library's own zone: its staff and most of its public read times on this clock.
pub const LIBRARY_TZ: Tz = chrono_tz::Asia::Makassar;

/// `instant` on the library's clock, where `tz` reads a different wall-clock time then.
pub fn library_clock(tz: Tz, instant: DateTime<Utc>) -> Option<LibraryClock> {
    let here = utc_to_local(LIBRARY_TZ, instant);
    (utc_to_local(tz, instant) != here).then(|| LibraryClock {
        start_local: here,
        zone_label: zone_label(LIBRARY_TZ, instant),
    })
}

/// Parses an IANA zone name such as `Asia/Makassar`.
pub fn parse_tz(name: &str) -> Result<Tz, FieldError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| FieldError::UnknownTimeZone)
}

/// The instant of a local wall-clock time. A time skipped by a clock change is an error;
/// a repeated one (clocks going back) means its first occurrence, as calendar apps do.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, FieldError> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(FieldError::NonexistentLocalTime)
}

/// The local wall-clock time of an instant.
pub fn utc_to_local(tz: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&tz).naive_local()
}

/// The zone's short name at `instant` ("WITA", "CEST"), or its UTC offset ("+08") where the
/// zone database has no name.
pub fn zone_label(tz: Tz, instant: DateTime<Utc>) -> String {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc());
    match offset.abbreviation() {
        Some(name) if !name.starts_with(['+', '-']) => name.to_owned(),
        _ => {
            let seconds = offset.fix().local_minus_utc();
            let sign = if seconds < 0 { '-' } else { '+' };
            let minutes = seconds.abs() / 60;
            if minutes % 60 == 0 {
                format!("UTC{sign}{}", minutes / 60)
            } else {
                format!("UTC{sign}{}:{:02}", minutes / 60, minutes % 60)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .unwrap()
    }

    #[test]
    fn makassar_is_wita_at_utc_plus_eight() {
        let tz = parse_tz("Asia/Makassar").unwrap();
        let instant = local_to_utc(tz, local(2026, 12, 5, 9, 0)).unwrap();
        assert_eq!(instant.to_rfc3339(), "2026-12-05T01:00:00+00:00");
        assert_eq!(zone_label(tz, instant), "WITA");
        assert_eq!(utc_to_local(tz, instant), local(2026, 12, 5, 9, 0));
    }

    #[test]
    fn unknown_zones_and_skipped_times_are_field_errors() {
        assert_eq!(parse_tz("Asia/Atlantis"), Err(FieldError::UnknownTimeZone));
        let amsterdam = parse_tz("Europe/Amsterdam").unwrap();
        // 2027-03-28 02:30 does not exist in Amsterdam: clocks jump from 02:00 to 03:00.
        assert_eq!(
            local_to_utc(amsterdam, local(2027, 3, 28, 2, 30)),
            Err(FieldError::NonexistentLocalTime)
        );
        // 2026-10-25 02:30 happens twice; the first (summer time) is meant.
        let repeated = local_to_utc(amsterdam, local(2026, 10, 25, 2, 30)).unwrap();
        assert_eq!(repeated.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert_eq!(zone_label(amsterdam, repeated), "CEST");
    }
}
