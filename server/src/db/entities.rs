//! sea-orm entities, one per table, in the shape `sea-orm-cli generate entity` writes them.
//! They mirror `migrations/`; behaviour goes in `services/`, never here.

pub mod agreement_documents;
pub mod agreement_partners;
pub mod agreement_programs;
pub mod agreements;
pub mod auth_sessions;
pub mod blackout_dates;
pub mod contest_categories;
pub mod contest_criteria;
pub mod contest_entries;
pub mod contests;
pub mod episode_books;
pub mod episodes;
pub mod instance_secrets;
pub mod judge_assignments;
pub mod judge_conflicts;
pub mod judge_reviews;
pub mod login_attempts;
pub mod magic_links;
pub mod outbox;
pub mod partners;
pub mod program_partners;
pub mod program_roles;
pub mod programs;
pub mod rate_events;
pub mod series;
pub mod session_partners;
pub mod session_roles;
pub mod sessions;
pub mod signups;
pub mod upload_segments;
pub mod uploads;
pub mod users;
pub mod volunteers;
