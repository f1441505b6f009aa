//! A recurrence rule as people build it ("every other Wednesday", "the first Friday of each
//! month"), its RRULE text, and its summary in Indonesian and English.
//!
//! Expansion into dates needs the time zone database and lives on the server; this module
//! stays wasm-safe so the browser's recurrence builder uses the same types and words.

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::validation::in_range;
use crate::{FieldError, FieldErrors, Lang};

/// The most sessions a rule with a count may produce.
pub const MAX_COUNT: u32 = 1000;
/// The largest "every N" interval.
pub const MAX_INTERVAL: u32 = 52;

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every N days.
    Daily,
    /// Every N weeks, on the chosen weekdays.
    Weekly,
    /// Every N months, on the start's day of the month or an nth weekday.
    Monthly,
}

/// A day of the week, RFC 5545 style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Weekday {
    /// Monday.
    Mo,
    /// Tuesday.
    Tu,
    /// Wednesday.
    We,
    /// Thursday.
    Th,
    /// Friday.
    Fr,
    /// Saturday.
    Sa,
    /// Sunday.
    Su,
}

impl Weekday {
    /// Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mo,
        Weekday::Tu,
        Weekday::We,
        Weekday::Th,
        Weekday::Fr,
        Weekday::Sa,
        Weekday::Su,
    ];

    /// The RFC 5545 code, `MO` to `SU`.
    pub fn code(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self.index()]
    }

    fn index(self) -> usize {
        self as usize
    }

    /// From chrono's weekday.
    pub fn from_chrono(day: chrono::Weekday) -> Self {
        Self::ALL[day.num_days_from_monday() as usize]
    }

    /// Parses `MO` to `SU`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The day `days` later (negative: earlier).
    pub fn shifted(self, days: i64) -> Self {
        Self::ALL[(self.index() as i64 + days).rem_euclid(7) as usize]
    }

    /// The day's name.
    pub fn name(self, lang: Lang) -> &'static str {
        let id = [
            "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
        ];
        let en = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        match lang {
            Lang::Id => id[self.index()],
            Lang::En => en[self.index()],
        }
    }
}

/// "The first Friday": an nth weekday of the month; `nth` is 1 to 4, or -1 for the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyWeekday {
    /// 1 to 4, or -1 for the last one of the month.
    pub nth: i8,
    /// The weekday.
    pub weekday: Weekday,
}

/// When the rule stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleEnd {
    /// Goes on.
    #[default]
    Never,
    /// Last possible day (inclusive), in the program's zone.
    Until {
        /// The last day.
        date: NaiveDate,
    },
    /// After this many sessions.
    Count {
        /// How many sessions.
        count: u32,
    },
}

/// A recurrence rule in the subset Siar's builder offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecurrenceRule {
    /// How often.
    pub frequency: Frequency,
    /// Every N days, weeks or months (1 = every).
    #[serde(default = "one")]
    pub interval: u32,
    /// Weekly: the days; empty means the start's weekday.
    #[serde(default)]
    pub weekdays: Vec<Weekday>,
    /// Monthly: an nth weekday; absent means the start's day of the month.
    #[serde(default)]
    pub monthly_weekday: Option<MonthlyWeekday>,
    /// When it stops.
    #[serde(default)]
    pub end: RuleEnd,
}

fn one() -> u32 {
    1
}

/// The recurrence builder's fields as typed (the page's builder and its plain form post),
/// read into a rule the same way on both sides; the rule's own validation judges the result.
#[derive(Debug, Clone, Copy)]
pub struct BuilderFields<'a> {
    /// `daily`, `weekly` (anything else) or `monthly`.
    pub frequency: &'a str,
    /// Every how many periods; not a number is 0, which validation refuses.
    pub interval: &'a str,
    /// The weekly rule's days.
    pub weekdays: &'a [Weekday],
    /// The monthly rule's week (`1`…`4`, `-1`), or anything else for the same day of month.
    pub monthly_nth: &'a str,
    /// The monthly rule's weekday.
    pub monthly_day: Weekday,
    /// `until`, `count` or anything else for never.
    pub end_kind: &'a str,
    /// The last day (`YYYY-MM-DD`) for `until`.
    pub until: &'a str,
    /// The number of sessions for `count`.
    pub count: &'a str,
}

