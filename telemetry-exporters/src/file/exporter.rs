//! The file exporter: serializes batches to JSON Lines and hands them to the writer thread.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use async_trait::async_trait;
use crossbeam_channel::{Sender, TrySendError};
use telemetry_core::{ExportError, ExporterCapabilities, TelemetryEvent, TelemetryExporter};
use tokio::sync::oneshot;

use super::config::FileExporterConfig;
use super::error::FileExporterError;
use super::stats::{Counters, FileExporterStats};
use super::writer::{Failure, Message, Reply, Writer};

/// Batches at least this large are serialized in two halves in parallel.
const PARALLEL_MIN: usize = 1024;
/// How long `export_batch` sleeps between tries when the writer's queue is full.
const BACKPRESSURE_PAUSE: Duration = Duration::from_millis(1);

/// Writes events as JSON Lines, one event per line, to rotated and optionally compressed files.
///
/// Events are serialized on the caller's thread (the core's exporter worker) and written,
/// compressed and rotated by a background thread. When the writer falls behind,
/// `export_batch` waits for room (it never drops), so the core's bounded queue absorbs bursts
/// and counts any drop. Cloning gives another handle to the same exporter (for
/// [`stats`](Self::stats)); the writer stops when the last handle is dropped or on
/// [`shutdown`](TelemetryExporter::shutdown).
///
/// ```no_run
/// use telemetry_core::{Telemetry, attrs::ToolCall};
/// use telemetry_exporters::file::{Compression, FileExporter, FileExporterConfig};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let files = FileExporter::new(
///     FileExporterConfig::new("./spans").compression(Compression::gzip()).keep_rotated(10),
/// )?;
/// let telemetry = Telemetry::builder("agent").exporter(files.clone()).build()?;
/// telemetry.span("search", ToolCall::named("search")).start().end();
/// telemetry.shutdown().await?;
/// assert_eq!(files.stats().written, files.stats().sent);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FileExporter {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for FileExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileExporter")
            .field("name", &self.inner.config.name)
            .field("directory", &self.inner.config.directory)
            .field("stats", &self.stats())
            .finish()
    }
}

struct Inner {
    config: FileExporterConfig,
    tx: Sender<Message>,
    counters: Arc<Counters>,
}

impl FileExporter {
    /// Creates the directory and the first file and starts the writer thread.
    ///
    /// # Errors
    /// [`FileExporterError::Io`] when the directory or the file cannot be created (no
    /// permission, a file in the way, read-only or full file system).
    pub fn new(config: FileExporterConfig) -> Result<Self, FileExporterError> {
        let counters = Arc::new(Counters::default());
        let writer = Writer::open(config.clone(), counters.clone())?;
        let (tx, rx) = crossbeam_channel::bounded(config.queue_batches);
        std::thread::Builder::new()
            .name(format!("telemetry-file-{}", config.name))
            .spawn(move || writer.run(rx))
            .map_err(FileExporterError::Thread)?;
        Ok(FileExporter {
            inner: Arc::new(Inner {
                config,
                tx,
                counters,
            }),
        })
    }

    /// The exporter's counters now.
    pub fn stats(&self) -> FileExporterStats {
        self.inner.counters.snapshot()
    }

    /// The configuration the exporter was built with.
    pub fn config(&self) -> &FileExporterConfig {
        &self.inner.config
    }

