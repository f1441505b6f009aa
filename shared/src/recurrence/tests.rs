use chrono::NaiveDate;

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .unwrap()
}

#[test]
fn summaries_in_both_languages() {
    let dongkelor = RecurrenceRule::weekly(&[Weekday::Sa]);
    let start = at(2026, 12, 5, 9);
    assert_eq!(
        dongkelor.summary(Lang::Id, start, "WITA"),
        "Setiap Sabtu pukul 09.00 WITA"
    );
    assert_eq!(
        dongkelor.summary(Lang::En, start, "WITA"),
        "Every Saturday at 09:00 WITA"
    );

    let mut dapur = RecurrenceRule::weekly(&[Weekday::We]);
    dapur.interval = 2;
    dapur.end = RuleEnd::Count { count: 10 };
    assert_eq!(
        dapur.summary(Lang::En, at(2026, 12, 2, 15), "WITA"),
        "Every other week on Wednesday at 15:00 WITA, 10 times"
    );
    assert_eq!(
        dapur.summary(Lang::Id, at(2026, 12, 2, 15), "WITA"),
        "Dua minggu sekali pada hari Rabu pukul 15.00 WITA, 10 kali"
    );

    let talkshow = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 1,
        weekdays: vec![],
        monthly_weekday: Some(MonthlyWeekday {
            nth: 1,
            weekday: Weekday::Fr,
        }),
        end: RuleEnd::Until {
            date: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        },
    };
    assert_eq!(
        talkshow.summary(Lang::En, at(2026, 12, 4, 14), "WITA"),
        "Monthly on the first Friday at 14:00 WITA, until Wednesday, 30 June 2027"
    );
    assert_eq!(
        talkshow.summary(Lang::Id, at(2026, 12, 4, 14), "WITA"),
        "Setiap bulan pada hari Jumat pertama pukul 14.00 WITA, sampai Rabu, 30 Juni 2027"
    );
}

#[test]
fn rrule_text() {
    let mut rule = RecurrenceRule::weekly(&[Weekday::Sa, Weekday::We, Weekday::Sa]);
    rule.interval = 2;
    rule.end = RuleEnd::Count { count: 5 };
    assert_eq!(
        rule.rrule_without_until(),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,SA;COUNT=5"
    );
    let monthly = RecurrenceRule {
        frequency: Frequency::Monthly,
        interval: 1,
        weekdays: vec![],
        monthly_weekday: Some(MonthlyWeekday {
            nth: -1,
            weekday: Weekday::Fr,
        }),
        end: RuleEnd::Never,
    };
    assert_eq!(monthly.rrule_without_until(), "FREQ=MONTHLY;BYDAY=-1FR");
}

#[test]
fn validation_names_the_field() {
    let mut rule = RecurrenceRule::weekly(&[Weekday::Sa]);
    rule.interval = 0;
    rule.end = RuleEnd::Until {
        date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    };
    let errors = rule
        .validate(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap())
        .unwrap_err();
    assert_eq!(
        errors.0["rule.interval"],
        [FieldError::OutOfRange { min: 1, max: 52 }]
    );
    assert_eq!(errors.0["rule.end"], [FieldError::EndBeforeStart]);
}

#[test]
fn weekdays_shift_around_the_week() {
    assert_eq!(Weekday::Sa.shifted(1), Weekday::Su);
    assert_eq!(Weekday::Su.shifted(1), Weekday::Mo);
    assert_eq!(Weekday::Mo.shifted(-1), Weekday::Su);
    assert_eq!(Weekday::We.shifted(14), Weekday::We);
}
