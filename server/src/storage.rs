//! Where uploaded files live: a directory on local disk by default, or an S3-compatible
//! bucket (`SIAR_STORAGE=s3://bucket/prefix`, credentials and endpoint from the usual
//! `AWS_*` variables), both behind `object_store`, so every instance sees the same files.

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::StorageConfig;
use crate::error::{AppError, AppResult};

/// The file store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// Opens the store the configuration names (creating a local directory if needed).
    pub fn open(config: &StorageConfig) -> anyhow::Result<Storage> {
        let store: Arc<dyn ObjectStore> = match config {
            StorageConfig::Local(dir) => {
                std::fs::create_dir_all(dir)?;
                Arc::new(LocalFileSystem::new_with_prefix(dir)?)
            }
            StorageConfig::S3(url) => {
                let (bucket_url, prefix) = split_s3_url(url);
                let bucket = AmazonS3Builder::from_env().with_url(bucket_url).build()?;
                if prefix.is_empty() {
                    Arc::new(bucket)
                } else {
                    Arc::new(PrefixStore::new(bucket, prefix))
                }
            }
        };
        Ok(Storage { store })
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

    /// Removes the object at `key`; a missing one is fine.
    pub async fn delete(&self, key: &str) -> AppResult<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(storage_error(error)),
        }
    }
}

fn storage_error(error: object_store::Error) -> AppError {
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
}
