//! Feed bytes kept per server instance, with their ETag and compressed forms.
//!
//! Whether they are still valid is decided by the database, not by this process: triggers
//! bump a row of `change_counters` in the same transaction as any change to what feeds show
//! (migrations 5, 6 and 13): `calendar` for programs, sessions, partners and the like,
//! `signups` for sign-ups and session roles, which only the open-slots feed shows. Each
//! instance reads the counters at most once per `recheck` interval and rebuilds a feed only
//! when a counter it depends on moved since it was built, so a change made through any
//! instance reaches every instance within `recheck`, and a sign-up does not rebuild `all.ics`.
//!
//! A feed is built by one request at a time ([`FeedCache::get_or_build`]); requests that
//! arrive meanwhile get the previous bytes, or, when there are none yet, wait for that build.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sha2::{Digest, Sha256};

use super::{Feed, FeedScope};
use crate::error::{AppError, AppResult};

/// The change counters, as last read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Versions {
    /// Moves with anything any feed shows but sign-ups.
    pub calendar: i64,
    /// Moves with sign-ups and session roles.
    pub signups: i64,
}

impl Versions {
    /// The version a feed of `scope` is built at: a number that moves exactly when something
    /// it shows may have changed (both counters only ever grow, so their sum does too).
    pub fn of(self, scope: &FeedScope) -> i64 {
        match scope {
            FeedScope::OpenSlots => self.calendar.saturating_add(self.signups),
            _ => self.calendar,
        }
    }
}

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
    /// The last reading of the change counters, and when it was taken (ms since `epoch`).
    calendar: AtomicI64,
    signups: AtomicI64,
    read_at_ms: AtomicU64,
    has_read: AtomicBool,
    reading: tokio::sync::Mutex<()>,
    entries: RwLock<HashMap<String, Arc<CachedFeed>>>,
    /// One gate per feed being built; the request holding it builds.
    building: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Feeds built so far by this instance.
    builds: AtomicU64,
}

impl FeedCache {
    /// A cache that asks the database for the change counter at most every `recheck`.
    pub fn new(recheck: Duration) -> FeedCache {
        FeedCache {
            recheck,
            epoch: Instant::now(),
            calendar: AtomicI64::new(0),
            signups: AtomicI64::new(0),
            read_at_ms: AtomicU64::new(0),
            has_read: AtomicBool::new(false),
            reading: tokio::sync::Mutex::new(()),
            entries: RwLock::new(HashMap::new()),
            building: Mutex::new(HashMap::new()),
            builds: AtomicU64::new(0),
        }
    }

    /// The change counters, read from the database when the last reading is older than
    /// `recheck`. While one request reads them, others go on with the previous reading.
    /// The common case takes no lock.
    pub async fn versions(&self, db: &DatabaseConnection) -> AppResult<Versions> {
        let has_read = self.has_read.load(Ordering::Acquire);
        if has_read {
            let age = self
                .now_ms()
                .saturating_sub(self.read_at_ms.load(Ordering::Acquire));
            if u128::from(age) < self.recheck.as_millis() {
                return Ok(self.last_read());
            }
        }
        match self.reading.try_lock() {
            Ok(_guard) => self.read_versions(db).await,
            Err(_) if has_read => Ok(self.last_read()),
            Err(_) => {
                // Nothing read yet: wait for the reading in flight, then read.
                let _guard = self.reading.lock().await;
                self.read_versions(db).await
            }
        }
    }

