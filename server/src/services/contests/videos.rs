//! Resumable video uploads (the tus protocol's rules, without HTTP): an upload belongs to an
//! entry, knows its length from the start, and grows by appends at its current offset.
//! Each append streams into its own storage object (a segment), so no instance holds upload
//! state in memory and a broken connection keeps the bytes that arrived. The offset moves
//! only by a compare-and-set in the database, so two appends racing for one offset (a
//! retried request on another instance) cannot both land.

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt, TryStreamExt};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::dto::volunteers::Refusal;
use shared::words::VideoFormat;
use shared::{FieldError, Lang};
use uuid::Uuid;

use super::{entry_by_token, entry_link, formats_of, load_by_id, require_open};
use crate::db::entities::{contest_entries, contests, upload_segments, uploads};
use crate::domain::contest::{SNIFF_BYTES, sniff_video};
use crate::error::{AppError, AppResult};
use crate::services::mail::{self, letters};
use crate::storage::Storage;
use crate::token_vault::TokenVault;

mod running_time;

/// A video this much over the limit still passes: editors round, and a 7:00 recording's
/// header may say 7:00.4.
const RUNNING_TIME_SLACK_SECONDS: f64 = 1.0;

/// The tus path of an upload.
pub fn tus_path(id: Uuid) -> String {
    format!("/uploads/tus/{id}")
}

/// Where one append's bytes go. Every append writes an object of its own, even at the same
/// offset: a phone's retry may run beside the request it replaces, and the one that loses
/// the compare-and-set must delete only what it wrote itself, never the winner's bytes.
fn segment_key(contest_id: Uuid, upload_id: Uuid, start: i64) -> String {
    let attempt = Uuid::now_v7().simple();
    format!("contests/{contest_id}/uploads/{upload_id}/{start:012}-{attempt}")
}

/// The first byte from which the stored segments no longer hold the upload: a segment row
/// that does not follow the one before, or whose object is missing or of another size.
/// `length` when every byte is there.
async fn first_missing_byte(
    storage: &Storage,
    segments: &[upload_segments::Model],
    length: i64,
) -> AppResult<i64> {
    let mut covered = 0;
    for segment in segments {
        let stored = storage.size(&segment.storage_key).await?;
        if segment.start != covered || stored != Some(segment.length as u64) {
            tracing::error!(
                key = %segment.storage_key,
                start = segment.start,
                expected = segment.length,
                ?stored,
                "an upload segment is missing or incomplete"
            );
            return Ok(covered);
        }
        covered += segment.length;
    }
    Ok(covered.min(length))
}

