//! Whether a session is on the air: decided on instants alone, so a clock change or midnight
//! in the program's zone changes nothing (a session is live from its start to its end).

use chrono::{DateTime, Duration, Utc};
use shared::dto::schedule::{AirState, STARTS_SOON_MINUTES};

/// Live (with 0 minutes to go) or starting soon (with the whole minutes to go, rounded up), or
/// neither.
pub fn air_state(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<(AirState, u32)> {
    if now >= ends_at {
        return None;
    }
    if now >= starts_at {
        return Some((AirState::Live, 0));
    }
    let wait = starts_at - now;
    (wait <= Duration::minutes(i64::from(STARTS_SOON_MINUTES))).then(|| {
        let minutes = (wait.num_seconds() + 59) / 60;
        (
            AirState::StartsSoon,
            u32::try_from(minutes).unwrap_or(STARTS_SOON_MINUTES),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::{America::Havana, Asia::Makassar, Europe::Amsterdam, Tz};

    fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        let local = NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(h, min, 0))
            .unwrap();
        tz.from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn live_from_the_start_up_to_the_end_and_announced_fifteen_minutes_before() {
        let start = at(Makassar, 2026, 12, 5, 9, 0);
        let end = start + Duration::hours(1);
        let state = |now| air_state(start, end, now);
        assert_eq!(state(start - Duration::minutes(16)), None);
        assert_eq!(
            state(start - Duration::minutes(15)),
            Some((AirState::StartsSoon, 15))
        );
        assert_eq!(
            state(start - Duration::seconds(61)),
            Some((AirState::StartsSoon, 2)),
            "rounded up: never 'starts in 0 minutes' before the start"
        );
        assert_eq!(
            state(start - Duration::seconds(1)),
            Some((AirState::StartsSoon, 1))
        );
        assert_eq!(state(start), Some((AirState::Live, 0)));
        assert_eq!(state(end - Duration::seconds(1)), Some((AirState::Live, 0)));
        assert_eq!(state(end), None, "over at its end");
    }

    #[test]
    fn a_session_across_midnight_is_live_on_both_days() {
        let start = at(Makassar, 2026, 12, 31, 23, 30);
        let end = start + Duration::hours(1);
        assert_eq!(
            air_state(start, end, at(Makassar, 2027, 1, 1, 0, 15)),
            Some((AirState::Live, 0))
        );
        assert_eq!(air_state(start, end, at(Makassar, 2027, 1, 1, 0, 30)), None);
    }

    #[test]
    fn a_clock_change_during_or_before_a_session_changes_nothing() {
        // Leiden, 28 March 2027: clocks jump from 02:00 to 03:00. A 60-minute session from
        // 01:30 ends at 03:30 on the wall clock, one hour later, not two.
        let start = at(Amsterdam, 2027, 3, 28, 1, 30);
        let end = start + Duration::hours(1);
        assert_eq!(end, at(Amsterdam, 2027, 3, 28, 3, 30));
        assert_eq!(
            air_state(start, end, at(Amsterdam, 2027, 3, 28, 3, 20)),
            Some((AirState::Live, 0))
        );
        assert_eq!(
            air_state(start, end, at(Amsterdam, 2027, 3, 28, 3, 30)),
            None
        );
        // A session at 03:05 just after the jump: ten minutes before is 01:55 on the old clock.
        let after_jump = at(Amsterdam, 2027, 3, 28, 3, 5);
        assert_eq!(
            air_state(
                after_jump,
                after_jump + Duration::hours(1),
                at(Amsterdam, 2027, 3, 28, 1, 55)
            ),
            Some((AirState::StartsSoon, 10))
        );
        // Havana changes at midnight: the first summer Sunday has no 00:00–00:59, so ten
        // minutes before 01:30 is 01:20; the night the clocks go back, 00:30 comes twice and
        // ten minutes before its first time is 00:20 of that first pass.
        let skipped = at(Havana, 2027, 3, 14, 1, 30);
        assert_eq!(
            air_state(
                skipped,
                skipped + Duration::minutes(45),
                at(Havana, 2027, 3, 14, 1, 20)
            ),
            Some((AirState::StartsSoon, 10))
        );
        let twice = at(Havana, 2027, 11, 7, 0, 30);
        let before = twice - Duration::minutes(10);
        assert_eq!(
            air_state(twice, twice + Duration::minutes(45), before),
            Some((AirState::StartsSoon, 10))
        );
    }
}
