//! Where uploaded files live: a directory on local disk by default, or an S3-compatible
//! bucket (`SIAR_STORAGE=s3://bucket/prefix`, credentials and endpoint from the usual
//! `AWS_*` variables, read by `Config`), both behind `object_store`, so every instance sees the same files.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use crate::config::StorageConfig;
use crate::error::{AppError, AppResult};

mod local_write;

/// Parts of a streamed write to S3 are sent in pieces of this size (S3's minimum part is
/// 5 MiB); at most [`PARTS_IN_FLIGHT`] are buffered at once, so a write holds about 16 MiB
/// however large the file.
const PART_BYTES: usize = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT: usize = 2;

/// What a streamed write stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamedWrite {
    /// Bytes stored (0 means nothing was written at all).
    pub written: u64,
    /// Whether the source broke off before its end (the bytes before the break are kept).
    pub interrupted: bool,
}

/// The file store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The same store when it is local files, whose streamed writes take a shorter path
    /// (see `local_write`).
    local: Option<Arc<LocalFileSystem>>,
    /// The directory of local files, where stopped writes may leave staging files.
    local_root: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// Opens the store the configuration names (creating a local directory if needed).
    pub fn open(config: &StorageConfig) -> anyhow::Result<Storage> {
        match config {
            StorageConfig::Local(dir) => {
                std::fs::create_dir_all(dir)?;
                let local = Arc::new(LocalFileSystem::new_with_prefix(dir)?);
                Ok(Storage {
                    store: local.clone(),
                    local: Some(local),
                    local_root: Some(dir.clone()),
                })
            }
            StorageConfig::S3(url, settings) => {
                let (bucket_url, prefix) = split_s3_url(url);
                let mut builder = AmazonS3Builder::new().with_url(bucket_url);
                for (key, value) in &settings.0 {
                    // Unknown `AWS_*` variables (a profile name, say) are not the store's.
                    if let Ok(key) = key.parse::<AmazonS3ConfigKey>() {
                        builder = builder.with_config(key, value);
                    }
                }
                let bucket = builder.build()?;
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(bucket)
                } else {
                    Arc::new(PrefixStore::new(bucket, prefix))
                };
                Ok(Storage {
                    store,
                    local: None,
                    local_root: None,
                })
            }
        }
    }

    /// Writes `bytes` at `key`, replacing what was there.
    pub async fn put(&self, key: &str, bytes: Bytes) -> AppResult<()> {
        self.store
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    /// The whole object at `key`; a missing one is `NotFound`.
    pub async fn get(&self, key: &str) -> AppResult<Bytes> {
        let result = self.store.get(&Path::from(key)).await;
        match result {
            Ok(found) => found.bytes().await.map_err(storage_error),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
            Err(error) => Err(storage_error(error)),
        }
    }

    /// Streams `chunks` into a new object at `key` in constant memory. A source that breaks
    /// off (a dropped connection) keeps what arrived before the break; one that yields more
    /// than `limit` bytes stores nothing and is `TooLarge`; an empty one stores nothing. A
    /// local object is on disk when this returns: a resumable upload must never report
    /// bytes a crash could lose (an S3 store has stored an object durably when it answers).
    pub async fn put_stream<S, E>(
        &self,
        key: &str,
        mut chunks: S,
        limit: u64,
    ) -> AppResult<StreamedWrite>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        if let Some(local) = &self.local {
            let target = local
                .path_to_filesystem(&Path::from(key))
                .map_err(storage_error)?;
            return local_write::put_stream(target, chunks, limit).await;
        }
        let upload = self
            .store
            .put_multipart(&Path::from(key))
            .await
            .map_err(storage_error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut written: u64 = 0;
        let mut interrupted = false;
        while let Some(next) = chunks.next().await {
            let Ok(bytes) = next else {
                interrupted = true;
                break;
            };
            written += bytes.len() as u64;
            if written > limit {
                // Best effort: the parts already sent are abandoned either way.
                let _ = writer.abort().await;
                return Err(AppError::TooLarge);
            }
            if let Err(error) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(storage_error(error));
            }
            writer.put(bytes);
        }
        if written == 0 {
            let _ = writer.abort().await;
        } else {
            writer.finish().await.map_err(storage_error)?;
        }
        Ok(StreamedWrite {
            written,
            interrupted,
        })
    }

    /// The bytes `range` of the object at `key`, as a stream.
    pub async fn get_range(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> AppResult<BoxStream<'static, object_store::Result<Bytes>>> {
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        match self.store.get_opts(&Path::from(key), options).await {
            Ok(found) => Ok(found.into_stream()),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
            Err(error) => Err(storage_error(error)),
        }
    }

    /// The size of the object at `key`, or `None` when there is none.
    pub async fn size(&self, key: &str) -> AppResult<Option<u64>> {
        match self.store.head(&Path::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(storage_error(error)),
        }
    }

    /// Deletes the staging files of streamed writes that stopped for good (the process was
    /// killed mid-write) and have been untouched for longer than `idle`; returns how many. A
    /// write in progress keeps touching its file. Local files only: on S3 an unfinished
    /// multipart upload is ended by the bucket's lifecycle rule.
    pub async fn clean_staging(&self, idle: std::time::Duration) -> AppResult<u32> {
        let Some(root) = self.local_root.clone() else {
            return Ok(0);
        };
        tokio::task::spawn_blocking(move || local_write::remove_stale_staging(&root, idle))
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("staging clean-up")))?
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("staging clean-up")))
    }

    /// Removes the object at `key`; a missing one is fine.
    pub async fn delete(&self, key: &str) -> AppResult<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(storage_error(error)),
        }
    }
}

