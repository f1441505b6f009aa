use chrono::{NaiveDate, TimeZone};
use icalendar::{Calendar, CalendarComponent, Component};

use shared::recurrence::{RecurrenceRule, Weekday};

use super::super::zone::local_to_utc;
use super::vtimezone::{observances, utc_offset};
use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_default()
}

fn header() -> FeedHeader {
    FeedHeader {
        name: "Siar: semua program".into(),
        description: "Jadwal siaran".into(),
        zone: chrono_tz::Asia::Makassar,
        source_url: "https://siar.example/calendar/all.ics".into(),
        refresh: Duration::hours(6),
    }
}

fn details(summary: &str) -> Details {
    Details {
        summary: summary.into(),
        description: "Dongeng untuk anak".into(),
        url: "https://siar.example/programs/dongkelor".into(),
        categories: vec!["Siaran dongeng".into()],
        location: Some("https://youtube.com/@perpus".into()),
    }
}

fn session(uid: &str, original: DateTime<Utc>, minutes: i64) -> FeedSession {
    FeedSession {
        uid: uid.into(),
        tz: chrono_tz::Asia::Makassar,
        original_start: Some(original),
        starts_at: original,
        ends_at: original + Duration::minutes(minutes),
        cancelled: false,
        detached: false,
        sequence: 0,
        details: details("Dongkelor"),
        created_at: utc(2026, 11, 1, 0, 0),
        updated_at: utc(2026, 11, 1, 0, 0),
    }
}

/// Saturdays 09:00 WITA (01:00 UTC) from 2026-12-05, four sessions materialised.
fn weekly_series(tz: Tz, start_local: NaiveDate) -> FeedSeries {
    let start_local = start_local.and_hms_opt(9, 0, 0).unwrap_or_default();
    let first_start = crate::domain::zone::local_to_utc(tz, start_local).unwrap_or_default();
    let definition = Definition {
        tz,
        start_local,
        rrule: "FREQ=WEEKLY;BYDAY=SA".into(),
    };
    let starts = definition.first(first_start, 4).unwrap_or_default();
    let sessions = starts
        .iter()
        .enumerate()
        .map(|(i, s)| FeedSession {
            tz,
            ..session(&format!("s{i}@siar"), *s, 60)
        })
        .collect();
    FeedSeries {
        uid: "series-1@siar".into(),
        definition,
        first_start,
        materialized_until: starts.last().copied().unwrap_or_default() + Duration::hours(1),
        duration: Duration::minutes(60),
        sequence: 0,
        details: details("Dongkelor"),
        created_at: utc(2026, 11, 1, 0, 0),
        updated_at: utc(2026, 11, 1, 0, 0),
        sessions,
    }
}

fn events(text: &str) -> Vec<icalendar::Event> {
    let calendar: Calendar = text.parse().unwrap_or_default();
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn control_characters_in_stored_text_never_break_a_line() {
    let text = "Teks, Uji; satu\r\nBEGIN:VEVENT\rdua\0\u{1b}[31m\ttiga\nempat";
    assert_eq!(
        clean_text(text),
        "Teks, Uji; satu\nBEGIN:VEVENT\ndua[31m\ttiga\nempat"
    );
    assert_eq!(
        escape_text(&clean_text(text)),
        "Teks\\, Uji\\; satu\\nBEGIN:VEVENT\\ndua[31m\ttiga\\nempat"
    );
}

#[test]
fn no_physical_line_exceeds_75_octets_whatever_the_length() {
    // Every length from one line to four, with one-, two- and four-octet characters, so a
    // piece ends exactly at 75 octets and a character straddles the limit in every position.
    for unit in ["a", "é", "🌊", " "] {
        for length in 40..=240 {
            let summary = format!("S{}Z", unit.repeat(length / unit.len()));
            let mut only = session("one@siar", utc(2026, 12, 5, 1, 0), 60);
            only.details = details(&summary);
            let text = render(&header(), &[FeedItem::Single(only)]);
            for line in text.split("\r\n") {
                assert!(
                    line.len() <= 75,
                    "{unit:?} × {length}: {} octets: {line:?}",
                    line.len()
                );
            }
            let unfolded = text.replace("\r\n ", "");
            assert!(
                unfolded.contains(&format!("SUMMARY:{summary}\r\n")),
                "{unit:?} × {length}"
            );
        }
    }
}

#[test]
fn a_feed_is_not_an_itip_message() {
    // METHOD:PUBLISH would oblige every event to carry an ORGANIZER (RFC 5546 §3.2.1).
    let text = render(
        &header(),
        &[FeedItem::Single(session(
            "one@siar",
            utc(2026, 12, 5, 1, 0),
            60,
        ))],
    );
    assert!(!text.contains("\r\nMETHOD:"), "{text}");
    assert!(!text.contains("ORGANIZER"), "{text}");
}

#[test]
fn lines_end_in_crlf_and_fold_at_75_octets_on_character_boundaries() {
    let mut long = details(&"Dongeng Nusantara: «Sawérigading» dan La Galigo — ".repeat(6));
    long.description = "Bacaan anak-anak; kisah \"Putri Tandampalik\", Bugis\\Makassar.\nBaris kedua 🌊 ombak Losari "
        .repeat(5);
    let mut only = session("one@siar", utc(2026, 12, 5, 1, 0), 60);
    only.details = long.clone();
    let text = render(&header(), &[FeedItem::Single(only)]);

    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF inside {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    // Unfolding gives back the exact text, escaped.
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("SUMMARY:{}", long.summary.trim_end())));
    assert!(unfolded.contains(
        "DESCRIPTION:Bacaan anak-anak\\; kisah \"Putri Tandampalik\"\\, Bugis\\\\Makassar.\\nBaris"
    ));
    // And a real parser reads the same words back.
    let parsed = events(&text);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].get_description(), Some(long.description.as_str()));
}

