//! [`TailStats`]: the counters of tail sampling, part of
//! [`TelemetryStats`](crate::TelemetryStats).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counters of tail sampling (all zero while it was never on). A trace is counted once, when
/// it is decided; `decided_early`, `decided_by_timeout` and `decided_on_flush` count the
/// decisions not made at the root's end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TailStats {
    /// Whether tail sampling is on now.
    pub enabled: bool,
    /// Traces held now, waiting for their decision.
    pub traces_held: u64,
    /// Spans held now.
    pub spans_held: u64,
    /// Traces kept (delivered to the exporters).
    pub traces_kept: u64,
    /// Traces dropped.
    pub traces_dropped: u64,
    /// Spans of dropped traces (late ones included).
    pub spans_dropped: u64,
    /// Traces decided before their root ended because the buffer was full (the oldest first).
    pub decided_early: u64,
    /// Traces decided because they waited longer than the decision wait.
    pub decided_by_timeout: u64,
    /// Traces decided by a flush, a shutdown or a change of the tail configuration.
    pub decided_on_flush: u64,
    /// Spans that ended after their trace was kept, delivered on their own.
    pub late_spans_delivered: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) kept: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) spans_dropped: AtomicU64,
    pub(crate) early: AtomicU64,
    pub(crate) timeout: AtomicU64,
    pub(crate) flush: AtomicU64,
    pub(crate) late: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Relaxed);
    }

    pub(crate) fn snapshot(&self, enabled: bool, held: (usize, usize)) -> TailStats {
        TailStats {
            enabled,
            traces_held: held.0 as u64,
            spans_held: held.1 as u64,
            traces_kept: self.kept.load(Relaxed),
            traces_dropped: self.dropped.load(Relaxed),
            spans_dropped: self.spans_dropped.load(Relaxed),
            decided_early: self.early.load(Relaxed),
            decided_by_timeout: self.timeout.load(Relaxed),
            decided_on_flush: self.flush.load(Relaxed),
            late_spans_delivered: self.late.load(Relaxed),
        }
    }
}