    fn last_read(&self) -> Versions {
        Versions {
            calendar: self.calendar.load(Ordering::Acquire),
            signups: self.signups.load(Ordering::Acquire),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn read_versions(&self, db: &DatabaseConnection) -> AppResult<Versions> {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT name, version FROM change_counters WHERE name IN ('calendar', 'signups')",
            ))
            .await?;
        let mut read = (None, None);
        for row in rows {
            let name: String = row.try_get("", "name")?;
            let version: i64 = row.try_get("", "version")?;
            match name.as_str() {
                "calendar" => read.0 = Some(version),
                _ => read.1 = Some(version),
            }
        }
        let (Some(calendar), Some(signups)) = read else {
            return Err(AppError::Internal(anyhow::anyhow!(
                "change counter missing"
            )));
        };
        self.calendar.store(calendar, Ordering::Release);
        self.signups.store(signups, Ordering::Release);
        self.read_at_ms.store(self.now_ms(), Ordering::Release);
        self.has_read.store(true, Ordering::Release);
        Ok(Versions { calendar, signups })
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

    /// The cached feed at `key` whatever its age: what a request gets while a newer one is
    /// being built.
    fn latest(&self, key: &str) -> Option<Arc<CachedFeed>> {
        self.entries.read().ok()?.get(key).cloned()
    }

    /// The feed at `key` built at `version`: from the cache, or built by `build` (by one
    /// request at a time; the others get the previous bytes meanwhile, or wait when there are
    /// none).
    pub async fn get_or_build<F, Fut>(
        &self,
        key: &str,
        version: i64,
        build: F,
    ) -> AppResult<Arc<CachedFeed>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<CachedFeed>>,
    {
        if let Some(hit) = self.get(key, version) {
            return Ok(hit);
        }
        let gate = self.gate(key);
        let turn = match gate.clone().try_lock_owned() {
            Ok(turn) => turn,
            Err(_) => {
                if let Some(previous) = self.latest(key) {
                    return Ok(previous);
                }
                gate.clone().lock_owned().await
            }
        };
        let result = match self.get(key, version) {
            // Built by the request we waited for.
            Some(hit) => Ok(hit),
            None => build().await.map(|feed| {
                self.builds.fetch_add(1, Ordering::Relaxed);
                let feed = Arc::new(feed);
                self.put(key.to_owned(), feed.clone());
                feed
            }),
        };
        // Forgotten once used, so gates of unknown feeds (a made-up slug) do not pile up.
        if let Ok(mut building) = self.building.lock()
            && building.get(key).is_some_and(|g| Arc::ptr_eq(g, &gate))
        {
            building.remove(key);
        }
        drop(turn);
        result
    }

    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        match self.building.lock() {
            Ok(mut building) => building.entry(key.to_owned()).or_default().clone(),
            // A poisoned map only loses the sharing of builds, never a feed.
            Err(_) => Arc::default(),
        }
    }

    /// How many feeds this instance has built.
    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    fn feed(text: &str, version: i64) -> AppResult<CachedFeed> {
        let feed = Feed {
            body: text.to_owned(),
            last_modified: Utc::now(),
            valid_until: None,
        };
        CachedFeed::new(feed, version)
    }

    /// Six requests at once for a feed at `version`, each building slowly if asked to.
    async fn six_at_once(
        cache: &FeedCache,
        version: i64,
        built: &AtomicU64,
    ) -> Vec<Arc<CachedFeed>> {
        let requests = (0..6).map(|_| {
            cache.get_or_build("all.ics", version, || async move {
                built.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(200)).await;
                feed(&format!("version {version}"), version)
            })
        });
        futures_util::future::join_all(requests)
            .await
            .into_iter()
            .collect::<AppResult<_>>()
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_build_and_get_the_old_bytes_meanwhile() {
        let cache = FeedCache::new(Duration::ZERO);
        let built = AtomicU64::new(0);

        // Nothing cached yet: one builds, the others wait for its bytes.
        let first = six_at_once(&cache, 1, &built).await;
        assert_eq!(built.load(Ordering::SeqCst), 1);
        assert_eq!(first.len(), 6);
        assert!(first.iter().all(|f| &f.identity[..] == b"version 1"));

        // Something changed: one rebuilds; the others do not wait, they get version 1.
        let second = six_at_once(&cache, 2, &built).await;
        assert_eq!(built.load(Ordering::SeqCst), 2);
        let fresh = second.iter().filter(|f| f.version == 2).count();
        assert_eq!((fresh, second.len()), (1, 6));
        assert_eq!(cache.builds(), 2);
        // Afterwards every request gets the new bytes, and no gate is left behind.
        assert_eq!(six_at_once(&cache, 2, &built).await[5].version, 2);
        assert_eq!(built.load(Ordering::SeqCst), 2);
        assert!(cache.building.lock().map(|b| b.is_empty()).unwrap_or(false));
    }

    #[tokio::test]
    async fn a_failed_build_is_not_kept_and_the_next_request_builds_again() {
        let cache = FeedCache::new(Duration::ZERO);
        let failed = cache
            .get_or_build("programs/nope.ics", 1, || async { Err(AppError::NotFound) })
            .await;
        assert!(matches!(failed, Err(AppError::NotFound)));
        let built = cache
            .get_or_build("programs/nope.ics", 1, || async {
                feed("now it exists", 1)
            })
            .await;
        assert!(built.is_ok());
    }
}
