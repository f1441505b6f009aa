//! A second change counter, `signups`, for what only the open-slots feed shows: volunteer
//! sign-ups and session roles. Until now their triggers bumped `calendar`, so every sign-up
//! made every instance rebuild every feed; now they bump `signups`, which only open-slots
//! reads (see `services::feeds::cache`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose triggers move from `calendar` to `signups`.
const SIGNUP_TABLES: &[&str] = &["session_roles", "signups"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO change_counters (name, version) VALUES ('signups', 0)")
            .await?;
        const BUMP: &str =
            "UPDATE change_counters SET version = version + 1 WHERE name = 'signups'";
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE FUNCTION siar_bump_signups_version() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END; $$"
                ))
                .await?;
                for table in SIGNUP_TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_calendar_version ON {table}"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_signups_version \
                         AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION siar_bump_signups_version()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in SIGNUP_TABLES {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        let event_name = event.to_lowercase();
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_calendar_version_{event_name}"
                        ))
                        .await?;
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_signups_version_{event_name} \
                             AFTER {event} ON {table} BEGIN {BUMP}; END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }
}
