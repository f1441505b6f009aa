//! Connecting to the database (SQLite or PostgreSQL) and migrating it.
//!
//! SQLite gets WAL, a busy timeout and foreign keys, so that concurrent requests wait for the
//! single writer instead of failing with "database is locked". PostgreSQL can be confined to
//! a schema (tests give each run its own).

pub mod entities;

use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::config::Config;

/// Connections to a SQLite file: one writes at a time, the rest read.
pub const SQLITE_POOL: u32 = 8;
/// How long a SQLite connection waits for the writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the connection pool; creates the SQLite file's directory or the PostgreSQL schema if
/// they are missing.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = &config.database_url;
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(config.database_acquire_timeout);

    if url.starts_with("sqlite:") {
        ensure_sqlite_directory(url)?;
        options
            .max_connections(SQLITE_POOL)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
            });
    } else {
        options.max_connections(config.database_pool);
        if let Some(schema) = &config.database_schema {
            create_schema(url, schema).await?;
            options.set_schema_search_path(schema.clone());
        }
    }
    Database::connect(options).await.with_context(|| {
        format!(
            "cannot connect to the database at DATABASE_URL ({})",
            backend_name(url)
        )
    })
}

/// Applies every pending migration; a failure stops start-up.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// Begins a transaction that may write. SQLite takes its one writer's lock at `BEGIN`, waiting
/// under the busy timeout: a transaction begun as a reader fails at its first write with
/// "database is locked", without waiting, once another writer has committed since its first
/// read. PostgreSQL ignores the mode. Every transaction goes through here (clippy forbids
/// `TransactionTrait::begin` elsewhere).
pub async fn begin<C>(db: &C) -> Result<DatabaseTransaction, DbErr>
where
    C: TransactionTrait<Transaction = DatabaseTransaction>,
{
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A cheap round trip, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1",
    ))
    .await
    .map(|_| ())
}

async fn create_schema(url: &str, schema: &str) -> anyhow::Result<()> {
    // The schema name was checked to be an identifier by `Config`, so quoting is enough.
    let admin = Database::connect(url)
        .await
        .context("cannot connect to PostgreSQL at DATABASE_URL")?;
    admin
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""),
        ))
        .await
        .with_context(|| format!("cannot create schema {schema}"))?;
    admin.close().await?;
    Ok(())
}

fn ensure_sqlite_directory(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    Ok(())
}

fn backend_name(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}
