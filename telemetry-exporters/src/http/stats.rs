//! Counters of the HTTP exporter.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) sent: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) dropped_overflow: AtomicU64,
    pub(crate) dropped_undeliverable: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) bytes: AtomicU64,
}

/// A snapshot of an [`HttpExporter`](super::HttpExporter)'s counters, in events (spans for
/// the OTLP formats).
///
/// Every event handed to the exporter ends in exactly one of `delivered`, `rejected` or
/// `dropped`, or is still `pending`: `sent == delivered + rejected + dropped + pending`, and
/// `pending` is 0 once [`flush`](telemetry_core::TelemetryExporter::flush) has returned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HttpExporterStats {
    /// Events handed to the exporter.
    pub sent: u64,
    /// Events the server acknowledged (2xx, minus what a partial success rejected).
    pub delivered: u64,
    /// Events the server refused: a non-retryable status (400, 401, 413, 500, …) or the
    /// `rejected_spans` of an OTLP partial success.
    pub rejected: u64,
    /// Events given up on: `dropped_overflow + dropped_undeliverable`.
    pub dropped: u64,
    /// Events dropped because the buffer was full (or the exporter shut down).
    pub dropped_overflow: u64,
    /// Events dropped after their request's retries ran out.
    pub dropped_undeliverable: u64,
    /// Events accepted and not yet resolved.
    pub pending: u64,
    /// Retries made (beyond first tries).
    pub retries: u64,
    /// HTTP requests made, retries included.
    pub requests: u64,
    /// Body bytes sent (after compression), retries included.
    pub bytes: u64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> HttpExporterStats {
        // Read the outcomes before `sent`, so `pending` never goes below zero.
        let delivered = self.delivered.load(Relaxed);
        let rejected = self.rejected.load(Relaxed);
        let overflow = self.dropped_overflow.load(Relaxed);
        let undeliverable = self.dropped_undeliverable.load(Relaxed);
        let sent = self.sent.load(Relaxed);
        let dropped = overflow + undeliverable;
        HttpExporterStats {
            sent,
            delivered,
            rejected,
            dropped,
            dropped_overflow: overflow,
            dropped_undeliverable: undeliverable,
            pending: sent.saturating_sub(delivered + rejected + dropped),
            retries: self.retries.load(Relaxed),
            requests: self.requests.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        }
    }
}
