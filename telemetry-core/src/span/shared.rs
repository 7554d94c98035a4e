//! The state of one recording span, shared by its owner, its children and the context; it
//! holds the runtime's [`Lifecycle`], so it finishes itself without reaching back into the
//! [`Telemetry`](crate::Telemetry) handle.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use parking_lot::Mutex;
use telemetry_types::{SpanId, SpanRecord, SpanStatus, Timestamp, TraceId};

use crate::lifecycle::Lifecycle;
use crate::traces::TraceShared;

/// Most descendants a span lists in `errored_descendants`; more are not listed (the trace's
/// `has_error` still says so).
const MAX_ERRORED_DESCENDANTS: usize = 32;

/// A recording span, shared by its owner, its children and the context.
pub(crate) struct SpanShared {
    pub(crate) lifecycle: Arc<Lifecycle>,
    pub(crate) trace_id: TraceId,
    pub(crate) span_id: SpanId,
    pub(crate) parent: Option<Arc<SpanShared>>,
    pub(crate) trace: Arc<TraceShared>,
    /// Root of the trace in this process: its end ends the trace.
    pub(crate) is_local_root: bool,
    /// The record being built, allocated once at start and handed to exporters as is at the
    /// end (no copy); `None` once the span has ended. Only this field holds the `Arc` while
    /// the span is open, so `Arc::get_mut` always succeeds.
    pub(crate) record: Mutex<Option<Arc<SpanRecord>>>,
}

impl SpanShared {
    /// Ends the span: processes the record and hands it to the exporters. A second call does
    /// nothing.
    pub(crate) fn finish(&self, ended_by_drop: bool, end_time: Option<Timestamp>) {
        let Some(mut shared_record) = self.record.lock().take() else {
            return;
        };
        let Some(record) = Arc::get_mut(&mut shared_record) else {
            return;
        };
        record.end_time = Some(end_time.unwrap_or_else(crate::clock::now));
        record.ended_by_drop = ended_by_drop;
        let failed = record.status == SpanStatus::Error;
        if failed || !record.errored_descendants.is_empty() {
            self.trace.has_error.store(true, Relaxed);
            if let Some(parent) = &self.parent {
                let own = failed.then_some(record.span_id);
                parent.note_errored_descendants(own, &record.errored_descendants);
            }
        }
        let end = record.end_time;
        self.lifecycle.finish_span(shared_record);
        if self.is_local_root {
            self.lifecycle.finish_trace(&self.trace, end);
        }
    }

    pub(crate) fn remote_trace_state(&self) -> Option<String> {
        self.trace.trace_state.clone()
    }

    fn note_errored_descendants(&self, child: Option<SpanId>, grandchildren: &[SpanId]) {
        if let Some(record) = self.record.lock().as_mut().and_then(Arc::get_mut) {
            for id in child.iter().chain(grandchildren) {
                if record.errored_descendants.len() < MAX_ERRORED_DESCENDANTS {
                    record.errored_descendants.push(*id);
                }
            }
        }
    }

    #[inline]
    pub(crate) fn with_record(&self, f: impl FnOnce(&mut SpanRecord)) {
        if let Some(record) = self.record.lock().as_mut().and_then(Arc::get_mut) {
            f(record);
        }
    }
}
