//! Types and rules that the Siar server and its browser client share.
//!
//! Everything here compiles to wasm: serde, chrono and uuid only. No I/O, no time zone
//! database (chrono-tz stays on the server), no async runtime.

pub mod dto;
pub mod lang;
pub mod problem;
pub mod recurrence;
pub mod share;
pub mod validation;
pub mod words;

pub use lang::Lang;
pub use problem::Problem;
pub use validation::{FieldError, FieldErrors};
