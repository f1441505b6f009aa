//! Small reusable views: one job each, typed props, no data access.

pub mod bar_chart;
pub mod client;
pub mod episode;
pub mod form;
pub mod layout;
pub mod on_air;
pub mod partner_roles;
pub mod period;
pub mod role_rows;
pub mod server_link;
pub mod session_list;
pub mod share;
pub mod subscribe;
pub mod table_region;
pub mod video_upload;
