//! Feed bytes kept per server instance, with their ETag and compressed forms.
//!
//! Whether they are still valid is decided by the database, not by this process: a trigger
//! bumps `change_counters.version` in the same transaction as any change to what feeds show
//! (see migration 5). Each instance reads that number at most once per `recheck` interval
//! and rebuilds a feed only when the number moved since the feed was built, so a change made
//! through any instance reaches every instance within `recheck`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderValue;
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
    /// The ETag header of each coding: identity, gzip, Brotli.
    pub etags: [HeaderValue; 3],
    /// The Last-Modified header.
    pub last_modified_header: HeaderValue,
    /// When the clock alone makes it stale (see [`Feed::valid_until`]).
    pub valid_until: Option<DateTime<Utc>>,
}

impl CachedFeed {
    /// Hashes and compresses `feed` (CPU work: run it off the async threads).
    pub fn new(feed: Feed, version: i64) -> AppResult<CachedFeed> {
        let identity = Bytes::from(feed.body.into_bytes());
        let digest = Sha256::digest(&identity);
        let tag: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        // Headers are made once here, not on every request.
        let header = |text: String| {
            HeaderValue::from_str(&text).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
        };
        Ok(CachedFeed {
            version,
            etags: [
                header(format!("\"{tag}\""))?,
                header(format!("\"{tag}-gz\""))?,
                header(format!("\"{tag}-br\""))?,
            ],
            last_modified_header: header(http_date(feed.last_modified))?,
            tag,
            last_modified: feed.last_modified,
            valid_until: feed.valid_until,
            gzip: gzip(&identity)?,
            brotli: brotli(&identity)?,
            identity,
        })
    }
}

/// An HTTP date (IMF-fixdate).
pub fn http_date(instant: DateTime<Utc>) -> String {
    instant.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
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

/// The cache. One per server instance, shared by its requests.
#[derive(Debug)]
pub struct FeedCache {
    recheck: Duration,
    /// When this cache was made; readings are timed from here.
    epoch: Instant,
    /// The last reading of the change counter, and when it was taken (ms since `epoch`).
    version: AtomicI64,
    read_at_ms: AtomicU64,
    has_read: AtomicBool,
    reading: tokio::sync::Mutex<()>,
    entries: RwLock<HashMap<String, Arc<CachedFeed>>>,
}

impl FeedCache {
    /// A cache that asks the database for the change counter at most every `recheck`.
    pub fn new(recheck: Duration) -> FeedCache {
        FeedCache {
            recheck,
            epoch: Instant::now(),
            version: AtomicI64::new(0),
            read_at_ms: AtomicU64::new(0),
            has_read: AtomicBool::new(false),
            reading: tokio::sync::Mutex::new(()),
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The change counter, read from the database when the last reading is older than
    /// `recheck`. While one request reads it, others go on with the previous reading.
    /// The common case takes no lock.
    pub async fn version(&self, db: &DatabaseConnection) -> AppResult<i64> {
        let has_read = self.has_read.load(Ordering::Acquire);
        if has_read {
            let age = self
                .now_ms()
                .saturating_sub(self.read_at_ms.load(Ordering::Acquire));
            if u128::from(age) < self.recheck.as_millis() {
                return Ok(self.version.load(Ordering::Acquire));
            }
        }
        match self.reading.try_lock() {
            Ok(_guard) => self.read_version(db).await,
            Err(_) if has_read => Ok(self.version.load(Ordering::Acquire)),
            Err(_) => {
                // Nothing read yet: wait for the reading in flight, then read.
                let _guard = self.reading.lock().await;
                self.read_version(db).await
            }
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
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
        self.version.store(version, Ordering::Release);
        self.read_at_ms.store(self.now_ms(), Ordering::Release);
        self.has_read.store(true, Ordering::Release);
        Ok(version)
    }

    /// The cached feed at `key`, if it was built at `version` and the clock has not made it
    /// stale since.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<CachedFeed>> {
        let entries = self.entries.read().ok()?;
        let now = Utc::now();
        entries
            .get(key)
            .filter(|e| e.version == version && e.valid_until.is_none_or(|t| now < t))
            .cloned()
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
