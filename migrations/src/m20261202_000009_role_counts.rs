//! Each role counts its own held places and its waiting line: `held_count` (sign-ups holding
//! a place: confirmed or offered) and `waiting_count` (waitlisted). Triggers on `signups`
//! keep them exact in the same transaction as every change, whichever code makes it, so a
//! sign-up reads both with the role's row it locks instead of counting the line while the
//! row is held.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [SessionRoles::HeldCount, SessionRoles::WaitingCount] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SessionRoles::Table)
                        .add_column(integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE session_roles SET \
             held_count = (SELECT count(*) FROM signups \
                 WHERE signups.session_role_id = session_roles.id AND signups.place IS NOT NULL), \
             waiting_count = (SELECT count(*) FROM signups \
                 WHERE signups.session_role_id = session_roles.id AND signups.status = 'waitlisted')",
        )
        .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => create_postgres_triggers(db).await,
            _ => create_sqlite_triggers(db).await,
        }
    }
}

/// Only changes that move a count run the trigger (attendance marks, reminders' bookkeeping
/// and merges of duplicate volunteers do not).
const UPDATE_EVENT: &str = "UPDATE OF status, place, session_role_id";
const INSERT_COUNTS: &str = "NEW.place IS NOT NULL OR NEW.status = 'waitlisted'";
const DELETE_COUNTS: &str = "OLD.place IS NOT NULL OR OLD.status = 'waitlisted'";
const UPDATE_COUNTS: &str = "(OLD.place IS NULL) <> (NEW.place IS NULL) \
     OR (OLD.status = 'waitlisted') <> (NEW.status = 'waitlisted') \
     OR OLD.session_role_id <> NEW.session_role_id";

async fn create_postgres_triggers(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    db.execute_unprepared(
        "CREATE OR REPLACE FUNCTION siar_count_role_signups() RETURNS trigger \
         LANGUAGE plpgsql AS $$ BEGIN \
           IF TG_OP IN ('UPDATE', 'DELETE') THEN \
             UPDATE session_roles SET \
               held_count = held_count - (OLD.place IS NOT NULL)::int, \
               waiting_count = waiting_count - (OLD.status = 'waitlisted')::int \
             WHERE id = OLD.session_role_id; \
           END IF; \
           IF TG_OP IN ('INSERT', 'UPDATE') THEN \
             UPDATE session_roles SET \
               held_count = held_count + (NEW.place IS NOT NULL)::int, \
               waiting_count = waiting_count + (NEW.status = 'waitlisted')::int \
             WHERE id = NEW.session_role_id; \
           END IF; \
           RETURN NULL; \
         END; $$",
    )
    .await?;
    for (name, event, when) in [
        ("insert", "INSERT", INSERT_COUNTS),
        ("update", UPDATE_EVENT, UPDATE_COUNTS),
        ("delete", "DELETE", DELETE_COUNTS),
    ] {
        db.execute_unprepared(&format!(
            "CREATE TRIGGER signups_role_counts_{name} AFTER {event} ON signups \
             FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION siar_count_role_signups()"
        ))
        .await?;
    }
    Ok(())
}

async fn create_sqlite_triggers(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    const TAKE_OLD: &str = "UPDATE session_roles SET \
         held_count = held_count - (OLD.place IS NOT NULL), \
         waiting_count = waiting_count - (OLD.status = 'waitlisted') \
         WHERE id = OLD.session_role_id;";
    const ADD_NEW: &str = "UPDATE session_roles SET \
         held_count = held_count + (NEW.place IS NOT NULL), \
         waiting_count = waiting_count + (NEW.status = 'waitlisted') \
         WHERE id = NEW.session_role_id;";
    for (name, event, when, body) in [
        ("insert", "INSERT", INSERT_COUNTS, ADD_NEW.to_owned()),
        (
            "update",
            UPDATE_EVENT,
            UPDATE_COUNTS,
            format!("{TAKE_OLD} {ADD_NEW}"),
        ),
        ("delete", "DELETE", DELETE_COUNTS, TAKE_OLD.to_owned()),
    ] {
        db.execute_unprepared(&format!(
            "CREATE TRIGGER signups_role_counts_{name} AFTER {event} ON signups \
             WHEN {when} BEGIN {body} END"
        ))
        .await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum SessionRoles {
    Table,
    HeldCount,
    WaitingCount,
}
