//! `series.sequence`: the SEQUENCE of the series' rule in calendar feeds. The rule's event
//! shows the highest of this and its sessions' sequences; raising this when the rule changes
//! (or sessions go) keeps the feed's SEQUENCE from ever going down. Existing series start at
//! the highest sequence of their sessions, what feeds showed at most until now.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Series::Table)
                    .add_column(integer(Series::Sequence).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE series SET sequence = COALESCE( \
                   (SELECT max(sessions.sequence) FROM sessions WHERE sessions.series_id = series.id), 0)",
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Series {
    Table,
    Sequence,
}
