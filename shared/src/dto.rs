//! Request and response types on the wire, one module per resource.

pub mod auth;
