//! Requests counted for rate limits other than sign-in failures: the public forms that send
//! mail (volunteer registration, sign-in links, contest entries), counted per client address
//! and per recipient. Kept in the database so a limit holds across server instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateEvents::Table)
                    .col(pk_uuid(RateEvents::Id))
                    .col(string_len(RateEvents::Bucket, 320))
                    .col(timestamp_with_time_zone(RateEvents::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_events_bucket")
                    .table(RateEvents::Table)
                    .col(RateEvents::Bucket)
                    .col(RateEvents::At)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum RateEvents {
    Table,
    Id,
    Bucket,
    At,
}