/// An error of the store, as the server reports it (logged, never shown).
pub fn storage_error(error: object_store::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(error).context("file storage"))
}

/// `s3://bucket/some/prefix` → (`s3://bucket`, `some/prefix`).
fn split_s3_url(url: &str) -> (String, String) {
    let rest = url.trim_start_matches("s3://");
    match rest.split_once('/') {
        Some((bucket, prefix)) => (
            format!("s3://{bucket}"),
            prefix.trim_matches('/').to_owned(),
        ),
        None => (format!("s3://{rest}"), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s3_url_names_a_bucket_and_an_optional_prefix() {
        assert_eq!(
            split_s3_url("s3://siar/files/"),
            ("s3://siar".to_owned(), "files".to_owned())
        );
        assert_eq!(
            split_s3_url("s3://siar"),
            ("s3://siar".to_owned(), String::new())
        );
    }

    #[tokio::test]
    async fn local_files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&StorageConfig::Local(dir.path().join("files"))).unwrap();
        storage
            .put("agreements/a/b", Bytes::from_static(b"%PDF-1.4"))
            .await
            .unwrap();
        assert_eq!(
            storage.get("agreements/a/b").await.unwrap(),
            Bytes::from_static(b"%PDF-1.4")
        );
        storage.delete("agreements/a/b").await.unwrap();
        assert!(matches!(
            storage.get("agreements/a/b").await,
            Err(AppError::NotFound)
        ));
        storage.delete("agreements/a/b").await.unwrap();
    }

    #[tokio::test]
    async fn a_streamed_write_keeps_what_arrived_before_a_break() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&StorageConfig::Local(dir.path().join("files"))).unwrap();
        let chunks: Vec<Result<Bytes, &str>> = vec![
            Ok(Bytes::from_static(b"hello ")),
            Ok(Bytes::from_static(b"world")),
            Err("connection reset"),
            Ok(Bytes::from_static(b"never read")),
        ];
        let stored = storage
            .put_stream("uploads/x/0", futures_util::stream::iter(chunks), 100)
            .await
            .unwrap();
        assert_eq!(
            stored,
            StreamedWrite {
                written: 11,
                interrupted: true
            }
        );
        let middle: Vec<Bytes> = storage
            .get_range("uploads/x/0", 3..8)
            .await
            .unwrap()
            .map(|chunk| chunk.unwrap())
            .collect()
            .await;
        assert_eq!(middle.concat(), b"lo wo");

        let too_long: Vec<Result<Bytes, &str>> = vec![Ok(Bytes::from_static(b"0123456789"))];
        assert!(matches!(
            storage
                .put_stream("uploads/x/1", futures_util::stream::iter(too_long), 9)
                .await,
            Err(AppError::TooLarge)
        ));
        assert!(matches!(
            storage.get("uploads/x/1").await,
            Err(AppError::NotFound)
        ));
    }

    /// Chunks of `size` bytes whose content tells their position (no two chunks alike).
    fn numbered_chunks(count: u32, size: usize) -> Vec<Result<Bytes, &'static str>> {
        (0..count)
            .map(|n| Ok(Bytes::from(n.to_le_bytes().repeat(size / 4))))
            .collect()
    }

    #[tokio::test]
    async fn staging_files_of_stopped_writes_are_removed_once_idle() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("files");
        let storage = Storage::open(&StorageConfig::Local(root.clone())).unwrap();
        storage
            .put("uploads/z/0", Bytes::from_static(b"kept"))
            .await
            .unwrap();
        let stopped = root.join("uploads/z/000000000000-1.0123456789abcdef0123456789abcdef.part");
        let live = root.join("uploads/z/000000000001-2.fedcba9876543210fedcba9876543210.part");
        let named_alike = root.join("uploads/z/notes.part");
        for path in [&stopped, &live, &named_alike] {
            std::fs::write(path, b"half").unwrap();
        }
        let two_days_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
        for path in [&stopped, &named_alike] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(two_days_ago)
                .unwrap();
        }
        let removed = storage
            .clean_staging(std::time::Duration::from_secs(86_400))
            .await
            .unwrap();
        assert_eq!(removed, 1);
        assert!(!stopped.exists());
        assert!(live.exists() && named_alike.exists());
        assert!(storage.get("uploads/z/0").await.unwrap() == Bytes::from_static(b"kept"));
    }

    #[tokio::test]
    async fn a_long_streamed_write_arrives_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&StorageConfig::Local(dir.path().join("files"))).unwrap();
        // 40 MiB: many batches for the writer and more than one background flush.
        let chunks = numbered_chunks(640, 64 * 1024);
        let expected: Vec<u8> = chunks
            .iter()
            .flat_map(|chunk| chunk.as_ref().unwrap().to_vec())
            .collect();
        let stored = storage
            .put_stream("uploads/y/0", futures_util::stream::iter(chunks), u64::MAX)
            .await
            .unwrap();
        assert_eq!(stored.written, expected.len() as u64);
        assert!(!stored.interrupted);
        assert!(storage.get("uploads/y/0").await.unwrap() == expected);
        // Nothing but the object is left in its directory (no staging file).
        let names: Vec<_> = std::fs::read_dir(dir.path().join("files/uploads/y"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["0"]);

        // Too large after many batches went to disk: nothing stays behind.
        let too_long = numbered_chunks(640, 64 * 1024);
        assert!(matches!(
            storage
                .put_stream(
                    "uploads/y/1",
                    futures_util::stream::iter(too_long),
                    30 << 20
                )
                .await,
            Err(AppError::TooLarge)
        ));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("files/uploads/y"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["0"]);
    }
}
