//! sea-orm entities, one per table, in the shape `sea-orm-cli generate entity` writes them.
//! They mirror `migrations/`; behaviour goes in `services/`, never here.

pub mod auth_sessions;
pub mod login_attempts;
pub mod users;
