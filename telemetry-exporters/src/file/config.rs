//! Configuration of the file exporter.

use std::path::PathBuf;
use std::time::Duration;

use telemetry_types::EventKinds;

/// Compression of the files written by the [`FileExporter`](super::FileExporter).
///
/// Compressed files are written as a sequence of complete frames (zstd) or members (gzip): one
/// ends at every flush and at rotation, so a file is readable up to its last flush even if the
/// process is killed while the next frame is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Plain JSON Lines (`.jsonl`).
    #[default]
    None,
    /// gzip, multi-member (`.jsonl.gz`); the level is 0–9.
    Gzip {
        /// Compression level, 0 (none) to 9 (best).
        level: u32,
    },
    /// zstd, multi-frame (`.jsonl.zst`); the level is 1–22 (3 is zstd's default).
    #[cfg(feature = "zstd")]
    Zstd {
        /// Compression level.
        level: i32,
    },
}

impl Compression {
    /// gzip at level 6, the usual default.
    pub const fn gzip() -> Self {
        Compression::Gzip { level: 6 }
    }

    /// zstd at level 1: the fastest, still about 8× smaller than plain JSON for spans.
    #[cfg(feature = "zstd")]
    pub const fn zstd() -> Self {
        Compression::Zstd { level: 1 }
    }

    /// The file name extension, including the leading dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Compression::None => ".jsonl",
            Compression::Gzip { .. } => ".jsonl.gz",
            #[cfg(feature = "zstd")]
            Compression::Zstd { .. } => ".jsonl.zst",
        }
    }
}

/// Settings of a [`FileExporter`](super::FileExporter), built with chained methods.
///
/// ```
/// use std::time::Duration;
/// use telemetry_exporters::file::{Compression, FileExporterConfig};
///
/// let config = FileExporterConfig::new("/var/log/my-agent/spans")
///     .prefix("spans")
///     .compression(Compression::gzip())
///     .max_file_bytes(64 << 20)
///     .max_file_age(Duration::from_secs(3600))
///     .keep_rotated(24);
/// assert_eq!(config.keep_rotated, Some(24));
/// ```
#[derive(Debug, Clone)]
pub struct FileExporterConfig {
    /// Directory the files are written to; created if missing.
    pub directory: PathBuf,
    /// File name prefix: files are `{prefix}-{sequence:010}{extension}`.
    pub prefix: String,
    /// Compression of new files.
    pub compression: Compression,
    /// Rotate once the current file holds at least this many bytes on disk.
    pub max_file_bytes: u64,
    /// Rotate once the current file is this old (and not empty).
    pub max_file_age: Option<Duration>,
    /// Rotated files kept besides the current one; older ones are deleted. `None` keeps all.
    pub keep_rotated: Option<usize>,
    /// How often buffered lines are handed to the OS (and a compressed frame ended) without an
    /// explicit flush. A killed process loses at most this much.
    pub flush_interval: Duration,
    /// Batches waiting for the writer thread before `export_batch` waits for room
    /// (backpressure: the core's own bounded queue then absorbs bursts).
    pub queue_batches: usize,
    /// Event kinds written (default: `span_ended` and `trace_ended`).
    pub events: EventKinds,
    /// Name of the exporter in logs and stats.
    pub name: String,
}

impl FileExporterConfig {
    /// Defaults: prefix `telemetry`, no compression, 128 MiB files, no age limit, keep all,
    /// 1 s flush interval, 16 queued batches, ended spans and ended traces (set
    /// [`events`](Self::events) to [`EventKinds::ALL`] to also log starts).
    pub fn new(directory: impl Into<PathBuf>) -> Self {
        FileExporterConfig {
            directory: directory.into(),
            prefix: "telemetry".to_owned(),
            compression: Compression::None,
            max_file_bytes: 128 << 20,
            max_file_age: None,
            keep_rotated: None,
            flush_interval: Duration::from_secs(1),
            queue_batches: 16,
            events: EventKinds::ENDED,
            name: "file".to_owned(),
        }
    }

    /// Sets the file name prefix.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the compression.
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// Sets the size at which the current file is rotated.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes.max(1);
        self
    }

    /// Sets the age at which the current file is rotated.
    pub fn max_file_age(mut self, age: Duration) -> Self {
        self.max_file_age = Some(age);
        self
    }

    /// Keeps at most `count` rotated files besides the current one.
    pub fn keep_rotated(mut self, count: usize) -> Self {
        self.keep_rotated = Some(count);
        self
    }

    /// Sets the background flush interval.
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.flush_interval = interval;
        self
    }

    /// Sets how many batches may wait for the writer thread.
    pub fn queue_batches(mut self, batches: usize) -> Self {
        self.queue_batches = batches.max(1);
        self
    }

    /// Sets the event kinds written.
    pub fn events(mut self, events: EventKinds) -> Self {
        self.events = events;
        self
    }

    /// Sets the exporter's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}
