//! Recurrence rules expanded into session starts with the `rrule` crate, in the program's
//! zone, so 09:00 stays 09:00 on the wall clock across daylight-saving changes.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
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

    fn rule_set(&self) -> Result<RRuleSet, FieldError> {
        let zone = rrule::Tz::Tz(self.tz);
        let start = zone
            .from_local_datetime(&self.start_local)
            .earliest()
            .ok_or(FieldError::NonexistentLocalTime)?;
        let rule: RRule<Unvalidated> = self.rrule.parse().map_err(|_| FieldError::NotAllowed)?;
        Ok(rule
            .build(start)
            .map_err(|_| FieldError::NotAllowed)?
            .limit())
    }

    /// Every start in `[from, to)`, sorted and without duplicates.
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, FieldError> {
        self.collect(|t| t < to, from, MAX_OCCURRENCES)
    }

    /// The first `n` starts at or after `from`.
    pub fn first(&self, from: DateTime<Utc>, n: usize) -> Result<Vec<DateTime<Utc>>, FieldError> {
        self.collect(|_| true, from, n)
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
    ) -> Result<Vec<DateTime<Utc>>, FieldError> {
        let set = self.rule_set()?;
        let mut starts = Vec::new();
        for start in &set {
            let start = start.with_timezone(&Utc);
            if !keep_going(start) || starts.len() >= n {
                break;
            }
            if start >= from {
                starts.push(start);
            }
        }
        starts.sort_unstable();
        starts.dedup();
        Ok(starts)
    }
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