/// The accepted containers, for people ("MP4, WebM, MOV").
fn accepted_list(formats: &[VideoFormat]) -> String {
    formats
        .iter()
        .map(|f| f.label(Lang::En))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Starts an upload for the entry whose private token is `token`: submissions must be open,
/// and the declared `length` within the contest's limit (checked before any byte is sent).
pub async fn create(
    db: &DatabaseConnection,
    token: &str,
    length: i64,
    file_name: &str,
    now: DateTime<Utc>,
) -> AppResult<uploads::Model> {
    let entry = entry_by_token(db, token).await?;
    let loaded = load_by_id(db, entry.contest_id).await?;
    require_open(&loaded.contest, now)?;
    let max = loaded.contest.max_video_bytes;
    if length > max {
        return Err(AppError::FileTooLarge {
            max_mib: (max / (1024 * 1024)) as u64,
        });
    }
    if length < SNIFF_BYTES as i64 {
        return Err(AppError::field(
            "file",
            FieldError::FileType {
                accepted: accepted_list(&formats_of(&loaded.contest)),
            },
        ));
    }
    let name: String = file_name.trim().chars().take(255).collect();
    let upload = uploads::ActiveModel {
        // Random (v4): the id is the upload's capability, so it must not be guessable.
        id: Set(Uuid::new_v4()),
        entry_id: Set(entry.id),
        length: Set(length),
        received: Set(0),
        container: Set(None),
        file_name: Set(if name.is_empty() {
            "video".into()
        } else {
            name
        }),
        created_at: Set(now),
        updated_at: Set(now),
        completed_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(upload)
}

/// The upload with `id`.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> AppResult<uploads::Model> {
    uploads::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// One append to an upload (a tus PATCH).
pub struct Append<S> {
    /// The upload.
    pub id: Uuid,
    /// Where the client says its bytes start.
    pub offset: i64,
    /// The request's Content-Length, if it sent one.
    pub declared: Option<u64>,
    /// The bytes.
    pub body: S,
}

/// Appends the bytes at the offset. The declared length is checked against the remaining
/// length before anything is read. The first append must carry the container's first
/// bytes, which decide whether the file is a video of an accepted kind. Returns the upload
/// after the append (its `received` is the new offset).
pub async fn append<S, E>(
    db: &DatabaseConnection,
    storage: &Storage,
    request: Append<S>,
    now: DateTime<Utc>,
    vault: &TokenVault,
    base_url: &str,
) -> AppResult<uploads::Model>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + Send + 'static,
    E: Send + 'static,
{
    let Append {
        id,
        offset,
        declared,
        body,
    } = request;
    let upload = get(db, id).await?;
    if upload.completed_at.is_some() {
        return Err(AppError::Refused(Refusal::UploadComplete));
    }
    if offset != upload.received {
        return Err(AppError::Refused(Refusal::UploadOffsetMismatch));
    }
    let entry = contest_entries::Entity::find_by_id(upload.entry_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let contest = contests::Entity::find_by_id(entry.contest_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    // An upload started in time may finish after the close: the clock should not punish a
    // slow connection. It must have started before the close, which `create` enforced.
    let remaining = (upload.length - upload.received) as u64;
    if declared.is_some_and(|length| length > remaining) {
        return Err(AppError::FileTooLarge {
            max_mib: (contest.max_video_bytes / (1024 * 1024)) as u64,
        });
    }

    let mut body: BoxStream<'_, Result<Bytes, E>> = body.boxed();
    let mut container = upload.container.clone();
    if offset == 0 {
        let (head, rest) = read_head(body, SNIFF_BYTES.min(upload.length as usize)).await;
        let format = sniff_video(&head);
        let accepted = formats_of(&contest);
        match format {
            Some(format) if accepted.contains(&format) => {
                container = Some(format.as_str().to_owned());
            }
            // Fewer bytes than needed to decide: the connection broke before them; nothing
            // is kept and the client resumes from 0.
            None if head.len() < SNIFF_BYTES.min(upload.length as usize) => {
                return Ok(upload);
            }
            _ => {
                return Err(AppError::field(
                    "file",
                    FieldError::FileType {
                        accepted: accepted_list(&accepted),
                    },
                ));
            }
        }
        body = stream::iter([Ok(Bytes::from(head))]).chain(rest).boxed();
    }

    let key = segment_key(contest.id, upload.id, offset);
    let stored = storage.put_stream(&key, body, remaining).await?;
    if stored.written == 0 {
        return Ok(upload);
    }
    let received = offset + stored.written as i64;
    let complete = received == upload.length;
    // The pieces a finished upload is made of, checked in storage before the transaction:
    // a call per piece (a HEAD on S3) and the running time's reads must not happen while the
    // database's writer lock is held. The transaction then only confirms they are the same.
    let mut checked_keys = Vec::new();
    if complete {
        let mut pieces = segments(db, upload.id).await?;
        pieces.push(upload_segments::Model {
            upload_id: upload.id,
            start: offset,
            length: stored.written as i64,
            storage_key: key.clone(),
        });
        // "Received" is a promise to the entrant: make it only when every byte is stored.
        let whole = first_missing_byte(storage, &pieces, upload.length).await?;
        if whole < upload.length {
            storage.delete(&key).await?;
            rewind(db, upload.id, whole.min(offset), now).await?;
            return Err(AppError::Refused(Refusal::UploadOffsetMismatch));
        }
        checked_keys = pieces.iter().map(|p| p.storage_key.clone()).collect();
        let video = Video {
            format: container
                .as_deref()
                .and_then(VideoFormat::parse)
                .unwrap_or(VideoFormat::Mp4),
            length: upload.length as u64,
            segments: pieces,
        };
        // Longer than the contest allows: the upload goes, the entry (and any video it had)
        // stays, and the entrant is told how long the file runs.
        let limit = contest.max_video_minutes.max(0) as u32;
        if let Some(seconds) = video.running_seconds(storage).await?
            && seconds > f64::from(limit) * 60.0 + RUNNING_TIME_SLACK_SECONDS
        {
            storage.delete(&key).await?;
            remove(db, storage, upload.id).await?;
            return Err(AppError::field(
                "file",
                FieldError::VideoTooLong {
                    max_minutes: limit,
                    seconds: seconds.floor() as u32,
                },
            ));
        }
    }

    let txn = crate::db::begin(db).await?;
    // Compare-and-set: only the append that started from the current offset moves it.
    let moved = uploads::Entity::update_many()
        .col_expr(uploads::Column::Received, Expr::value(received))
        .col_expr(uploads::Column::Container, Expr::value(container.clone()))
        .col_expr(uploads::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            uploads::Column::CompletedAt,
            Expr::value(complete.then_some(now)),
        )
        .filter(uploads::Column::Id.eq(upload.id))
        .filter(uploads::Column::Received.eq(offset))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        drop(txn);
        storage.delete(&key).await?;
        return Err(AppError::Refused(Refusal::UploadOffsetMismatch));
    }
    upload_segments::ActiveModel {
        upload_id: Set(upload.id),
        start: Set(offset),
        length: Set(stored.written as i64),
        storage_key: Set(key.clone()),
    }
    .insert(&txn)
    .await?;
    if complete {
        // Pieces changed since they were checked (a rewind in between): the entrant's
        // client asks for the offset again and sends what is missing.
        let pieces = segments(&txn, upload.id).await?;
        if !pieces
            .iter()
            .map(|p| &p.storage_key)
            .eq(checked_keys.iter())
        {
            drop(txn);
            storage.delete(&key).await?;
            return Err(AppError::Refused(Refusal::UploadOffsetMismatch));
        }
    }
    let replaced = if complete {
        let previous = entry.video_upload_id;
        let to = super::recipient_of(&entry);
        let program_name = super::load(&txn, contest.clone()).await?.program.name;
        let letter = letters::contest_video_received(
            &to,
            &program_name,
            entry.number,
            upload.length,
            &entry_link(vault, base_url, &entry)?,
        );
        let mut model: contest_entries::ActiveModel = entry.into();
        model.video_upload_id = Set(Some(upload.id));
        model.video_received_at = Set(Some(now));
        model.update(&txn).await?;
        mail::enqueue(&txn, letter, now).await?;
        previous
    } else {
        None
    };
    txn.commit().await?;
    if let Some(previous) = replaced {
        remove(db, storage, previous).await?;
    }
    get(db, id).await
}

/// Takes up to `wanted` bytes off the front of `body`, returning them and the rest.
async fn read_head<'a, E: Send + 'a>(
    mut body: BoxStream<'a, Result<Bytes, E>>,
    wanted: usize,
) -> (Vec<u8>, BoxStream<'a, Result<Bytes, E>>) {
    let mut head = Vec::with_capacity(wanted);
    while head.len() < wanted {
        match body.next().await {
            Some(Ok(mut chunk)) => {
                let take = (wanted - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk.split_to(take));
                if !chunk.is_empty() {
                    return (head, stream::iter([Ok(chunk)]).chain(body).boxed());
                }
            }
            Some(Err(error)) => return (head, stream::iter([Err(error)]).boxed()),
            None => break,
        }
    }
    (head, body)
}

/// Ends an unfinished upload (tus termination) and frees its storage. A finished upload is
/// an entry's video and is replaced by a new upload, not deleted.
pub async fn terminate(db: &DatabaseConnection, storage: &Storage, id: Uuid) -> AppResult<()> {
    let upload = get(db, id).await?;
    if upload.completed_at.is_some() {
        return Err(AppError::Refused(Refusal::UploadComplete));
    }
    remove(db, storage, id).await
}

/// Deletes an upload's segments from storage, then its rows.
async fn remove(db: &DatabaseConnection, storage: &Storage, id: Uuid) -> AppResult<()> {
    for segment in segments(db, id).await? {
        storage.delete(&segment.storage_key).await?;
    }
    uploads::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Moves an upload back to `offset`, forgetting the segments from there on, so the client
/// (which asks for the offset after a refusal) sends those bytes again.
async fn rewind(
    db: &DatabaseConnection,
    upload_id: Uuid,
    offset: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin(db).await?;
    upload_segments::Entity::delete_many()
        .filter(upload_segments::Column::UploadId.eq(upload_id))
        .filter(upload_segments::Column::Start.gte(offset))
        .exec(&txn)
        .await?;
    uploads::Entity::update_many()
        .col_expr(uploads::Column::Received, Expr::value(offset))
        .col_expr(uploads::Column::UpdatedAt, Expr::value(now))
        .filter(uploads::Column::Id.eq(upload_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// An upload's segments in file order.
pub async fn segments(
    db: &impl ConnectionTrait,
    upload_id: Uuid,
) -> AppResult<Vec<upload_segments::Model>> {
    Ok(upload_segments::Entity::find()
        .filter(upload_segments::Column::UploadId.eq(upload_id))
        .order_by_asc(upload_segments::Column::Start)
        .all(db)
        .await?)
}

/// Removes unfinished uploads untouched for longer than `idle`; returns how many. Safe on
/// every instance at once (deleting twice is harmless).
pub async fn clean_abandoned(
    db: &DatabaseConnection,
    storage: &Storage,
    now: DateTime<Utc>,
    idle: Duration,
) -> AppResult<u32> {
    let stale = uploads::Entity::find()
        .filter(uploads::Column::CompletedAt.is_null())
        .filter(uploads::Column::UpdatedAt.lt(now - idle))
        .all(db)
        .await?;
    for upload in &stale {
        remove(db, storage, upload.id).await?;
    }
    Ok(stale.len() as u32)
}

/// A stored video, ready to be read in byte ranges.
#[derive(Debug, Clone)]
pub struct Video {
    /// Its container.
    pub format: VideoFormat,
    /// Its length in bytes.
    pub length: u64,
    segments: Vec<upload_segments::Model>,
}

impl Video {
    /// The bytes `start..end` (end exclusive), read segment by segment.
    pub fn range(
        &self,
        storage: &Storage,
        start: u64,
        end: u64,
    ) -> BoxStream<'static, Result<Bytes, AppError>> {
        let pieces: Vec<(String, std::ops::Range<u64>)> = self
            .segments
            .iter()
            .filter_map(|s| {
                let seg_start = s.start as u64;
                let seg_end = seg_start + s.length as u64;
                let from = start.max(seg_start);
                let to = end.min(seg_end);
                (from < to).then(|| (s.storage_key.clone(), from - seg_start..to - seg_start))
            })
            .collect();
        let storage = storage.clone();
        stream::iter(pieces)
            .then(move |(key, range)| {
                let storage = storage.clone();
                async move { storage.get_range(&key, range).await }
            })
            .map_ok(|chunks| chunks.map_err(crate::storage::storage_error))
            .try_flatten()
            .boxed()
    }
}

/// The finished video of an entry.
pub async fn entry_video(
    db: &DatabaseConnection,
    storage: &Storage,
    entry: &contest_entries::Model,
) -> AppResult<Video> {
    let upload_id = entry.video_upload_id.ok_or(AppError::NotFound)?;
    let upload = get(db, upload_id).await?;
    let format = upload
        .container
        .as_deref()
        .and_then(VideoFormat::parse)
        .ok_or(AppError::NotFound)?;
    let pieces = segments(db, upload_id).await?;
    // Before any header is sent: a missing piece is a logged 500, never a short 200.
    if first_missing_byte(storage, &pieces, upload.length).await? < upload.length {
        return Err(AppError::Internal(anyhow::anyhow!(
            "the stored video of upload {upload_id} is incomplete"
        )));
    }
    Ok(Video {
        format,
        length: upload.length as u64,
        segments: pieces,
    })
}