impl BuilderFields<'_> {
    /// The rule the fields describe.
    pub fn rule(&self) -> RecurrenceRule {
        let frequency = match self.frequency {
            "daily" => Frequency::Daily,
            "monthly" => Frequency::Monthly,
            _ => Frequency::Weekly,
        };
        let monthly_weekday = match (frequency, self.monthly_nth.parse::<i8>()) {
            (Frequency::Monthly, Ok(nth)) => Some(MonthlyWeekday {
                nth,
                weekday: self.monthly_day,
            }),
            _ => None,
        };
        let end = match self.end_kind {
            "until" => NaiveDate::parse_from_str(self.until, "%Y-%m-%d")
                .map(|date| RuleEnd::Until { date })
                .unwrap_or(RuleEnd::Never),
            "count" => RuleEnd::Count {
                count: self.count.trim().parse().unwrap_or(0),
            },
            _ => RuleEnd::Never,
        };
        RecurrenceRule {
            frequency,
            interval: self.interval.trim().parse().unwrap_or(0),
            weekdays: if frequency == Frequency::Weekly {
                self.weekdays.to_vec()
            } else {
                Vec::new()
            },
            monthly_weekday,
            end,
        }
    }
}

impl RecurrenceRule {
    /// Every week on `day`.
    pub fn weekly(days: &[Weekday]) -> Self {
        RecurrenceRule {
            frequency: Frequency::Weekly,
            interval: 1,
            weekdays: days.to_vec(),
            monthly_weekday: None,
            end: RuleEnd::Never,
        }
    }

    /// The field rules; `start` is the first session's local date. Field names are prefixed
    /// with `rule.`.
    pub fn validate(&self, start: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(
            "rule.interval",
            in_range(i64::from(self.interval), 1, i64::from(MAX_INTERVAL)),
        );
        if let Some(m) = self.monthly_weekday
            && !(1..=4).contains(&m.nth)
            && m.nth != -1
        {
            errors.add("rule.monthly_weekday", FieldError::NotAllowed);
        }
        match self.end {
            RuleEnd::Never => {}
            RuleEnd::Until { date } if date < start => {
                errors.add("rule.end", FieldError::EndBeforeStart);
            }
            RuleEnd::Until { .. } => {}
            RuleEnd::Count { count } => {
                errors.check(
                    "rule.end",
                    in_range(i64::from(count), 1, i64::from(MAX_COUNT)),
                );
            }
        }
        errors.into_result()
    }

    /// The RRULE value without `UNTIL`, which needs the zone to become UTC (the server adds it).
    pub fn rrule_without_until(&self) -> String {
        let mut parts = vec![format!(
            "FREQ={}",
            match self.frequency {
                Frequency::Daily => "DAILY",
                Frequency::Weekly => "WEEKLY",
                Frequency::Monthly => "MONTHLY",
            }
        )];
        if self.interval > 1 {
            parts.push(format!("INTERVAL={}", self.interval));
        }
        match self.frequency {
            Frequency::Weekly if !self.weekdays.is_empty() => {
                let mut days = self.weekdays.clone();
                days.sort();
                days.dedup();
                let codes: Vec<_> = days.iter().map(|d| d.code()).collect();
                parts.push(format!("BYDAY={}", codes.join(",")));
            }
            Frequency::Monthly => {
                if let Some(m) = self.monthly_weekday {
                    parts.push(format!("BYDAY={}{}", m.nth, m.weekday.code()));
                }
            }
            _ => {}
        }
        if let RuleEnd::Count { count } = self.end {
            parts.push(format!("COUNT={count}"));
        }
        parts.join(";")
    }

    /// The same rule with its weekdays moved by `days` (a session moved from Saturday to
    /// Sunday for "all following" moves the weekly day with it).
    pub fn shifted_by_days(&self, days: i64) -> Self {
        let mut rule = self.clone();
        rule.weekdays = rule.weekdays.iter().map(|d| d.shifted(days)).collect();
        if let Some(m) = rule.monthly_weekday.as_mut() {
            m.weekday = m.weekday.shifted(days);
        }
        rule
    }

    /// "Setiap Sabtu pukul 09.00 WITA" / "Every Saturday at 09:00 WITA". `start` is the first
    /// session's local start; `zone` the zone's short name.
    pub fn summary(&self, lang: Lang, start: chrono::NaiveDateTime, zone: &str) -> String {
        let mut text = self.repeat_phrase(lang, start.date());
        text.push(' ');
        text.push_str(&at_time(lang, start.time(), zone));
        match (self.end, lang) {
            (RuleEnd::Never, _) => {}
            (RuleEnd::Until { date }, Lang::Id) => {
                text.push_str(&format!(", sampai {}", long_date(lang, date)))
            }
            (RuleEnd::Until { date }, Lang::En) => {
                text.push_str(&format!(", until {}", long_date(lang, date)))
            }
            (RuleEnd::Count { count }, Lang::Id) => text.push_str(&format!(", {count} kali")),
            (RuleEnd::Count { count }, Lang::En) => text.push_str(&format!(
                ", {count} time{}",
                if count == 1 { "" } else { "s" }
            )),
        }
        text
    }

