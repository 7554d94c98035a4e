//! The span of another process a trace continues from, as read from `traceparent`.

use telemetry_types::{SpanId, TraceId};

/// The span of another process this trace continues from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteParent {
    /// Trace id.
    pub trace_id: TraceId,
    /// The remote span's id.
    pub span_id: SpanId,
    /// The remote sampling decision (the `sampled` trace flag).
    pub sampled: bool,
    /// The `tracestate` header, passed on unchanged.
    pub trace_state: Option<String>,
}
