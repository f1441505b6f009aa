//! Failed sign-in attempts, counted per account and per client address for the login rate
//! limit. Kept in the database so the limit holds across server instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(pk_uuid(LoginAttempts::Id))
                    .col(string_len(LoginAttempts::AccountKey, 254))
                    .col(string_len(LoginAttempts::ClientAddr, 64))
                    .col(timestamp_with_time_zone(LoginAttempts::FailedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_login_attempts_account", LoginAttempts::AccountKey),
            ("idx_login_attempts_addr", LoginAttempts::ClientAddr),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(LoginAttempts::Table)
                        .col(column)
                        .col(LoginAttempts::FailedAt)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum LoginAttempts {
    Table,
    Id,
    AccountKey,
    ClientAddr,
    FailedAt,
}
