//! Use cases. Each takes the database connection, its inputs and `now`, owns its
//! transaction, and knows nothing of HTTP; REST handlers, page forms and server functions
//! are thin doors to these.

pub mod agreements;
pub mod auth;
pub mod blackouts;
pub mod contests;
pub mod cooperation;
pub mod episodes;
pub mod feeds;
pub mod mail;
pub mod partners;
pub mod private_links;
pub mod programs;
pub mod rate_limit;
pub mod reports;
pub mod roles;
pub mod series;
pub mod sessions;
pub mod signups;
pub mod users;
pub mod volunteers;
