//! Private links (a partner's page, a contest entry, a calendar feed) stop being kept in plain
//! text. Each token column now holds the token's SHA-256 (to find the row), and a new
//! `…_sealed` column holds the token encrypted under a key the rows do not carry (to show the
//! link again). The server converts rows written before this migration at start-up
//! (`services::private_links`), because only it knows the key.
//!
//! `instance_secrets` keeps the key Siar generates for itself when `SIAR_SECRET` is not set, so
//! every instance on the database uses the same one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables with a private token, and its column.
const TOKEN_COLUMNS: &[(&str, &str)] = &[
    ("users", "calendar_token"),
    ("volunteers", "calendar_token"),
    ("partners", "access_token"),
    ("contest_entries", "access_token"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceSecrets::Table)
                    .col(string_len(InstanceSecrets::Name, 64).primary_key())
                    .col(text(InstanceSecrets::Value))
                    .col(timestamp_with_time_zone(InstanceSecrets::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        for (table, column) in TOKEN_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .add_column(text_null(Alias::new(format!("{column}_sealed"))))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum InstanceSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}
