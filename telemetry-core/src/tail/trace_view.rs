//! [`TraceView`]: what the policies see of a trace at its decision.

use std::sync::Arc;
use std::time::Duration;

use telemetry_types::{SpanId, SpanRecord, TraceId};

/// A held trace as the policies see it: its spans (after processors) and its root, when the
/// root is among them.
pub(crate) struct TraceView<'a> {
    pub(crate) trace_id: TraceId,
    pub(crate) spans: &'a [Arc<SpanRecord>],
    pub(crate) root: Option<&'a SpanRecord>,
}

impl<'a> TraceView<'a> {
    pub(crate) fn new(
        trace_id: TraceId,
        spans: &'a [Arc<SpanRecord>],
        root_span_id: Option<SpanId>,
    ) -> Self {
        let root = root_span_id.and_then(|id| spans.iter().find(|s| s.span_id == id));
        TraceView {
            trace_id,
            spans,
            root: root.map(|r| &**r),
        }
    }

    /// The root's duration; for a trace decided before its root ended, the time since its
    /// earliest span started (it has lasted at least that long).
    pub(crate) fn duration(&self) -> Duration {
        if let Some(duration) = self.root.and_then(SpanRecord::duration) {
            return duration;
        }
        let earliest = self.spans.iter().map(|s| s.start_time).min();
        earliest.map_or(Duration::ZERO, |start| {
            crate::clock::now().duration_since(start)
        })
    }

    /// Whether the local root continues a remote parent.
    pub(crate) fn has_remote_parent(&self) -> bool {
        self.root.is_some_and(|r| r.parent_span_id.is_some())
    }
}
