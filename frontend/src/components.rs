//! Small reusable views: one job each, typed props, no data access.

pub mod form;
pub mod layout;
pub mod session_list;
