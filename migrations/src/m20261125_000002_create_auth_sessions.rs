//! Browser sessions (tower-sessions records), keyed by a hash of the cookie's session id so a
//! copy of the table cannot be replayed as cookies.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthSessions::Table)
                    .col(string_len(AuthSessions::IdHash, 64).primary_key())
                    .col(text(AuthSessions::Data))
                    .col(timestamp_with_time_zone(AuthSessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_sessions_expires_at")
                    .table(AuthSessions::Table)
                    .col(AuthSessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum AuthSessions {
    Table,
    IdHash,
    Data,
    ExpiresAt,
}
