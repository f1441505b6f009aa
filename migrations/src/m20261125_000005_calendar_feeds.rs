//! What the calendar feeds need: a stable slug per partner (its feed URL), a private feed
//! token per person, and a change counter that tells every server instance when the cached
//! feed bytes may be out of date.
//!
//! The counter is bumped by triggers, in the same transaction as the change, so no code
//! path that writes programs, series, sessions, partners or their links can forget it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows appear in feeds.
const FEED_TABLES: &[&str] = &[
    "programs",
    "series",
    "sessions",
    "partners",
    "program_partners",
    "session_partners",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_partner_slugs(manager).await?;
        add_calendar_tokens(manager).await?;
        create_change_counters(manager).await?;
        create_triggers(manager).await
    }
}

async fn add_partner_slugs(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Partners::Table)
                .add_column(
                    ColumnDef::new(Partners::Slug)
                        .string_len(80)
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name FROM partners ORDER BY created_at",
        ))
        .await?;
    let mut taken = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        let slug = shared::validation::unique_slug(&name, |s| taken.iter().any(|t| t == s));
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                // Names are unique, so they identify the row.
                DbBackend::Postgres => "UPDATE partners SET slug = $1 WHERE name = $2",
                _ => "UPDATE partners SET slug = ? WHERE name = ?",
            },
            [slug.clone().into(), name.into()],
        ))
        .await?;
        taken.push(slug);
    }
    manager
        .create_index(
            Index::create()
                .name("idx_partners_slug")
                .table(Partners::Table)
                .col(Partners::Slug)
                .unique()
                .to_owned(),
        )
        .await
}

async fn add_calendar_tokens(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Users::Table)
                // Set on first use; NULL until then.
                .add_column(ColumnDef::new(Users::CalendarToken).string_len(64).null())
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_users_calendar_token")
                .table(Users::Table)
                .col(Users::CalendarToken)
                .unique()
                .to_owned(),
        )
        .await
}

async fn create_change_counters(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ChangeCounters::Table)
                .col(
                    ColumnDef::new(ChangeCounters::Name)
                        .string_len(40)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ChangeCounters::Version)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
    let insert = Query::insert()
        .into_table(ChangeCounters::Table)
        .columns([ChangeCounters::Name, ChangeCounters::Version])
        .values_panic(["calendar".into(), 0.into()])
        .to_owned();
    manager.exec_stmt(insert).await
}

async fn create_triggers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    const BUMP: &str = "UPDATE change_counters SET version = version + 1 WHERE name = 'calendar'";
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION siar_bump_calendar_version() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END; $$"
            ))
            .await?;
            for table in FEED_TABLES {
                // Once per statement: a series materialising 400 sessions bumps once.
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_calendar_version \
                     AFTER INSERT OR UPDATE OR DELETE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION siar_bump_calendar_version()"
                ))
                .await?;
            }
        }
        _ => {
            // SQLite has row triggers only; a bump is one in-page update, cheap enough.
            for table in FEED_TABLES {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let name = format!("{table}_calendar_version_{}", event.to_lowercase());
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP}; END"
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Slug,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    CalendarToken,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeCounters {
    Table,
    Name,
    Version,
}