    fn repeat_phrase(&self, lang: Lang, start: NaiveDate) -> String {
        let n = self.interval;
        match self.frequency {
            Frequency::Daily => match (lang, n) {
                (Lang::Id, 1) => "Setiap hari".into(),
                (Lang::Id, n) => format!("Setiap {n} hari"),
                (Lang::En, 1) => "Every day".into(),
                (Lang::En, n) => format!("Every {n} days"),
            },
            Frequency::Weekly => {
                let mut days = if self.weekdays.is_empty() {
                    vec![Weekday::from_chrono(chrono::Datelike::weekday(&start))]
                } else {
                    self.weekdays.clone()
                };
                days.sort();
                days.dedup();
                let names = join_words(lang, days.iter().map(|d| d.name(lang)).collect());
                match (lang, n) {
                    (Lang::Id, 1) => format!("Setiap {names}"),
                    (Lang::Id, 2) => format!("Dua minggu sekali pada hari {names}"),
                    (Lang::Id, n) => format!("Setiap {n} minggu pada hari {names}"),
                    (Lang::En, 1) => format!("Every {names}"),
                    (Lang::En, 2) => format!("Every other week on {names}"),
                    (Lang::En, n) => format!("Every {n} weeks on {names}"),
                }
            }
            Frequency::Monthly => {
                let which = match self.monthly_weekday {
                    Some(m) => nth_weekday(lang, m),
                    None => match lang {
                        Lang::Id => format!("tanggal {}", chrono::Datelike::day(&start)),
                        Lang::En => format!("day {}", chrono::Datelike::day(&start)),
                    },
                };
                match (lang, n) {
                    (Lang::Id, 1) => format!("Setiap bulan pada {which}"),
                    (Lang::Id, n) => format!("Setiap {n} bulan pada {which}"),
                    (Lang::En, 1) => format!("Monthly on the {which}"),
                    (Lang::En, n) => format!("Every {n} months on the {which}"),
                }
            }
        }
    }
}

fn nth_weekday(lang: Lang, m: MonthlyWeekday) -> String {
    let day = m.weekday.name(lang);
    match lang {
        Lang::Id => {
            let nth = match m.nth {
                1 => "pertama",
                2 => "kedua",
                3 => "ketiga",
                4 => "keempat",
                _ => "terakhir",
            };
            format!("hari {day} {nth}")
        }
        Lang::En => {
            let nth = match m.nth {
                1 => "first",
                2 => "second",
                3 => "third",
                4 => "fourth",
                _ => "last",
            };
            format!("{nth} {day}")
        }
    }
}

fn join_words(lang: Lang, words: Vec<&str>) -> String {
    let and = match lang {
        Lang::Id => "dan",
        Lang::En => "and",
    };
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

/// "pukul 09.00 WITA" / "at 09:00 WITA" (Indonesian writes times with a dot).
pub fn at_time(lang: Lang, time: NaiveTime, zone: &str) -> String {
    match lang {
        Lang::Id => format!("pukul {} {zone}", clock(lang, time)),
        Lang::En => format!("at {} {zone}", clock(lang, time)),
    }
}

/// "09.00" / "09:00".
pub fn clock(lang: Lang, time: NaiveTime) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ':',
    };
    format!("{:02}{sep}{:02}", time.hour(), time.minute())
}

/// "Desember" / "December" for a date's month.
pub fn month_name(lang: Lang, date: NaiveDate) -> &'static str {
    use chrono::Datelike;
    let months_id = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    let months_en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match lang {
        Lang::Id => months_id[date.month0() as usize],
        Lang::En => months_en[date.month0() as usize],
    }
}

/// "Sabtu, 5 Desember 2026" / "Saturday, 5 December 2026".
pub fn long_date(lang: Lang, date: NaiveDate) -> String {
    use chrono::Datelike;
    let day = Weekday::from_chrono(date.weekday()).name(lang);
    format!(
        "{day}, {} {} {}",
        date.day(),
        month_name(lang, date),
        date.year()
    )
}

#[cfg(test)]
mod tests;
