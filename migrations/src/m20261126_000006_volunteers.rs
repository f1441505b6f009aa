//! Volunteers: their accounts and one-time sign-in links, the roles a session needs, who
//! signed up for which role (confirmed, offered or waiting in line), and the mail outbox.
//!
//! The promise "a place is never given twice" is kept here, not in process memory: a
//! confirmed or offered sign-up holds a numbered place, and `(session_role_id, place)` is
//! unique. Sign-ups serialise on their role's row (see `services::volunteering`), whose
//! `next_position` counter gives each request its place in the arrival order.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// New tables whose rows change feeds (the open-slots feed and people's private feeds).
const FEED_TABLES: &[&str] = &["session_roles", "signups"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_volunteers(manager).await?;
        create_magic_links(manager).await?;
        add_program_signup_settings(manager).await?;
        create_roles(manager).await?;
        create_signups(manager).await?;
        create_outbox(manager).await?;
        create_feed_triggers(manager).await
    }
}

async fn create_volunteers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Volunteers::Table)
                .col(pk_uuid(Volunteers::Id))
                // Normalised (trimmed, lower case) like staff addresses.
                .col(string_len_uniq(Volunteers::Email, 254))
                .col(string_len(Volunteers::Name, 120))
                .col(string_len_null(Volunteers::Phone, 32))
                // Skill codes, comma-separated (`storyteller,host`).
                .col(string_len(Volunteers::Skills, 300).default(""))
                .col(string_len(Volunteers::Lang, 8).default("id"))
                .col(uuid_null(Volunteers::PartnerId))
                .col(string_null(Volunteers::PasswordHash))
                .col(boolean(Volunteers::Active).default(true))
                .col(uuid_null(Volunteers::MergedInto))
                .col(string_len_null(Volunteers::CalendarToken, 64).unique_key())
                .col(timestamp_with_time_zone(Volunteers::CreatedAt))
                .col(timestamp_with_time_zone(Volunteers::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Volunteers::Table, Volunteers::PartnerId)
                        .to(Partners::Table, Partners::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
}

async fn create_magic_links(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(MagicLinks::Table)
                // Only the SHA-256 of the token is stored: the database alone signs nobody in.
                .col(
                    ColumnDef::new(MagicLinks::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(uuid(MagicLinks::VolunteerId))
                .col(timestamp_with_time_zone(MagicLinks::ExpiresAt))
                .col(timestamp_with_time_zone_null(MagicLinks::UsedAt))
                .col(timestamp_with_time_zone(MagicLinks::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MagicLinks::Table, MagicLinks::VolunteerId)
                        .to(Volunteers::Table, Volunteers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

async fn add_program_signup_settings(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for column in [
        // Sign-up and withdrawal close this long before the start.
        ColumnDef::new(Programs::SignupCutoffMinutes)
            .integer()
            .not_null()
            .default(120)
            .to_owned(),
        // How long the first in line has to take a freed place.
        ColumnDef::new(Programs::OfferWindowMinutes)
            .integer()
            .not_null()
            .default(720)
            .to_owned(),
    ] {
        manager
            .alter_table(
                Table::alter()
                    .table(Programs::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

async fn create_roles(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ProgramRoles::Table)
                .col(pk_uuid(ProgramRoles::Id))
                .col(uuid(ProgramRoles::ProgramId))
                .col(string_len(ProgramRoles::Name, 80))
                .col(integer(ProgramRoles::Capacity))
                .col(string_len_null(ProgramRoles::Skill, 32))
                .col(integer(ProgramRoles::Position))
                .col(timestamp_with_time_zone(ProgramRoles::CreatedAt))
                .col(timestamp_with_time_zone(ProgramRoles::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ProgramRoles::Table, ProgramRoles::ProgramId)
                        .to(Programs::Table, Programs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SessionRoles::Table)
                .col(pk_uuid(SessionRoles::Id))
                .col(uuid(SessionRoles::SessionId))
                // The program role it was copied from; NULL for a role added to one session.
                .col(uuid_null(SessionRoles::ProgramRoleId))
                .col(string_len(SessionRoles::Name, 80))
                .col(integer(SessionRoles::Capacity))
                .col(string_len_null(SessionRoles::Skill, 32))
                .col(integer(SessionRoles::Position))
                // Edited on this session: later program edits leave it alone.
                .col(boolean(SessionRoles::Customised).default(false))
                // The arrival counter; bumping it is also what serialises sign-ups.
                .col(big_integer(SessionRoles::NextPosition).default(0))
                .col(timestamp_with_time_zone(SessionRoles::CreatedAt))
                .col(timestamp_with_time_zone(SessionRoles::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionRoles::Table, SessionRoles::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionRoles::Table, SessionRoles::ProgramRoleId)
                        .to(ProgramRoles::Table, ProgramRoles::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_session_roles_session_program_role")
                .table(SessionRoles::Table)
                .col(SessionRoles::SessionId)
                .col(SessionRoles::ProgramRoleId)
                .unique()
                .to_owned(),
        )
        .await
}

async fn create_signups(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Signups::Table)
                .col(pk_uuid(Signups::Id))
                .col(uuid(Signups::SessionRoleId))
                .col(uuid(Signups::SessionId))
                .col(uuid(Signups::VolunteerId))
                // confirmed | offered | waitlisted | withdrawn | removed | lapsed
                .col(string_len(Signups::Status, 16))
                // The place held (confirmed or offered); NULL otherwise.
                .col(integer_null(Signups::Place))
                // Arrival order within the role (the waitlist order).
                .col(big_integer(Signups::Position))
                .col(timestamp_with_time_zone_null(Signups::OfferExpiresAt))
                .col(string_len_null(Signups::IdempotencyKey, 80))
                .col(boolean_null(Signups::Attended))
                .col(integer_null(Signups::MinutesServed))
                // The session's `sequence` the volunteer was last told about.
                .col(integer(Signups::NotifiedSequence).default(0))
                .col(timestamp_with_time_zone(Signups::CreatedAt))
                .col(timestamp_with_time_zone(Signups::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Signups::Table, Signups::SessionRoleId)
                        .to(SessionRoles::Table, SessionRoles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Signups::Table, Signups::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Signups::Table, Signups::VolunteerId)
                        .to(Volunteers::Table, Volunteers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // NULLs are distinct in unique indexes on both backends, so only held places and given
    // keys are constrained.
    for (name, columns) in [
        (
            "idx_signups_role_volunteer",
            [Signups::SessionRoleId, Signups::VolunteerId],
        ),
        (
            "idx_signups_role_place",
            [Signups::SessionRoleId, Signups::Place],
        ),
        (
            "idx_signups_volunteer_idempotency",
            [Signups::VolunteerId, Signups::IdempotencyKey],
        ),
    ] {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(Signups::Table)
                    .col(columns[0])
                    .col(columns[1])
                    .unique()
                    .to_owned(),
            )
            .await?;
    }
    manager
        .create_index(
            Index::create()
                .name("idx_signups_session")
                .table(Signups::Table)
                .col(Signups::SessionId)
                .to_owned(),
        )
        .await
}

async fn create_outbox(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_uuid(Outbox::Id))
                // Makes "this message once" a constraint (reminders, offers).
                .col(string_len_null(Outbox::DedupeKey, 120).unique_key())
                .col(string_len(Outbox::Kind, 40))
                .col(string_len(Outbox::Recipient, 254))
                .col(string_len(Outbox::Lang, 8))
                .col(string_len(Outbox::Subject, 300))
                .col(text(Outbox::Body))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                // A worker's lease: while in the future, no other worker takes the message.
                .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .col(timestamp_with_time_zone_null(Outbox::FailedAt))
                .col(text_null(Outbox::LastError))
                // `smtp` or `mailbox` (the local mailbox page, without an SMTP server).
                .col(string_len_null(Outbox::DeliveredVia, 16))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_outbox_due")
                .table(Outbox::Table)
                .col(Outbox::SentAt)
                .col(Outbox::NextAttemptAt)
                .to_owned(),
        )
        .await
}

async fn create_feed_triggers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    const BUMP: &str = "UPDATE change_counters SET version = version + 1 WHERE name = 'calendar'";
    for table in FEED_TABLES {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                // The function was created by the calendar feeds migration.
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_calendar_version \
                     AFTER INSERT OR UPDATE OR DELETE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION siar_bump_calendar_version()"
                ))
                .await?;
            }
            _ => {
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
enum Volunteers {
    Table,
    Id,
    Email,
    Name,
    Phone,
    Skills,
    Lang,
    PartnerId,
    PasswordHash,
    Active,
    MergedInto,
    CalendarToken,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MagicLinks {
    Table,
    TokenHash,
    VolunteerId,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programs {
    Table,
    Id,
    SignupCutoffMinutes,
    OfferWindowMinutes,
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgramRoles {
    Table,
    Id,
    ProgramId,
    Name,
    Capacity,
    Skill,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SessionRoles {
    Table,
    Id,
    SessionId,
    ProgramRoleId,
    Name,
    Capacity,
    Skill,
    Position,
    Customised,
    NextPosition,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Signups {
    Table,
    Id,
    SessionRoleId,
    SessionId,
    VolunteerId,
    Status,
    Place,
    Position,
    OfferExpiresAt,
    IdempotencyKey,
    Attended,
    MinutesServed,
    NotifiedSequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    DedupeKey,
    Kind,
    Recipient,
    Lang,
    Subject,
    Body,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    SentAt,
    FailedAt,
    LastError,
    DeliveredVia,
    CreatedAt,
}
