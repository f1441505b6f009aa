use chrono::{Datelike, NaiveDate, Offset, Timelike};
use proptest::prelude::*;
use shared::recurrence::{MonthlyWeekday, RecurrenceRule, RuleEnd, Weekday};

use super::*;
use crate::domain::zone::{parse_tz, utc_to_local};

fn local(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .unwrap()
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn rfc(ts: &[DateTime<Utc>]) -> Vec<String> {
    ts.iter()
        .map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
        .collect()
}

#[test]
fn dongkelor_every_saturday_at_nine_wita() {
    let tz = parse_tz("Asia/Makassar").unwrap();
    let def = Definition::new(
        tz,
        local(2026, 12, 5, 9),
        &RecurrenceRule::weekly(&[Weekday::Sa]),
    )
    .unwrap();
    let starts = def.first(utc(2026, 1, 1), 3).unwrap();
    assert_eq!(
        rfc(&starts),
        [
            "2026-12-05T01:00Z",
            "2026-12-12T01:00Z",
            "2026-12-19T01:00Z"
        ]
    );
}

#[test]
fn wall_clock_time_holds_across_daylight_saving() {
    // Amsterdam: 09:00 is 08:00 UTC in winter, 07:00 UTC after 28 March 2027.
    let amsterdam = parse_tz("Europe/Amsterdam").unwrap();
    let def = Definition::new(
        amsterdam,
        local(2027, 3, 21, 9),
        &RecurrenceRule::weekly(&[Weekday::Su]),
    )
    .unwrap();
    assert_eq!(
        rfc(&def.first(utc(2027, 1, 1), 2).unwrap()),
        ["2027-03-21T08:00Z", "2027-03-28T07:00Z"]
    );
    // New York falls back on 7 November 2027: 18:00 is 22:00 UTC, then 23:00 UTC.
    let new_york = parse_tz("America/New_York").unwrap();
    let def = Definition::new(
        new_york,
        local(2027, 11, 3, 18),
        &RecurrenceRule::weekly(&[Weekday::We]),
    )
    .unwrap();
    assert_eq!(
        rfc(&def.first(utc(2027, 1, 1), 2).unwrap()),
        ["2027-11-03T22:00Z", "2027-11-10T23:00Z"]
    );
}

#[test]
fn count_and_until_end_the_rule() {
    let tz = parse_tz("Asia/Makassar").unwrap();
    let mut rule = RecurrenceRule::weekly(&[Weekday::We]);
    rule.interval = 2;
    rule.end = RuleEnd::Count { count: 3 };
    let def = Definition::new(tz, local(2026, 12, 2, 15), &rule).unwrap();
    assert_eq!(
        rfc(&def.occurrences(utc(2026, 1, 1), utc(2030, 1, 1)).unwrap()),
        [
            "2026-12-02T07:00Z",
            "2026-12-16T07:00Z",
            "2026-12-30T07:00Z"
        ]
    );

    // UNTIL is the last local day, inclusive: a session on that day still happens.
    rule.end = RuleEnd::Until {
        date: NaiveDate::from_ymd_opt(2026, 12, 30).unwrap(),
    };
    let def = Definition::new(tz, local(2026, 12, 2, 15), &rule).unwrap();
    assert!(
        def.rrule.ends_with("UNTIL=20261230T155959Z"),
        "{}",
        def.rrule
    );
    assert_eq!(
        def.occurrences(utc(2026, 1, 1), utc(2030, 1, 1))
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn monthly_on_the_first_friday() {
    let tz = parse_tz("Asia/Makassar").unwrap();
    let rule = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 1,
        weekdays: vec![],
        monthly_weekday: Some(MonthlyWeekday {
            nth: 1,
            weekday: Weekday::Fr,
        }),
        end: RuleEnd::Never,
    };
    let def = Definition::new(tz, local(2026, 12, 4, 14), &rule).unwrap();
    let dates: Vec<_> = def
        .first(utc(2026, 1, 1), 4)
        .unwrap()
        .iter()
        .map(|t| utc_to_local(tz, *t).date().to_string())
        .collect();
    assert_eq!(
        dates,
        ["2026-12-04", "2027-01-01", "2027-02-05", "2027-03-05"]
    );
}

#[test]
fn stored_rules_read_back_into_the_builder() {
    let tz = parse_tz("Asia/Makassar").unwrap();
    let rule = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 2,
        weekdays: vec![],
        monthly_weekday: Some(MonthlyWeekday {
            nth: -1,
            weekday: Weekday::Fr,
        }),
        end: RuleEnd::Until {
            date: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        },
    };
    let value = rrule_value(&rule, tz).unwrap();
    assert_eq!(rule_from_rrule(&value, tz), Some(rule));
    assert_eq!(rule_from_rrule("FREQ=YEARLY", tz), None);
}

#[test]
fn split_helpers_replace_the_end() {
    assert_eq!(
        with_until("FREQ=WEEKLY;BYDAY=SA;COUNT=10", utc(2027, 1, 1)),
        "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270101T000000Z"
    );
    assert_eq!(
        with_count("FREQ=WEEKLY;UNTIL=20270101T000000Z", 4),
        "FREQ=WEEKLY;COUNT=4"
    );
}

fn any_rule() -> impl Strategy<Value = RecurrenceRule> {
    let day = prop::sample::select(Weekday::ALL.to_vec());
    (
        prop::sample::select(vec![
            Frequency::Daily,
            Frequency::Weekly,
            Frequency::Monthly,
        ]),
        1u32..4,
        prop::collection::vec(day.clone(), 0..4),
        prop::option::of((prop::sample::select(vec![1i8, 2, 3, 4, -1]), day)),
    )
        .prop_map(|(frequency, interval, weekdays, monthly)| RecurrenceRule {
            frequency,
            interval,
            weekdays,
            monthly_weekday: monthly
                .filter(|_| frequency == Frequency::Monthly)
                .map(|(nth, weekday)| MonthlyWeekday { nth, weekday }),
            end: RuleEnd::Never,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Expansion is sorted, free of duplicates, and every start falls at the first start's
    /// wall-clock time in its zone, daylight saving or not.
    #[test]
    fn expansion_keeps_order_and_wall_clock(
        rule in any_rule(),
        zone in prop::sample::select(vec!["Asia/Makassar", "Europe/Amsterdam", "America/New_York"]),
        day in 0i64..365,
        hour in 6u32..22,
    ) {
        let tz = parse_tz(zone).unwrap();
        let start = local(2026, 1, 1, hour) + Duration::days(day);
        let def = Definition::new(tz, start, &rule).unwrap();
        let starts = def.occurrences(utc(2025, 1, 1), utc(2029, 1, 1)).unwrap();
        prop_assert!(!starts.is_empty());
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
        for s in &starts {
            let local = utc_to_local(tz, *s);
            prop_assert_eq!(local.hour(), hour);
            prop_assert_eq!(local.minute(), 0);
            prop_assert!(local >= start);
            prop_assert_eq!(local_to_utc(tz, local).unwrap(), *s);
            if rule.frequency == Frequency::Weekly && !rule.weekdays.is_empty() {
                prop_assert!(rule.weekdays.contains(&Weekday::from_chrono(local.weekday())));
            }
        }
    }
}

/// Zones whose clocks change at midnight: a weekly series at 00:30 has its session on every
/// matching day. A skipped 00:30 takes the offset before the gap (RFC 5545 §3.3.5: it shows
/// as 01:30); a repeated 00:30 is its first instance.
#[test]
fn every_matching_day_has_its_session_where_clocks_change_at_midnight() {
    let half_past_midnight = |d: NaiveDate| d.and_hms_opt(0, 30, 0).unwrap();
    for (zone, weekday, first_day) in [
        (
            "America/Santiago",
            Weekday::Su,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        ),
        (
            "America/Havana",
            Weekday::Su,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        ),
        (
            "America/Asuncion",
            Weekday::Su,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        ),
    ] {
        let tz = parse_tz(zone).unwrap();
        let def = Definition::new(
            tz,
            half_past_midnight(first_day),
            &RecurrenceRule::weekly(&[weekday]),
        )
        .unwrap();
        let starts = def.occurrences(utc(2026, 1, 1), utc(2027, 3, 1)).unwrap();
        let sundays: Vec<NaiveDate> = first_day
            .iter_weeks()
            .take_while(|d| *d < NaiveDate::from_ymd_opt(2027, 3, 1).unwrap())
            .collect();
        let days: Vec<NaiveDate> = starts.iter().map(|t| utc_to_local(tz, *t).date()).collect();
        assert_eq!(days, sundays, "{zone}: one session every Sunday");
        for (day, start) in sundays.iter().zip(&starts) {
            let local = half_past_midnight(*day);
            let expected = match tz.from_local_datetime(&local) {
                chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
                chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
                // Skipped: the offset of the day before.
                chrono::LocalResult::None => {
                    let before = tz
                        .from_local_datetime(&(local - Duration::days(1)))
                        .single()
                        .unwrap();
                    (local - before.offset().fix()).and_utc()
                }
            };
            assert_eq!(*start, expected, "{zone} {day}");
        }
    }
}
