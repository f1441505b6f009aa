//! Small reusable views: one job each, typed props, no data access.

pub mod layout;
