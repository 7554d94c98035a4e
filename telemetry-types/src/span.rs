//! The span record: what one finished (or started) operation looks like on the wire.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    SpanAttributes, SpanError, SpanId, SpanType, Str, Timestamp, TraceAttributes, TraceId,
};

/// Outcome of a span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanStatus {
    /// Not set (still running, or ended without a verdict).
    #[default]
    Unset,
    /// Completed successfully.
    Ok,
    /// Failed; see the span's `error`.
    Error,
}

/// A timed event inside a span (the first streamed token, a retry, a log line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanEvent {
    /// Event name.
    pub name: Str,
    /// When it happened.
    pub time: Timestamp,
    /// Event attributes.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub attributes: Map<String, Value>,
}

impl SpanEvent {
    /// An event called `name` happening now.
    pub fn now(name: impl Into<Str>) -> Self {
        SpanEvent {
            name: name.into(),
            time: Timestamp::now(),
            attributes: Map::new(),
        }
    }
}

/// One span: an operation with typed AI attributes, its place in a trace and its outcome.
///
/// JSON shape: ids, `name`, `type` and `attributes` (see [`SpanAttributes`]), optional
/// `input`/`output`/`metadata`, times as RFC 3339 with nanoseconds, `status`, optional `error`,
/// `events`, and the trace-level fields under `trace`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanRecord {
    /// Trace this span belongs to.
    pub trace_id: TraceId,
    /// This span's id.
    pub span_id: SpanId,
    /// Parent span, absent for a root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<SpanId>,
    /// Operation name.
    pub name: Str,
    /// Service that recorded the span.
    pub service_name: Arc<str>,
    /// Typed attributes; `"type"` and `"attributes"` on the wire.
    #[serde(flatten)]
    pub attributes: SpanAttributes,
    /// Input of the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// Output of the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Free-form metadata.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
    /// Start time.
    pub start_time: Timestamp,
    /// End time; absent in a `span_started` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Outcome.
    #[serde(default)]
    pub status: SpanStatus,
    /// The error, when `status` is `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<SpanError>,
    /// Descendants that failed, so a parent that handled an error still shows where it came
    /// from (the parent's own status is unaffected).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errored_descendants: Vec<SpanId>,
    /// Timed events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<SpanEvent>,
    /// The span was ended because its handle was dropped, not by an explicit `end`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ended_by_drop: bool,
    /// Trace-level fields set at the root (user, session, tags, …), shared by every span.
    #[serde(default, skip_serializing_if = "TraceAttributes::is_empty")]
    pub trace: Arc<TraceAttributes>,
}

impl SpanRecord {
    /// The span's type, derived from its attributes.
    pub fn span_type(&self) -> SpanType {
        self.attributes.span_type()
    }

    /// Duration, when the span has ended.
    pub fn duration(&self) -> Option<std::time::Duration> {
        self.end_time.map(|end| end.duration_since(self.start_time))
    }

    /// Whether this span is the root of its trace (in this process).
    pub fn is_root(&self) -> bool {
        self.parent_span_id.is_none()
    }
}
