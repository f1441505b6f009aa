//! Siar's database schema as ordered migrations, run at start-up by the server.
//!
//! One change per file; a migration that has shipped is never edited. Every migration uses
//! the portable schema helpers so it runs on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_users;
mod m20261125_000002_create_auth_sessions;
mod m20261125_000003_create_login_attempts;
mod m20261125_000004_create_programs_and_sessions;
mod m20261125_000005_calendar_feeds;
mod m20261126_000006_volunteers;
mod m20261202_000007_partner_agreements;
mod m20261202_000008_contests;
mod m20261202_000009_role_counts;
mod m20261203_000010_series_sequence;
mod m20261203_000011_rate_events;
mod m20261203_000012_user_session_generation;
mod m20261203_000013_signup_counter;
mod m20261203_000014_sealed_tokens;
mod m20261205_000015_session_watch_link;
mod m20261205_000016_episodes;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_users::Migration),
            Box::new(m20261125_000002_create_auth_sessions::Migration),
            Box::new(m20261125_000003_create_login_attempts::Migration),
            Box::new(m20261125_000004_create_programs_and_sessions::Migration),
            Box::new(m20261125_000005_calendar_feeds::Migration),
            Box::new(m20261126_000006_volunteers::Migration),
            Box::new(m20261202_000007_partner_agreements::Migration),
            Box::new(m20261202_000008_contests::Migration),
            Box::new(m20261202_000009_role_counts::Migration),
            Box::new(m20261203_000010_series_sequence::Migration),
            Box::new(m20261203_000011_rate_events::Migration),
            Box::new(m20261203_000012_user_session_generation::Migration),
            Box::new(m20261203_000013_signup_counter::Migration),
            Box::new(m20261203_000014_sealed_tokens::Migration),
            Box::new(m20261205_000015_session_watch_link::Migration),
            Box::new(m20261205_000016_episodes::Migration),
        ]
    }
}