#[test]
fn calendar_properties_and_every_tzid_has_its_vtimezone() {
    let mut text = render(&header(), &[]);
    assert!(text.contains("X-WR-CALNAME:Siar: semua program\r\n"));
    assert!(text.contains("NAME:Siar: semua program\r\n"));
    assert!(text.contains("REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n"));
    assert!(text.contains("X-PUBLISHED-TTL:PT6H\r\n"));
    assert!(text.contains("X-WR-TIMEZONE:Asia/Makassar\r\n"));
    // Even an empty feed has a component (RFC 5545 wants one), the zone it names.
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Makassar\r\n"));

    let amsterdam = weekly_series(
        chrono_tz::Europe::Amsterdam,
        NaiveDate::from_ymd_opt(2027, 3, 20).unwrap_or_default(),
    );
    text = render(&header(), &[FeedItem::Series(amsterdam)]);
    for tzid in text
        .split("\r\n")
        .filter_map(|l| l.split_once(";TZID=").map(|(_, rest)| rest))
    {
        let zone = tzid.split(':').next().unwrap_or_default();
        assert!(
            text.contains(&format!("BEGIN:VTIMEZONE\r\nTZID:{zone}\r\n")),
            "{zone}"
        );
    }
    // The spring-forward of 2027 (28 March, 02:00 CET) is inside the span.
    assert!(text.contains(
        "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT"
    ));
}

#[test]
fn observances_follow_the_zone_database() {
    let amsterdam = observances(
        chrono_tz::Europe::Amsterdam,
        utc(2026, 1, 1, 0, 0),
        utc(2027, 1, 1, 0, 0),
    );
    let onsets: Vec<_> = amsterdam
        .iter()
        .map(|o| (o.onset, o.offset_to, o.daylight))
        .collect();
    assert_eq!(
        onsets,
        vec![
            (utc(2026, 1, 1, 0, 0), 3600, false),
            (utc(2026, 3, 29, 1, 0), 7200, true),
            (utc(2026, 10, 25, 1, 0), 3600, false),
        ]
    );
    let makassar = observances(
        chrono_tz::Asia::Makassar,
        utc(2026, 1, 1, 0, 0),
        utc(2030, 1, 1, 0, 0),
    );
    assert_eq!(makassar.len(), 1);
    assert_eq!(makassar[0].name.as_deref(), Some("WITA"));
    assert_eq!(utc_offset(28_800), "+0800");
    assert_eq!(utc_offset(-12_600), "-0330");
}

#[test]
fn a_series_is_one_rule_with_overrides_for_changed_and_cancelled_sessions() {
    let tz = chrono_tz::Asia::Makassar;
    let mut series = weekly_series(tz, NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default());
    series.sessions[1].cancelled = true;
    series.sessions[1].sequence = 1;
    series.sessions[2].starts_at += Duration::days(1);
    series.sessions[2].ends_at += Duration::days(1);
    series.sessions[2].detached = true;
    series.sessions[2].sequence = 2;
    series.sessions.remove(3);
    let text = render(&header(), &[FeedItem::Series(series)]);

    let parsed = events(&text);
    assert_eq!(parsed.len(), 3, "{text}");
    assert!(parsed.iter().all(|e| e.get_uid() == Some("series-1@siar")));
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20261226T130000Z\r\n"));
    // The occurrence without a session is excluded rather than silently shown.
    assert!(text.contains("EXDATE;TZID=Asia/Makassar:20261226T090000\r\n"));
    assert!(text.contains(
        "RECURRENCE-ID;TZID=Asia/Makassar:20261212T090000\r\nSEQUENCE:1\r\nSTATUS:CANCELLED\r\n"
    ));
    assert!(text.contains("DTSTART;TZID=Asia/Makassar:20261220T090000\r\n"));
    assert!(text.contains("RECURRENCE-ID;TZID=Asia/Makassar:20261219T090000\r\nSEQUENCE:2\r\n"));
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let series = weekly_series(
        chrono_tz::Asia::Makassar,
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default(),
    );
    let first = render(&header(), &[FeedItem::Series(series.clone())]);
    let second = render(&header(), &[FeedItem::Series(series)]);
    assert_eq!(first, second);
    assert!(first.contains("DTSTAMP:20261101T000000Z\r\n"));
}

