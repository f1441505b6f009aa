//! The episode archive: what staff record about a session after it aired (its recording,
//! summary, storyteller and audience numbers, one row per session) and the books read in it.
//! Both go with their session. The calendar feeds read neither, so neither joins the feed
//! triggers; the recordings feed is built from these rows at each request.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Episodes::Table)
                    .col(uuid(Episodes::SessionId).primary_key())
                    .col(string_len_null(Episodes::RecordingUrl, 500))
                    .col(text_null(Episodes::Summary))
                    .col(string_len_null(Episodes::Storyteller, 200))
                    .col(integer_null(Episodes::Viewers))
                    .col(integer_null(Episodes::LivePeak))
                    .col(integer_null(Episodes::Comments))
                    .col(integer_null(Episodes::InPerson))
                    .col(timestamp_with_time_zone(Episodes::CreatedAt))
                    .col(timestamp_with_time_zone(Episodes::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Episodes::Table, Episodes::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EpisodeBooks::Table)
                    .col(pk_uuid(EpisodeBooks::Id))
                    .col(uuid(EpisodeBooks::SessionId))
                    .col(integer(EpisodeBooks::Position))
                    .col(string_len(EpisodeBooks::Title, 300))
                    .col(string_len_null(EpisodeBooks::Author, 200))
                    .col(string_len_null(EpisodeBooks::Isbn, 13))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EpisodeBooks::Table, EpisodeBooks::SessionId)
                            .to(Episodes::Table, Episodes::SessionId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_episode_books_session")
                    .table(EpisodeBooks::Table)
                    .col(EpisodeBooks::SessionId)
                    .col(EpisodeBooks::Position)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Episodes {
    Table,
    SessionId,
    RecordingUrl,
    Summary,
    Storyteller,
    Viewers,
    LivePeak,
    Comments,
    InPerson,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EpisodeBooks {
    Table,
    Id,
    SessionId,
    Position,
    Title,
    Author,
    Isbn,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
}
