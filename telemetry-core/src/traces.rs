//! Bookkeeping of open traces, bounded in count and age.
//!
//! Spans of a trace share its state through `Arc`s, so the core itself holds a trace only
//! here, through a `Weak`. A trace whose root never ends (a leaked handle) is released after
//! the configured maximum age: it gets a `trace_ended` event marked `incomplete` and is counted
//! in [`TelemetryStats::traces_expired`](crate::TelemetryStats::traces_expired).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use telemetry_types::{SpanId, Str, Timestamp, TraceAttributes, TraceId};

/// State of one trace shared by its spans in this process.
pub(crate) struct TraceShared {
    pub(crate) trace_id: TraceId,
    pub(crate) name: Str,
    pub(crate) root_span_id: SpanId,
    pub(crate) start_time: Timestamp,
    pub(crate) attributes: Arc<TraceAttributes>,
    pub(crate) has_error: AtomicBool,
    /// Set when the trace was released early (it outlived the maximum age).
    pub(crate) expired: AtomicBool,
    /// `tracestate` of the remote parent this trace continues, passed on unchanged.
    pub(crate) trace_state: Option<String>,
}

/// How often, at most, open traces are checked for age.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

struct Entry {
    opened: Instant,
    trace: Weak<TraceShared>,
}

pub(crate) struct OpenTraces {
    max_age: Duration,
    max_open: usize,
    table: Mutex<Table>,
    pub(crate) expired: AtomicU64,
    pub(crate) untracked: AtomicU64,
}

struct Table {
    entries: HashMap<TraceId, Entry>,
    last_sweep: Instant,
}

impl OpenTraces {
    pub(crate) fn new(max_age: Duration, max_open: usize) -> Self {
        OpenTraces {
            max_age,
            max_open,
            table: Mutex::new(Table {
                entries: HashMap::new(),
                last_sweep: Instant::now(),
            }),
            expired: AtomicU64::new(0),
            untracked: AtomicU64::new(0),
        }
    }

    /// Tracks a new trace; returns the traces that just expired.
    pub(crate) fn open(&self, trace: &Arc<TraceShared>) -> Vec<Arc<TraceShared>> {
        let now = Instant::now();
        let mut table = self.table.lock();
        let expired = if now.duration_since(table.last_sweep) >= SWEEP_EVERY {
            table.last_sweep = now;
            self.sweep(&mut table, now)
        } else {
            Vec::new()
        };
        if table.entries.len() < self.max_open {
            table.entries.insert(
                trace.trace_id,
                Entry {
                    opened: now,
                    trace: Arc::downgrade(trace),
                },
            );
        } else {
            self.untracked.fetch_add(1, Relaxed);
        }
        expired
    }

    /// Stops tracking a trace whose root ended; `false` if it had already expired.
    pub(crate) fn close(&self, trace: &TraceShared) -> bool {
        self.table.lock().entries.remove(&trace.trace_id);
        !trace.expired.load(Relaxed)
    }

    /// Releases every trace older than the maximum age now (also done by `open` once a second).
    pub(crate) fn sweep_now(&self) -> Vec<Arc<TraceShared>> {
        let mut table = self.table.lock();
        self.sweep(&mut table, Instant::now())
    }

    fn sweep(&self, table: &mut Table, now: Instant) -> Vec<Arc<TraceShared>> {
        let mut expired = Vec::new();
        table.entries.retain(|_, entry| {
            if now.duration_since(entry.opened) < self.max_age {
                return true;
            }
            if let Some(trace) = entry.trace.upgrade() {
                trace.expired.store(true, Relaxed);
                expired.push(trace);
            }
            false
        });
        self.expired.fetch_add(expired.len() as u64, Relaxed);
        expired
    }

    pub(crate) fn len(&self) -> usize {
        self.table.lock().entries.len()
    }
}
