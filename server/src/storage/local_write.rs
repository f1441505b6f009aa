//! Streamed writes to the local store. The bytes go to a staging file next to the object on
//! one blocking thread, fed in batches over a bounded channel (constant memory), while a
//! second thread keeps flushing what is already written: the disk works while the network
//! does, so the last flush before the object counts has only the tail left. A complete
//! staging file is renamed into place (and the rename flushed), so a reader never sees half
//! an object.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;

use super::StreamedWrite;
use crate::error::{AppError, AppResult};

/// The network's chunks are gathered into batches of about this size before they cross to
/// the writing thread (one hand-off per MiB, not per chunk).
const BATCH_BYTES: usize = 1024 * 1024;
/// Batches waiting for the writer: with the one being gathered, a write holds about 6 MiB.
const BATCHES_IN_FLIGHT: usize = 4;
/// A background flush is asked for after every this many bytes written.
const FLUSH_EVERY_BYTES: u64 = 32 * 1024 * 1024;

enum Message {
    Write(Vec<u8>),
    /// Everything is sent: flush, and rename the staging file into place.
    Commit,
}

/// Streams `chunks` into the file `target` (see [`super::Storage::put_stream`]).
pub(super) async fn put_stream<S, E>(
    target: PathBuf,
    mut chunks: S,
    limit: u64,
) -> AppResult<StreamedWrite>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let (sender, receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let (spares, returned) = std::sync::mpsc::channel();
    let writer = tokio::task::spawn_blocking(move || write_staged(&target, receiver, spares));

    let mut written: u64 = 0;
    let mut interrupted = false;
    let mut batch = Batch::new(returned);
    let mut writer_stopped = false;
    while let Some(next) = chunks.next().await {
        let Ok(bytes) = next else {
            interrupted = true;
            break;
        };
        written += bytes.len() as u64;
        if written > limit {
            // Dropping the sender without a commit makes the writer discard the staging file.
            drop(sender);
            finish(writer).await?;
            return Err(AppError::TooLarge);
        }
        if let Some(full) = batch.add(bytes)
            && sender.send(Message::Write(full)).await.is_err()
        {
            writer_stopped = true;
            break;
        }
    }
    if !writer_stopped && written > 0 {
        let last = batch.take();
        let sent = if last.is_empty() {
            Ok(())
        } else {
            sender.send(Message::Write(last)).await
        };
        // A failed send means the writer stopped on an error, which `finish` reports.
        if sent.is_ok() {
            let _ = sender.send(Message::Commit).await;
        }
    }
    drop(sender);
    finish(writer).await?;
    Ok(StreamedWrite {
        written,
        interrupted,
    })
}

