//! Recurrence rules expanded into session starts with the `rrule` crate, in the program's
//! zone, so 09:00 stays 09:00 on the wall clock across daylight-saving changes.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use rrule::{Frequency as RFrequency, NWeekday, RRule, RRuleSet, Unvalidated};
use shared::FieldError;
use shared::recurrence::{Frequency, MonthlyWeekday, RecurrenceRule, RuleEnd, Weekday};

use super::zone::{local_to_utc, utc_to_local};

/// Stops an expansion that would run away (a daily rule over decades).
const MAX_OCCURRENCES: usize = 20_000;

/// What a series expands from: its first local start, its zone and its RRULE value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The zone the rule is read in.
    pub tz: Tz,
    /// The first session's local start (DTSTART).
    pub start_local: NaiveDateTime,
    /// The RRULE value, `UNTIL` in UTC.
    pub rrule: String,
}

impl Definition {
    /// The definition of `rule` from `start_local` in `tz`.
    pub fn new(
        tz: Tz,
        start_local: NaiveDateTime,
        rule: &RecurrenceRule,
    ) -> Result<Self, FieldError> {
        Ok(Definition {
            tz,
            start_local,
            rrule: rrule_value(rule, tz)?,
        })
    }

    /// The rule over wall-clock times: `rrule` expands it from DTSTART taken as if it were
    /// UTC, and each local time becomes an instant here (see [`wall_clock_instant`]). The
    /// crate's own zone handling drops an occurrence whose local midnight is skipped or
    /// repeated (America/Santiago, America/Havana). UNTIL, an instant, is applied by the
    /// caller; it is left out of what the crate sees.
    fn wall_clock_rule(&self) -> Result<(RRuleSet, Option<DateTime<Utc>>), FieldError> {
        let (value, until) = without_until(&self.rrule)?;
        let rule: RRule<Unvalidated> = value.parse().map_err(|_| FieldError::NotAllowed)?;
        let start = rrule::Tz::UTC.from_utc_datetime(&self.start_local);
        let set = rule
            .build(start)
            .map_err(|_| FieldError::NotAllowed)?
            .limit();
        Ok((set, until))
    }

    /// Every start in `[from, to)`, sorted and without duplicates.
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, FieldError> {
        Ok(instants(self.collect(|t| t < to, from, MAX_OCCURRENCES)?))
    }

    /// Every occurrence in `[from, to)` as the rule's local time (what a calendar client
    /// expands, and names in RECURRENCE-ID and EXDATE) with its instant.
    pub fn wall_clock_occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Occurrence>, FieldError> {
        self.collect(|t| t < to, from, MAX_OCCURRENCES)
    }

    /// The first `n` starts at or after `from`.
    pub fn first(&self, from: DateTime<Utc>, n: usize) -> Result<Vec<DateTime<Utc>>, FieldError> {
        Ok(instants(self.collect(|_| true, from, n)?))
    }

    /// How many starts come before `instant`.
    pub fn count_before(&self, instant: DateTime<Utc>) -> Result<usize, FieldError> {
        let start = local_to_utc(self.tz, self.start_local)?;
        Ok(self.occurrences(start, instant)?.len())
    }

    fn collect(
        &self,
        mut keep_going: impl FnMut(DateTime<Utc>) -> bool,
        from: DateTime<Utc>,
        n: usize,
    ) -> Result<Vec<Occurrence>, FieldError> {
        // The first start must exist on the clock: it is what staff typed.
        local_to_utc(self.tz, self.start_local)?;
        let (set, until) = self.wall_clock_rule()?;
        let mut found: Vec<Occurrence> = Vec::new();
        for wall in &set {
            let wall = wall.naive_utc();
            let start = wall_clock_instant(self.tz, wall);
            // Occurrences are at least a day apart, so instants keep the rule's order.
            if until.is_some_and(|u| start > u) || !keep_going(start) || found.len() >= n {
                break;
            }
            if start >= from {
                found.push(Occurrence { wall, start });
            }
        }
        found.sort_unstable_by_key(|o| o.start);
        found.dedup_by_key(|o| o.start);
        Ok(found)
    }
}

/// One occurrence of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The rule's local time, which may be skipped or repeated on the clock that day.
    pub wall: NaiveDateTime,
    /// When it happens.
    pub start: DateTime<Utc>,
}

impl Occurrence {
    /// Whether its local time names exactly one instant; calendar clients disagree on the
    /// others (RFC 5545 §3.3.5 is read differently by ical.js and libical).
    pub fn is_plain_on(&self, tz: Tz) -> bool {
        matches!(tz.from_local_datetime(&self.wall), LocalResult::Single(_))
    }
}

fn instants(found: Vec<Occurrence>) -> Vec<DateTime<Utc>> {
    found.into_iter().map(|o| o.start).collect()
}

