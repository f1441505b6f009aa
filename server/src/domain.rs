//! Scheduling rules, free of HTTP and of the database: time zones, recurrence expansion,
//! how a changed series carries over to its session rows, and overlap detection. Functions
//! take `now` as an argument; only services read the clock.

pub mod conflicts;
pub mod contest;
pub mod ical;
pub mod on_air;
pub mod reconcile;
pub mod recording;
pub mod recurrence;
pub mod video_length;
pub mod zone;