/// Bytes gathered for one hand-off to the writer. The network's chunks are copied in, so
/// the HTTP server's receive buffer is free again at once and is reused instead of a fresh
/// one being allocated (and paged in) for every read; the writer hands each written batch's
/// buffer back, so a write cycles through a handful of them.
struct Batch {
    bytes: Vec<u8>,
    returned: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl Batch {
    fn new(returned: std::sync::mpsc::Receiver<Vec<u8>>) -> Self {
        Batch {
            bytes: Vec::with_capacity(BATCH_BYTES),
            returned,
        }
    }

    /// Adds a chunk; returns the batch once it is big enough to send.
    fn add(&mut self, chunk: Bytes) -> Option<Vec<u8>> {
        self.bytes.extend_from_slice(&chunk);
        (self.bytes.len() >= BATCH_BYTES).then(|| self.take())
    }

    fn take(&mut self) -> Vec<u8> {
        let spare = match self.returned.try_recv() {
            Ok(mut spare) => {
                spare.clear();
                spare
            }
            Err(_) => Vec::with_capacity(BATCH_BYTES),
        };
        std::mem::replace(&mut self.bytes, spare)
    }
}

async fn finish(writer: tokio::task::JoinHandle<io::Result<()>>) -> AppResult<()> {
    writer
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing an upload")))
}

/// The writing thread: batches into the staging file until `Commit` (flush, rename into
/// place) or the channel's end without one (the write was abandoned: remove the file).
fn write_staged(
    target: &Path,
    mut receiver: mpsc::Receiver<Message>,
    spares: std::sync::mpsc::Sender<Vec<u8>>,
) -> io::Result<()> {
    let staging = staging_path(target)?;
    let mut file = File::create(&staging)?;
    let flushed = std::thread::scope(|scope| -> io::Result<bool> {
        let flusher = Flusher::start(scope, file.try_clone()?);
        let mut unflushed: u64 = 0;
        let mut committed = false;
        while let Some(message) = receiver.blocking_recv() {
            match message {
                Message::Write(batch) => {
                    file.write_all(&batch)?;
                    unflushed += batch.len() as u64;
                    // The gatherer may have finished; then the buffer is simply dropped.
                    let _ = spares.send(batch);
                    if unflushed >= FLUSH_EVERY_BYTES {
                        flusher.request();
                        unflushed = 0;
                    }
                }
                Message::Commit => {
                    committed = true;
                    break;
                }
            }
        }
        flusher.stop()?;
        Ok(committed)
    });
    match flushed {
        Ok(true) => {
            // Only what is on disk may count: a resumable upload must never report bytes a
            // crash could lose.
            file.sync_data()?;
            drop(file);
            std::fs::rename(&staging, target)?;
            sync_directory_of(target)
        }
        Ok(false) => {
            drop(file);
            std::fs::remove_file(&staging)
        }
        Err(error) => {
            drop(file);
            let _ = std::fs::remove_file(&staging);
            Err(error)
        }
    }
}

/// Makes a rename into `target`'s directory durable (the name, not only the bytes). Only
/// Unix can open a directory to flush it; elsewhere the rename stands as the system keeps it.
fn sync_directory_of(target: &Path) -> io::Result<()> {
    match target.parent() {
        Some(directory) if cfg!(unix) => File::open(directory)?.sync_all(),
        _ => Ok(()),
    }
}

/// Removes staging files under `root` untouched for longer than `idle` (see
/// [`staging_path`] for their names); returns how many.
pub(super) fn remove_stale_staging(root: &Path, idle: std::time::Duration) -> io::Result<u32> {
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    let mut directories = vec![root.to_path_buf()];
    while let Some(directory) = directories.pop() {
        for entry in std::fs::read_dir(&directory)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                directories.push(entry.path());
                continue;
            }
            let idle_for = entry
                .metadata()?
                .modified()
                .ok()
                .and_then(|modified| now.duration_since(modified).ok());
            if is_staging_name(&entry.file_name().to_string_lossy())
                && idle_for.is_some_and(|idle_for| idle_for > idle)
            {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    // Another instance removed it first.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(removed)
}

/// `<object>.<32 hex digits>.part`, as [`staging_path`] names them.
fn is_staging_name(name: &str) -> bool {
    name.strip_suffix(".part")
        .and_then(|rest| rest.rsplit_once('.'))
        .is_some_and(|(object, id)| {
            !object.is_empty() && id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// A staging file beside `target` (same directory, so the rename is atomic), creating the
/// directory if needed.
fn staging_path(target: &Path) -> io::Result<PathBuf> {
    let (Some(directory), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "an object key names no file",
        ));
    };
    std::fs::create_dir_all(directory)?;
    let mut staging = name.to_os_string();
    staging.push(format!(".{}.part", uuid::Uuid::new_v4().simple()));
    Ok(directory.join(staging))
}

/// A thread that flushes the file to disk when asked; requests made while a flush runs
/// fold into the next one.
struct Flusher<'scope> {
    requests: SyncSender<()>,
    thread: std::thread::ScopedJoinHandle<'scope, io::Result<()>>,
}

impl<'scope> Flusher<'scope> {
    fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, file: File) -> Self {
        let (requests, pending) = sync_channel::<()>(1);
        let thread = scope.spawn(move || {
            while pending.recv().is_ok() {
                file.sync_data()?;
            }
            Ok(())
        });
        Flusher { requests, thread }
    }

    fn request(&self) {
        // A flush already waiting covers these bytes too; a stopped flusher has failed,
        // which `stop` reports.
        let _ = self.requests.try_send(());
    }

    fn stop(self) -> io::Result<()> {
        drop(self.requests);
        self.thread
            .join()
            .map_err(|_| io::Error::other("the flushing thread panicked"))?
    }
}