#[test]
fn durations_are_written_in_rfc_5545_form() {
    assert_eq!(iso_duration(Duration::hours(6)), "PT6H");
    assert_eq!(iso_duration(Duration::days(1)), "P1D");
    assert_eq!(iso_duration(Duration::minutes(90)), "PT90M");
}

#[test]
fn dtstart_is_the_first_occurrence_even_when_the_series_was_entered_earlier() {
    let tz = chrono_tz::Asia::Makassar;
    // Entered on Friday 2026-11-27, rule "first Friday": the first session is 2026-12-04.
    let start_local = NaiveDate::from_ymd_opt(2026, 11, 27)
        .and_then(|d| d.and_hms_opt(14, 0, 0))
        .unwrap_or_default();
    let definition = Definition {
        tz,
        start_local,
        rrule: "FREQ=MONTHLY;BYDAY=1FR".into(),
    };
    let first_start = crate::domain::zone::local_to_utc(tz, start_local).unwrap_or_default();
    let starts = definition.first(first_start, 2).unwrap_or_default();
    assert_eq!(starts.first().copied(), Some(utc(2026, 12, 4, 6, 0)));
    let series = FeedSeries {
        uid: "talkshow@siar".into(),
        definition,
        first_start,
        materialized_until: utc(2027, 1, 2, 0, 0),
        duration: Duration::minutes(90),
        sequence: 0,
        details: details("Talkshow Duta Baca"),
        created_at: utc(2026, 11, 1, 0, 0),
        updated_at: utc(2026, 11, 1, 0, 0),
        sessions: starts
            .iter()
            .map(|s| FeedSession {
                details: details("Talkshow Duta Baca"),
                ..session("t@siar", *s, 90)
            })
            .collect(),
    };
    let text = render(&header(), &[FeedItem::Series(series)]);
    assert!(
        text.contains("DTSTART;TZID=Asia/Makassar:20261204T140000\r\n"),
        "{text}"
    );
    assert!(text.contains("RRULE:FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270101T180000Z\r\n"));
    assert!(!text.contains("EXDATE") && !text.contains("RECURRENCE-ID"));
}

/// Where the rule's local time is skipped or repeated, clients read it differently; those
/// occurrences are written as overrides that spell out their instant, named by the rule's
/// own local time so every client matches them to its expansion.
#[test]
fn occurrences_on_skipped_or_repeated_local_times_are_spelled_out() {
    let tz: Tz = "America/Havana".parse().unwrap();
    // Sundays at 00:30 from 1 March 2026: 8 March 00:30 is skipped, 1 November 00:30 repeated.
    let start_local = NaiveDate::from_ymd_opt(2026, 3, 1)
        .unwrap()
        .and_hms_opt(0, 30, 0)
        .unwrap();
    let rule = RecurrenceRule::weekly(&[Weekday::Su]);
    let definition = Definition::new(tz, start_local, &rule).unwrap();
    let first_start = local_to_utc(tz, start_local).unwrap();
    let until = utc(2026, 11, 10, 0, 0);
    let starts = definition.occurrences(first_start, until).unwrap();
    let sessions: Vec<FeedSession> = starts
        .iter()
        .map(|t| {
            let mut s = session(&format!("{t}@siar"), *t, 45);
            s.tz = tz;
            s
        })
        .collect();
    let series = FeedSeries {
        uid: "havana@siar".into(),
        definition,
        first_start,
        materialized_until: until,
        duration: Duration::minutes(45),
        sequence: 0,
        details: details("Dongkelor"),
        created_at: utc(2026, 1, 1, 0, 0),
        updated_at: utc(2026, 1, 1, 0, 0),
        sessions,
    };
    let text = render(&header(), &[FeedItem::Series(series)]).replace("\r\n ", "");
    assert!(!text.contains("EXDATE"), "every Sunday has its session");
    // Skipped: the offset before the gap (-05:00), 01:30 on the new clock.
    assert!(
        text.contains("RECURRENCE-ID;TZID=America/Havana:20260308T003000"),
        "{text}"
    );
    assert!(
        text.contains("DTSTART;TZID=America/Havana:20260308T013000"),
        "{text}"
    );
    // Repeated: the first instance (-04:00), in UTC.
    assert!(
        text.contains("RECURRENCE-ID;TZID=America/Havana:20261101T003000"),
        "{text}"
    );
    assert!(text.contains("DTSTART:20261101T043000Z"), "{text}");
    let parsed = events(&text);
    assert_eq!(
        parsed.len(),
        3,
        "the rule and two spelled-out occurrences: {text}"
    );
}
