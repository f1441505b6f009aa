//! How a series' occurrences carry over to its session rows when the series is created,
//! extended, changed, split or ended.
//!
//! Rows keep their identity (and so their UID, partners and sign-ups) where possible: a row
//! whose original start is still an occurrence stays with it; the remaining rows take the
//! remaining occurrences in order, so "move every session from 09:00 to 10:00" moves each
//! row rather than replacing it. Rows edited on their own keep their edits unless staff ask
//! to reset them; a cancellation made by hand always stays.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use shared::words::SessionStatus;
use uuid::Uuid;

/// A session row as reconciliation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Id.
    pub id: Uuid,
    /// The occurrence it belongs to.
    pub original_start: DateTime<Utc>,
    /// Its current shape.
    pub shape: Shape,
    /// Edited on its own.
    pub detached: bool,
    /// Its current SEQUENCE.
    pub sequence: i32,
}

/// What people see of a session; a change here raises its sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Own title.
    pub title: Option<String>,
    /// Host.
    pub host: Option<String>,
    /// Scheduled or cancelled.
    pub status: SessionStatus,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
    /// The blackout date that cancelled it.
    pub blackout_id: Option<Uuid>,
}

impl Shape {
    fn cancelled_by_hand(&self) -> bool {
        self.status == SessionStatus::Cancelled && self.blackout_id.is_none()
    }
}

/// What every session of the series looks like unless edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Length.
    pub duration: Duration,
    /// Title.
    pub title: Option<String>,
    /// Host.
    pub host: Option<String>,
}

/// A day off that applies to an occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    /// The blackout date's id.
    pub id: Uuid,
    /// Its reason.
    pub reason: String,
}

/// One change to the session rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A row takes a new original start and shape; `bump` when people see a difference.
    Update {
        /// The row.
        id: Uuid,
        /// Its occurrence.
        original_start: DateTime<Utc>,
        /// Its new shape.
        shape: Shape,
        /// Still edited on its own.
        detached: bool,
        /// People see a difference.
        bump: bool,
        /// Its SEQUENCE after the step (raised when `bump`).
        sequence: i32,
    },
    /// A new row for an occurrence.
    Insert {
        /// Its occurrence.
        original_start: DateTime<Utc>,
        /// Its shape.
        shape: Shape,
    },
    /// A row whose occurrence is gone.
    Delete {
        /// The row.
        id: Uuid,
    },
}

/// The steps that make `rows` match `occurrences` (both within the same window).
pub fn reconcile(
    rows: Vec<Row>,
    occurrences: &[DateTime<Utc>],
    template: &Template,
    day_off: impl Fn(DateTime<Utc>) -> Option<DayOff>,
    reset_individual_edits: bool,
) -> Vec<Step> {
    let wanted: BTreeSet<DateTime<Utc>> = occurrences.iter().copied().collect();
    let mut by_start: HashMap<DateTime<Utc>, Row> = HashMap::new();
    let mut unmatched_rows = Vec::new();
    for row in rows {
        if wanted.contains(&row.original_start) && !by_start.contains_key(&row.original_start) {
            by_start.insert(row.original_start, row);
        } else {
            unmatched_rows.push(row);
        }
    }
    unmatched_rows.sort_by_key(|r| r.original_start);
    let mut unmatched_rows = unmatched_rows.into_iter();

    let mut steps = Vec::new();
    for &occurrence in &wanted {
        let fresh = series_shape(occurrence, template, &day_off);
        let row = by_start
            .remove(&occurrence)
            .or_else(|| unmatched_rows.next());
        let Some(row) = row else {
            steps.push(Step::Insert {
                original_start: occurrence,
                shape: fresh,
            });
            continue;
        };
        let keep_edits = row.detached && !reset_individual_edits;
        let mut shape = if keep_edits { row.shape.clone() } else { fresh };
        if row.shape.cancelled_by_hand() {
            shape.status = SessionStatus::Cancelled;
            shape.cancel_reason = row.shape.cancel_reason.clone();
            shape.blackout_id = None;
        }
        if row.original_start == occurrence && shape == row.shape && row.detached == keep_edits {
            continue;
        }
        let bump = shape != row.shape;
        steps.push(Step::Update {
            id: row.id,
            original_start: occurrence,
            bump,
            sequence: row.sequence + i32::from(bump),
            shape,
            detached: keep_edits,
        });
    }
    for row in unmatched_rows {
        if !row.detached {
            steps.push(Step::Delete { id: row.id });
        }
    }
    steps
}

/// The shape the series gives an occurrence, days off included.
pub fn series_shape(
    start: DateTime<Utc>,
    template: &Template,
    day_off: impl Fn(DateTime<Utc>) -> Option<DayOff>,
) -> Shape {
    let off = day_off(start);
    Shape {
        starts_at: start,
        ends_at: start + template.duration,
        title: template.title.clone(),
        host: template.host.clone(),
        status: if off.is_some() {
            SessionStatus::Cancelled
        } else {
            SessionStatus::Scheduled
        },
        cancel_reason: off.as_ref().map(|o| o.reason.clone()),
        blackout_id: off.map(|o| o.id),
    }
}

#[cfg(test)]
mod tests;
