//! Programs, their recurring series, the materialised sessions, blackout dates, partner
//! organisations and who partners on what.
//!
//! Sessions are rows (not computed on the fly) so that people can sign up for them, edit one
//! of them, and so that listing a month is one indexed range query.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_programs(manager).await?;
        create_partners(manager).await?;
        create_blackout_dates(manager).await?;
        create_series(manager).await?;
        create_sessions(manager).await?;
        create_partner_links(manager).await
    }
}

async fn create_programs(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Programs::Table)
                .col(pk_uuid(Programs::Id))
                .col(string_len_uniq(Programs::Slug, 80))
                .col(string_len(Programs::Name, 200))
                .col(string_len(Programs::Kind, 40))
                .col(text(Programs::Description))
                .col(string_len_null(Programs::CoverImageUrl, 500))
                .col(string_len(Programs::Tz, 64))
                .col(integer(Programs::DefaultDurationMinutes))
                .col(string_len_null(Programs::StreamUrl, 500))
                .col(string_len_null(Programs::Platform, 100))
                .col(string_len_null(Programs::Place, 300))
                .col(string_len(Programs::Status, 20))
                .col(timestamp_with_time_zone(Programs::CreatedAt))
                .col(timestamp_with_time_zone(Programs::UpdatedAt))
                .to_owned(),
        )
        .await
}

async fn create_partners(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Partners::Table)
                .col(pk_uuid(Partners::Id))
                .col(string_len_uniq(Partners::Name, 200))
                .col(string_len(Partners::Kind, 40))
                .col(string_len_null(Partners::ContactName, 200))
                .col(string_len_null(Partners::ContactEmail, 254))
                .col(string_len_null(Partners::ContactPhone, 40))
                .col(uuid_null(Partners::ResponsibleUserId))
                .col(text(Partners::Contributes))
                .col(timestamp_with_time_zone(Partners::CreatedAt))
                .col(timestamp_with_time_zone(Partners::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Partners::Table, Partners::ResponsibleUserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
}

async fn create_blackout_dates(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(BlackoutDates::Table)
                .col(pk_uuid(BlackoutDates::Id))
                // No program: the date is closed for every program.
                .col(uuid_null(BlackoutDates::ProgramId))
                .col(date(BlackoutDates::Day))
                .col(string_len(BlackoutDates::Reason, 200))
                .col(timestamp_with_time_zone(BlackoutDates::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(BlackoutDates::Table, BlackoutDates::ProgramId)
                        .to(Programs::Table, Programs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_blackout_dates_day")
                .table(BlackoutDates::Table)
                .col(BlackoutDates::Day)
                .to_owned(),
        )
        .await
}

async fn create_series(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Series::Table)
                .col(pk_uuid(Series::Id))
                .col(uuid(Series::ProgramId))
                .col(string_len_null(Series::Title, 200))
                .col(string_len_null(Series::Host, 200))
                // The RRULE value (RFC 5545), expanded from `starts_at` in `tz`.
                .col(string_len(Series::Rrule, 500))
                .col(timestamp_with_time_zone(Series::StartsAt))
                .col(string_len(Series::Tz, 64))
                .col(integer(Series::DurationMinutes))
                // Occurrences before this instant exist as session rows.
                .col(timestamp_with_time_zone(Series::MaterializedUntil))
                // The series this one was split from ("this and following").
                .col(uuid_null(Series::SplitFrom))
                .col(timestamp_with_time_zone(Series::CreatedAt))
                .col(timestamp_with_time_zone(Series::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Series::Table, Series::ProgramId)
                        .to(Programs::Table, Programs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_series_materialized_until")
                .table(Series::Table)
                .col(Series::MaterializedUntil)
                .to_owned(),
        )
        .await
}

async fn create_sessions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Sessions::Table)
                .col(pk_uuid(Sessions::Id))
                .col(string_len_uniq(Sessions::Uid, 120))
                .col(uuid(Sessions::ProgramId))
                .col(uuid_null(Sessions::SeriesId))
                // The occurrence's start as the series rule produced it; the key of an
                // edited occurrence (RECURRENCE-ID). Null for one-off sessions.
                .col(timestamp_with_time_zone_null(Sessions::OriginalStart))
                .col(timestamp_with_time_zone(Sessions::StartsAt))
                .col(timestamp_with_time_zone(Sessions::EndsAt))
                .col(string_len(Sessions::Tz, 64))
                .col(string_len_null(Sessions::Title, 200))
                .col(string_len_null(Sessions::Host, 200))
                .col(string_len(Sessions::Status, 20))
                .col(string_len_null(Sessions::CancelReason, 300))
                .col(uuid_null(Sessions::BlackoutId))
                // Edited on its own: series changes leave it as it is.
                .col(boolean(Sessions::Detached))
                .col(integer(Sessions::Sequence))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::ProgramId)
                        .to(Programs::Table, Programs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::SeriesId)
                        .to(Series::Table, Series::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::BlackoutId)
                        .to(BlackoutDates::Table, BlackoutDates::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_sessions_series_original")
                .table(Sessions::Table)
                .col(Sessions::SeriesId)
                .col(Sessions::OriginalStart)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_sessions_starts_at")
                .table(Sessions::Table)
                .col(Sessions::StartsAt)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_sessions_program_starts_at")
                .table(Sessions::Table)
                .col(Sessions::ProgramId)
                .col(Sessions::StartsAt)
                .to_owned(),
        )
        .await
}

async fn create_partner_links(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for (table, owner, owner_table, owner_id, name) in [
        (
            ProgramPartners::Table.into_iden(),
            ProgramPartners::ProgramId.into_iden(),
            Programs::Table.into_iden(),
            Programs::Id.into_iden(),
            "idx_program_partners_unique",
        ),
        (
            SessionPartners::Table.into_iden(),
            SessionPartners::SessionId.into_iden(),
            Sessions::Table.into_iden(),
            Sessions::Id.into_iden(),
            "idx_session_partners_unique",
        ),
    ] {
        manager
            .create_table(
                Table::create()
                    .table(table.clone())
                    .col(pk_uuid(Link::Id))
                    .col(uuid(owner.clone()))
                    .col(uuid(Link::PartnerId))
                    .col(string_len(Link::Role, 40))
                    .foreign_key(
                        ForeignKey::create()
                            .from(table.clone(), owner.clone())
                            .to(owner_table, owner_id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(table.clone(), Link::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(table)
                    .col(owner)
                    .col(Link::PartnerId)
                    .col(Link::Role)
                    .unique()
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programs {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Description,
    CoverImageUrl,
    Tz,
    DefaultDurationMinutes,
    StreamUrl,
    Platform,
    Place,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Partners {
    Table,
    Id,
    Name,
    Kind,
    ContactName,
    ContactEmail,
    ContactPhone,
    ResponsibleUserId,
    Contributes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BlackoutDates {
    Table,
    Id,
    ProgramId,
    Day,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Series {
    Table,
    Id,
    ProgramId,
    Title,
    Host,
    Rrule,
    StartsAt,
    Tz,
    DurationMinutes,
    MaterializedUntil,
    SplitFrom,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
    Uid,
    ProgramId,
    SeriesId,
    OriginalStart,
    StartsAt,
    EndsAt,
    Tz,
    Title,
    Host,
    Status,
    CancelReason,
    BlackoutId,
    Detached,
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgramPartners {
    Table,
    ProgramId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SessionPartners {
    Table,
    SessionId,
}

/// Columns both partner link tables share.
#[derive(DeriveIden, Clone, Copy)]
enum Link {
    Id,
    PartnerId,
    Role,
}
