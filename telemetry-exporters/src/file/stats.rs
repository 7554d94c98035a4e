//! Counters of the file exporter.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) sent: AtomicU64,
    pub(crate) written: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) rotations: AtomicU64,
    pub(crate) bytes: AtomicU64,
}

/// A snapshot of a [`FileExporter`](super::FileExporter)'s counters.
///
/// Once [`flush`](telemetry_core::TelemetryExporter::flush) returned,
/// `sent == written + failed + dropped`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileExporterStats {
    /// Events handed to the exporter.
    pub sent: u64,
    /// Events whose lines reached the OS in a complete frame.
    pub written: u64,
    /// Events lost to an I/O error (full disk, file removed, …) or not serializable.
    pub failed: u64,
    /// Events refused because the exporter was shut down.
    pub dropped: u64,
    /// Files closed by rotation.
    pub rotations: u64,
    /// Bytes written to disk (compressed size).
    pub bytes: u64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> FileExporterStats {
        FileExporterStats {
            sent: self.sent.load(Relaxed),
            written: self.written.load(Relaxed),
            failed: self.failed.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            rotations: self.rotations.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        }
    }
}
