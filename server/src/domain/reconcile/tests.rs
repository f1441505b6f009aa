use chrono::TimeZone;

use super::*;

fn day(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
}

fn template() -> Template {
    Template {
        duration: Duration::hours(1),
        title: None,
        host: Some("Kak Rina".into()),
    }
}

fn no_day_off(_: DateTime<Utc>) -> Option<DayOff> {
    None
}

fn row(id: u128, start: DateTime<Utc>) -> Row {
    Row {
        id: Uuid::from_u128(id),
        original_start: start,
        shape: series_shape(start, &template(), no_day_off),
        detached: false,
        sequence: 0,
    }
}

#[test]
fn a_new_series_inserts_one_row_per_occurrence() {
    let steps = reconcile(
        vec![],
        &[day(5, 1), day(12, 1)],
        &template(),
        no_day_off,
        false,
    );
    assert_eq!(steps.len(), 2);
    assert!(
        matches!(&steps[0], Step::Insert { original_start, shape } if *original_start == day(5, 1) && shape.ends_at == day(5, 2))
    );
}

#[test]
fn unchanged_rows_produce_no_steps() {
    let rows = vec![row(1, day(5, 1)), row(2, day(12, 1))];
    assert!(
        reconcile(
            rows,
            &[day(5, 1), day(12, 1)],
            &template(),
            no_day_off,
            false
        )
        .is_empty()
    );
}

#[test]
fn moving_the_time_moves_each_row_and_bumps_it() {
    let rows = vec![row(1, day(5, 1)), row(2, day(12, 1))];
    let steps = reconcile(
        rows,
        &[day(5, 2), day(12, 2)],
        &template(),
        no_day_off,
        false,
    );
    assert_eq!(steps.len(), 2);
    for (step, (id, start)) in steps.iter().zip([(1, day(5, 2)), (2, day(12, 2))]) {
        match step {
            Step::Update {
                id: got,
                shape,
                bump,
                ..
            } => {
                assert_eq!(*got, Uuid::from_u128(id));
                assert_eq!(shape.starts_at, start);
                assert!(bump);
            }
            other => panic!("expected an update, got {other:?}"),
        }
    }
}

#[test]
fn rows_edited_on_their_own_keep_their_edits_unless_reset() {
    let mut moved = row(1, day(5, 1));
    moved.detached = true;
    moved.shape.starts_at = day(6, 1);
    moved.shape.ends_at = day(6, 2);
    let steps = reconcile(
        vec![moved.clone()],
        &[day(5, 2)],
        &template(),
        no_day_off,
        false,
    );
    match &steps[..] {
        [
            Step::Update {
                shape,
                detached,
                bump,
                original_start,
                ..
            },
        ] => {
            assert_eq!(shape.starts_at, day(6, 1));
            assert!(*detached);
            assert!(!bump);
            assert_eq!(*original_start, day(5, 2));
        }
        other => panic!("{other:?}"),
    }
    let steps = reconcile(vec![moved], &[day(5, 2)], &template(), no_day_off, true);
    match &steps[..] {
        [
            Step::Update {
                shape,
                detached,
                bump,
                ..
            },
        ] => {
            assert_eq!(shape.starts_at, day(5, 2));
            assert!(!detached);
            assert!(bump);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cancellations_by_hand_survive_and_days_off_cancel() {
    let mut cancelled = row(1, day(5, 1));
    cancelled.shape.status = SessionStatus::Cancelled;
    cancelled.shape.cancel_reason = Some("Pemateri sakit".into());
    let holiday = Uuid::from_u128(99);
    let day_off = |t: DateTime<Utc>| {
        (t == day(12, 1)).then(|| DayOff {
            id: holiday,
            reason: "Libur".into(),
        })
    };
    let steps = reconcile(
        vec![cancelled, row(2, day(12, 1))],
        &[day(5, 1), day(12, 1)],
        &template(),
        day_off,
        true,
    );
    match &steps[..] {
        [
            Step::Update {
                id,
                shape,
                bump: true,
                ..
            },
        ] => {
            assert_eq!(*id, Uuid::from_u128(2));
            assert_eq!(shape.status, SessionStatus::Cancelled);
            assert_eq!(shape.blackout_id, Some(holiday));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn rows_without_an_occurrence_are_deleted_unless_edited() {
    let mut edited = row(2, day(12, 1));
    edited.detached = true;
    let steps = reconcile(
        vec![row(1, day(5, 1)), edited, row(3, day(19, 1))],
        &[day(5, 1)],
        &template(),
        no_day_off,
        false,
    );
    assert_eq!(
        steps,
        [Step::Delete {
            id: Uuid::from_u128(3)
        }]
    );
}
