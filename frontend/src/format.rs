//! How dates and times read on the pages: always in the session's own zone, with the zone
//! named ("Sabtu, 5 Desember 2026 · 09.00–10.00 WITA"), never in the browser's zone.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use shared::Lang;
use shared::dto::schedule::{LibraryClock, SessionResponse};
use shared::recurrence::{clock, long_date};

/// "09.00–10.00 WITA".
pub fn time_range(lang: Lang, start: NaiveDateTime, end: NaiveDateTime, zone: &str) -> String {
    format!(
        "{}–{} {zone}",
        clock(lang, start.time()),
        clock(lang, end.time())
    )
}

/// "Sabtu, 5 Desember 2026 · 09.00–10.00 WITA".
pub fn dated_time_range(
    lang: Lang,
    start: NaiveDateTime,
    end: NaiveDateTime,
    zone: &str,
) -> String {
    format!(
        "{} · {}",
        long_date(lang, start.date()),
        time_range(lang, start, end, zone)
    )
}

/// "Sabtu, 5 Desember 2026 · 09.00 WITA".
pub fn dated_time(lang: Lang, start: NaiveDateTime, zone: &str) -> String {
    format!(
        "{} · {} {zone}",
        long_date(lang, start.date()),
        clock(lang, start.time())
    )
}

/// A session's [`dated_time_range`], and its start on the library's clock where that reads
/// differently: "Sabtu, 5 Desember 2026 · 10.00–11.00 CET (17.00 WITA)".
pub fn session_when(lang: Lang, session: &SessionResponse) -> String {
    dated_when(
        lang,
        session.start_local,
        session.end_local,
        &session.zone_label,
        session.library_clock.as_ref(),
    )
}

/// [`dated_time_range`] followed by [`on_library_clock`]: how any session's time reads.
pub fn dated_when(
    lang: Lang,
    start: NaiveDateTime,
    end: NaiveDateTime,
    zone: &str,
    here: Option<&LibraryClock>,
) -> String {
    format!(
        "{}{}",
        dated_time_range(lang, start, end, zone),
        on_library_clock(lang, start, here)
    )
}

/// " (17.00 WITA)" where the library's clock reads differently from the session's zone;
/// empty where they agree.
pub fn library_time(lang: Lang, session: &SessionResponse) -> String {
    on_library_clock(lang, session.start_local, session.library_clock.as_ref())
}

/// " (17.00 WITA)" for a start at `start_local` that the library's clock reads as `here`
/// (with the date too where the day differs); empty without one.
pub fn on_library_clock(
    lang: Lang,
    start_local: NaiveDateTime,
    here: Option<&LibraryClock>,
) -> String {
    here.map_or_else(String::new, |here| {
        let day = if here.start_local.date() == start_local.date() {
            String::new()
        } else {
            format!("{}, ", long_date(lang, here.start_local.date()))
        };
        format!(
            " ({day}{} {})",
            clock(lang, here.start_local.time()),
            here.zone_label
        )
    })
}

/// The Monday of the week holding `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The first day of the next month.
pub fn next_month(day: NaiveDate) -> NaiveDate {
    let first = month_start(day);
    (first + Duration::days(32)).with_day(1).unwrap_or(first)
}

/// Parses `YYYY-MM-DD` in the years Siar supports (others would overflow date arithmetic).
pub fn parse_day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|day| shared::validation::supported_year(day.year()).is_ok())
}

/// Makassar's distance from UTC: the library's clock (Asia/Makassar has kept UTC+8, without
/// daylight saving, since 1932; the client carries no zone database).
fn library_offset() -> Duration {
    Duration::hours(8)
}

/// Today on the library's clock, so the server's answer and the hydrating client ask the same.
pub fn library_today() -> NaiveDate {
    (chrono::Utc::now() + library_offset()).date_naive()
}

/// The instant of local midnight in Makassar, the library's own calendar, which bounds
/// schedule weeks and months.
pub fn library_midnight(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    (day.and_time(NaiveTime::MIN) - library_offset()).and_utc()
}

/// An instant on the library's clock: "2026-12-05 14.30 WITA" / "2026-12-05 14:30 WITA".
pub fn library_stamp(lang: Lang, instant: chrono::DateTime<chrono::Utc>) -> String {
    let local = instant.naive_utc() + library_offset();
    format!("{} {} WITA", local.date(), clock(lang, local.time()))
}

/// "Desember 2026" / "December 2026".
pub fn month_name(lang: Lang, day: NaiveDate) -> String {
    format!(
        "{} {}",
        shared::recurrence::month_name(lang, day),
        day.year()
    )
}

/// A whole number with its thousands grouped as the language writes them: "12.345" /
/// "12,345".
pub fn count(lang: Lang, number: u64) -> String {
    let separator = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// Minutes as hours with one decimal, in the language's way: "2,5" / "2.5".
pub fn hours(lang: Lang, minutes: u64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    let decimal = match lang {
        Lang::Id => ',',
        Lang::En => '.',
    };
    format!("{}{decimal}{}", count(lang, tenths / 10), tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(count(Lang::Id, 0), "0");
        assert_eq!(count(Lang::Id, 999), "999");
        assert_eq!(count(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(count(Lang::En, 12_345), "12,345");
        assert_eq!(hours(Lang::Id, 150), "2,5");
        assert_eq!(hours(Lang::En, 90_000), "1,500.0");
        assert_eq!(hours(Lang::En, 0), "0.0");
    }

    #[test]
    fn weeks_and_months() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(week_start(day).to_string(), "2026-11-30");
        assert_eq!(next_month(day).to_string(), "2027-01-01");
        assert_eq!(month_name(Lang::Id, day), "Desember 2026");
        assert_eq!(
            library_midnight(day).to_rfc3339(),
            "2026-12-04T16:00:00+00:00"
        );
    }
}
