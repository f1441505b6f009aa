//! `users.session_generation`: a counter every open session of the account must match. An
//! admin deactivating the account, setting its password or signing it out everywhere, and the
//! person changing their own password, raise it, so every session opened before stops at its
//! next request (sessions live in the database, so this holds across server instances).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(integer(Users::SessionGeneration).default(0))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    SessionGeneration,
}