/// The instant of a rule's local time, as RFC 5545 §3.3.5 reads it: a repeated time is its
/// first instance; a skipped one takes the UTC offset in force before the gap (02:30 in a
/// 02:00→03:00 gap is 03:30 on the new clock).
pub fn wall_clock_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Walk back to a local time that exists; gaps are a few hours at most.
            let offset_before = (1..=4 * 48)
                .find_map(|quarter| {
                    tz.from_local_datetime(&(local - Duration::minutes(15 * quarter)))
                        .latest()
                })
                .map_or(0, |t| t.offset().fix().local_minus_utc());
            (local - Duration::seconds(i64::from(offset_before))).and_utc()
        }
    }
}

/// An RRULE value without its UNTIL, and that UNTIL (UTC, as Siar writes it).
fn without_until(value: &str) -> Result<(String, Option<DateTime<Utc>>), FieldError> {
    let mut until = None;
    let mut parts = Vec::new();
    for part in value.split(';').filter(|p| !p.is_empty()) {
        match part.strip_prefix("UNTIL=") {
            Some(text) => {
                let naive =
                    NaiveDateTime::parse_from_str(text.trim_end_matches('Z'), "%Y%m%dT%H%M%S")
                        .map_err(|_| FieldError::NotAllowed)?;
                until = Some(naive.and_utc());
            }
            None => parts.push(part),
        }
    }
    Ok((parts.join(";"), until))
}

/// The RRULE value of `rule`, with an until-date turned into the UTC end of that local day.
pub fn rrule_value(rule: &RecurrenceRule, tz: Tz) -> Result<String, FieldError> {
    let mut value = rule.rrule_without_until();
    if let RuleEnd::Until { date } = rule.end {
        value = with_until(&value, day_end(tz, date)?);
    }
    Ok(value)
}

/// The UTC instant of the last second of a local day (an hour earlier if that is skipped).
fn day_end(tz: Tz, date: NaiveDate) -> Result<DateTime<Utc>, FieldError> {
    let last_moment = date.and_time(NaiveTime::MIN) + Duration::days(1) - Duration::seconds(1);
    local_to_utc(tz, last_moment).or_else(|_| local_to_utc(tz, last_moment - Duration::hours(1)))
}

/// The same RRULE value ending at `until` (inclusive) instead of any count or until it had.
pub fn with_until(value: &str, until: DateTime<Utc>) -> String {
    with_end(value, format!("UNTIL={}", until.format("%Y%m%dT%H%M%SZ")))
}

/// The same RRULE value with `COUNT=count` instead of any count or until it had.
pub fn with_count(value: &str, count: usize) -> String {
    with_end(value, format!("COUNT={count}"))
}

fn with_end(value: &str, end: String) -> String {
    let mut parts: Vec<&str> = value
        .split(';')
        .filter(|p| !p.starts_with("COUNT=") && !p.starts_with("UNTIL=") && !p.is_empty())
        .collect();
    parts.push(&end);
    parts.join(";")
}

/// The last local day a rule ending at `until` covers. Siar ends a rule it writes at the last
/// second of a day (see [`rrule_value`]); any other UNTIL is a split's cut, one second before
/// the first session of the series that took over, whose day belongs to that series. Reading
/// such a cut as its own day would bring the split day back at the next edit of the rule.
fn last_day_until(tz: Tz, until: DateTime<Utc>) -> NaiveDate {
    let day = utc_to_local(tz, until).date();
    if day_end(tz, day).is_ok_and(|end| end == until) {
        day
    } else {
        day.pred_opt().unwrap_or(day)
    }
}

/// Reads a stored RRULE value back into the builder's terms; `None` when it uses parts the
/// builder does not offer.
pub fn rule_from_rrule(value: &str, tz: Tz) -> Option<RecurrenceRule> {
    let rule: RRule<Unvalidated> = value.parse().ok()?;
    let frequency = match rule.get_freq() {
        RFrequency::Daily => Frequency::Daily,
        RFrequency::Weekly => Frequency::Weekly,
        RFrequency::Monthly => Frequency::Monthly,
        _ => return None,
    };
    let mut weekdays = Vec::new();
    let mut monthly_weekday = None;
    for day in rule.get_by_weekday() {
        match (*day, frequency) {
            (NWeekday::Every(d), Frequency::Weekly) => weekdays.push(Weekday::from_chrono(d)),
            (NWeekday::Nth(n, d), Frequency::Monthly) => {
                monthly_weekday = Some(MonthlyWeekday {
                    nth: i8::try_from(n).ok()?,
                    weekday: Weekday::from_chrono(d),
                })
            }
            _ => return None,
        }
    }
    let end = match (rule.get_count(), rule.get_until()) {
        (Some(count), _) => RuleEnd::Count { count },
        (None, Some(until)) => RuleEnd::Until {
            date: last_day_until(tz, until.with_timezone(&Utc)),
        },
        (None, None) => RuleEnd::Never,
    };
    Some(RecurrenceRule {
        frequency,
        interval: u32::from(rule.get_interval()),
        weekdays,
        monthly_weekday,
        end,
    })
}

#[cfg(test)]
mod tests;
