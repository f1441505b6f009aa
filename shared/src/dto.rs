//! Request and response types on the wire, one module per resource.

pub mod agreements;
pub mod auth;
pub mod calendar;
pub mod contests;
pub mod episodes;
pub mod partners;
pub mod programs;
pub mod reports;
pub mod schedule;
pub mod volunteers;
