//! A tower-sessions `SessionStore` on sea-orm: sessions live in the `auth_sessions` table, so
//! any server instance can serve any request (no sticky sessions, nothing in memory).
//!
//! Rows are keyed by the SHA-256 of the session id: the cookie value itself is never stored,
//! so a leaked copy of the table does not let anyone sign in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::db::entities::auth_sessions::{ActiveModel, Column, Entity};

/// How far a session's expiry may lag behind its last request before it is written again.
const EXPIRY_STEP: chrono::Duration = chrono::Duration::minutes(10);

/// Sessions in the database.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    /// A store on this connection pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn id_hash(id: &Id) -> String {
    crate::auth::sha256_hex(&id.to_string())
}

fn to_chrono(time: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(time.unix_timestamp(), time.nanosecond())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn active_model(record: &Record) -> session_store::Result<ActiveModel> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok(ActiveModel {
        id_hash: Set(id_hash(&record.id)),
        data: Set(data),
        expires_at: Set(to_chrono(record.expiry_date)),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A collision of 128-bit random ids is all but impossible; draw again if it happens.
        loop {
            match Entity::insert(active_model(record)?).exec(&self.db).await {
                Ok(_) => return Ok(()),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Sessions that expire on inactivity are saved after every request only to move the
        // expiry. A write per request would make every page view a database write (and on
        // SQLite, a turn at its single write lock), so the expiry moves at most every
        // EXPIRY_STEP; a 12-hour idle timeout can afford ten minutes.
        let model = active_model(record)?;
        let stored = Entity::find_by_id(id_hash(&record.id))
            .one(&self.db)
            .await
            .map_err(backend)?;
        if let (Some(stored), Set(data), Set(expires_at)) =
            (&stored, &model.data, &model.expires_at)
            && stored.data == *data
            && stored.expires_at + EXPIRY_STEP >= *expires_at
        {
            return Ok(());
        }
        Entity::insert(model)
            .on_conflict(
                OnConflict::column(Column::IdHash)
                    .update_columns([Column::Data, Column::ExpiresAt])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = Entity::find_by_id(id_hash(id))
            .filter(Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        Entity::delete_by_id(id_hash(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        Entity::delete_many()
            .filter(Column::ExpiresAt.lte(Utc::now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
