//! Small reusable views: one job each, typed props, no data access.

pub mod client;
pub mod form;
pub mod layout;
pub mod partner_roles;
pub mod server_link;
pub mod session_list;
pub mod subscribe;
pub mod video_upload;
