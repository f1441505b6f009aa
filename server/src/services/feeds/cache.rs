//! Feed bytes kept per server instance, with their ETag and compressed forms.
//!
//! Whether they are still valid is decided by the database, not by this process: a trigger
//! bumps `change_counters.version` in the same transaction as any change to what feeds show
//! (see migration 5). Each instance reads that number at most once per `recheck` interval
//! and rebuilds a feed only when the number moved since the feed was built, so a change made
//! through any instance reaches every instance within `recheck`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sha2::{Digest, Sha256};

use super::Feed;
use crate::error::{AppError, AppResult};

/// One feed, ready to send.
#[derive(Debug)]
pub struct CachedFeed {
    /// The change counter it was built at.
    pub version: i64,
    /// Strong validator of the identity bytes, without quotes.
    pub tag: String,
    /// The latest change of anything in it.
    pub last_modified: DateTime<Utc>,
    /// Uncompressed bytes.
    pub identity: Bytes,
    /// gzip-encoded bytes.
    pub gzip: Bytes,
    /// Brotli-encoded bytes.
    pub brotli: Bytes,
}

impl CachedFeed {
    /// Hashes and compresses `feed` (CPU work: run it off the async threads).
    pub fn new(feed: Feed, version: i64) -> AppResult<CachedFeed> {
        let identity = Bytes::from(feed.body.into_bytes());
        let digest = Sha256::digest(&identity);
        let tag = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Ok(CachedFeed {
            version,
            tag,
            last_modified: feed.last_modified,
            gzip: gzip(&identity)?,
            brotli: brotli(&identity)?,
            identity,
        })
    }
}

fn gzip(bytes: &[u8]) -> AppResult<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(internal)?;
    Ok(Bytes::from(encoder.finish().map_err(internal)?))
}

fn brotli(bytes: &[u8]) -> AppResult<Bytes> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        encoder.write_all(bytes).map_err(internal)?;
    }
    Ok(Bytes::from(out))
}

fn internal(error: std::io::Error) -> AppError {
    AppError::Internal(error.into())
}

#[derive(Debug, Default)]
struct Check {
    version: i64,
    at: Option<Instant>,
}

/// The cache. One per server instance, shared by its requests.
#[derive(Debug)]
pub struct FeedCache {
    recheck: Duration,
    check: Mutex<Check>,
    checking: tokio::sync::Mutex<()>,
    entries: RwLock<HashMap<String, Arc<CachedFeed>>>,
}

impl FeedCache {
    /// A cache that asks the database for the change counter at most every `recheck`.
    pub fn new(recheck: Duration) -> FeedCache {
        FeedCache {
            recheck,
            check: Mutex::new(Check::default()),
            checking: tokio::sync::Mutex::new(()),
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The change counter, read from the database when the last reading is older than
    /// `recheck`. While one request reads it, others go on with the previous reading.
    pub async fn version(&self, db: &DatabaseConnection) -> AppResult<i64> {
        let known = self.known_version();
        if let Some(version) = known.filter(|_| self.is_fresh()) {
            return Ok(version);
        }
        let Ok(_guard) = self.checking.try_lock() else {
            if let Some(version) = known {
                return Ok(version);
            }
            // Nothing read yet: wait for the reading in flight.
            let _guard = self.checking.lock().await;
            return self.read_version(db).await;
        };
        self.read_version(db).await
    }

    fn known_version(&self) -> Option<i64> {
        let check = self.check.lock().ok()?;
        check.at.map(|_| check.version)
    }

    fn is_fresh(&self) -> bool {
        self.check
            .lock()
            .ok()
            .and_then(|c| c.at)
            .is_some_and(|at| at.elapsed() < self.recheck)
    }

    async fn read_version(&self, db: &DatabaseConnection) -> AppResult<i64> {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT version FROM change_counters WHERE name = 'calendar'",
            ))
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("change counter missing")))?;
        let version: i64 = row.try_get("", "version")?;
        if let Ok(mut check) = self.check.lock() {
            check.version = version;
            check.at = Some(Instant::now());
        }
        Ok(version)
    }

    /// The cached feed at `key`, if it was built at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<CachedFeed>> {
        let entries = self.entries.read().ok()?;
        entries.get(key).filter(|e| e.version == version).cloned()
    }

    /// Keeps `feed` at `key`, unless a newer one is already there.
    pub fn put(&self, key: String, feed: Arc<CachedFeed>) {
        if let Ok(mut entries) = self.entries.write() {
            match entries.get(&key) {
                Some(existing) if existing.version > feed.version => {}
                _ => {
                    entries.insert(key, feed);
                }
            }
        }
    }
}
