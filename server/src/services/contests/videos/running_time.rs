//! How long a finished upload runs, read from its container's header by byte ranges (see
//! `domain::video_length`): the contest's length limit is enforced on the file itself, not
//! on what the entrant says.

use futures_util::StreamExt;
use shared::words::VideoFormat;

use super::Video;
use crate::domain::video_length::{
    BOX_HEADER_BYTES, MATROSKA_HEAD_BYTES, matroska_seconds, movie_seconds, top_box,
};
use crate::error::AppResult;
use crate::storage::Storage;

/// A file has a handful of top-level boxes; a damaged one could claim thousands of tiny ones.
const MAX_TOP_BOXES: usize = 64;
/// The largest `moov` read: hours of video index in a few MiB; beyond that, not a phone's
/// recording, and not worth holding in memory.
const MAX_MOOV_BYTES: u64 = 64 * 1024 * 1024;

impl Video {
    /// How long the video runs, in seconds; `None` when its header does not say (a
    /// fragmented MP4, a WebM recorded live) or cannot be read as its container.
    pub async fn running_seconds(&self, storage: &Storage) -> AppResult<Option<f64>> {
        match self.format {
            VideoFormat::Mp4 | VideoFormat::Mov => self.movie_seconds(storage).await,
            VideoFormat::Webm => {
                let head = self.bytes(storage, 0, MATROSKA_HEAD_BYTES).await?;
                Ok(matroska_seconds(&head))
            }
        }
    }

    /// Walks the top-level boxes by their headers to `moov`, then reads it.
    async fn movie_seconds(&self, storage: &Storage) -> AppResult<Option<f64>> {
        let mut at = 0u64;
        for _ in 0..MAX_TOP_BOXES {
            if at.saturating_add(8) > self.length {
                break;
            }
            let header = self.bytes(storage, at, BOX_HEADER_BYTES).await?;
            let Some(found) = top_box(&header) else {
                break;
            };
            let size = found.size.unwrap_or(self.length - at);
            if &found.kind == b"moov" {
                if size > MAX_MOOV_BYTES {
                    return Ok(None);
                }
                let body = self
                    .bytes(storage, at + found.header, size - found.header)
                    .await?;
                return Ok(movie_seconds(&body));
            }
            at = at.saturating_add(size);
        }
        Ok(None)
    }

    /// Up to `length` bytes from `start` (fewer at the end of the file).
    async fn bytes(&self, storage: &Storage, start: u64, length: u64) -> AppResult<Vec<u8>> {
        let end = start.saturating_add(length).min(self.length);
        let mut out = Vec::with_capacity(end.saturating_sub(start) as usize);
        let mut chunks = self.range(storage, start, end);
        while let Some(chunk) = chunks.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    }
}