    /// Queues `message`, waiting (without blocking a tokio runtime) while the queue is full.
    async fn send(&self, mut message: Message) -> Result<(), Message> {
        loop {
            match self.inner.tx.try_send(message) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(m)) if tokio::runtime::Handle::try_current().is_err() => {
                    // Not on tokio (another executor): wait on the channel itself.
                    return self.inner.tx.send(m).map_err(|e| e.into_inner());
                }
                Err(TrySendError::Full(m)) => {
                    message = m;
                    tokio::time::sleep(BACKPRESSURE_PAUSE).await;
                }
                Err(TrySendError::Disconnected(m)) => return Err(m),
            }
        }
    }

    async fn call(&self, make: impl FnOnce(Reply) -> Message) -> Result<(), ExportError> {
        let (reply, answer) = oneshot::channel();
        if self.send(make(reply)).await.is_err() {
            return Err(ExportError::Shutdown(self.inner.config.name.clone()));
        }
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(failure)) => Err(self.lost(failure)),
            Err(_) => Err(ExportError::Shutdown(self.inner.config.name.clone())),
        }
    }

    fn lost(&self, failure: Failure) -> ExportError {
        ExportError::Lost {
            exporter: self.inner.config.name.clone(),
            failed: failure.events,
            message: failure.message,
        }
    }
}

type Lines = (Vec<u8>, u64, u64);

/// Moves the second half of a large batch to tokio's blocking pool for serialization; returns
/// its handle and length, or `None` (batch too small, or no runtime).
fn split_for_parallel(
    events: &mut Vec<TelemetryEvent>,
) -> Option<(tokio::task::JoinHandle<Lines>, u64)> {
    if events.len() < PARALLEL_MIN {
        return None;
    }
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let half = events.split_off(events.len() / 2);
    let count = half.len() as u64;
    Some((runtime.spawn_blocking(move || to_lines(&half)), count))
}

/// Serializes events as JSON lines; returns the bytes, the line count and the events that
/// could not be serialized.
fn to_lines(events: &[TelemetryEvent]) -> Lines {
    let mut bytes = Vec::with_capacity(events.len() * 512);
    let (mut lines, mut failed) = (0, 0);
    for event in events {
        let mark = bytes.len();
        match serde_json::to_writer(&mut bytes, event) {
            Ok(()) => {
                bytes.push(b'\n');
                lines += 1;
            }
            Err(_) => {
                bytes.truncate(mark);
                failed += 1;
            }
        }
    }
    (bytes, lines, failed)
}

#[async_trait]
impl TelemetryExporter for FileExporter {
    fn name(&self) -> &str {
        &self.inner.config.name
    }

    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: self.inner.config.events,
            ..ExporterCapabilities::default()
        }
    }

    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        self.export_batch(vec![event]).await
    }

    /// Serializes the batch (large batches in two halves, one on tokio's blocking pool, so
    /// serialization uses two cores) and queues the lines for the writer, in order.
    async fn export_batch(&self, mut events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        let counters = &self.inner.counters;
        counters.sent.fetch_add(events.len() as u64, Relaxed);
        let mut chunks = Vec::with_capacity(2);
        match split_for_parallel(&mut events) {
            Some((handle, half)) => {
                chunks.push(to_lines(&events));
                // A panic while serializing loses that half: count it as failed.
                chunks.push(handle.await.unwrap_or((Vec::new(), 0, half)));
            }
            None => chunks.push(to_lines(&events)),
        }
        for (bytes, lines, unserializable) in chunks {
            counters.failed.fetch_add(unserializable, Relaxed);
            if lines > 0 && self.send(Message::Lines(bytes, lines)).await.is_err() {
                counters.dropped.fetch_add(lines, Relaxed);
                return Err(ExportError::Shutdown(self.inner.config.name.clone()));
            }
        }
        Ok(())
    }

    /// Ends the current compressed frame and fsyncs the file; reports the events lost to I/O
    /// errors since the previous flush.
    async fn flush(&self) -> Result<(), ExportError> {
        self.call(Message::Flush).await
    }

    /// Flushes and closes the current file; no event is written after it.
    async fn shutdown(&self) -> Result<(), ExportError> {
        self.call(Message::Shutdown).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_with_a_newline_each() {
        let (bytes, lines, failed) = to_lines(&[]);
        assert!(bytes.is_empty());
        assert_eq!((lines, failed), (0, 0));
    }
}
