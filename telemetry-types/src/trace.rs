//! The trace record and the trace-level fields every span of a trace carries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{SpanId, Str, Timestamp, TraceId};

/// Fields set once at a trace's root that reach every span of the trace, so any span can be
/// filtered by them downstream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TraceAttributes {
    /// The trace's own name, when a client names the trace apart from its root span
    /// (Langfuse's `langfuse.trace.name`); otherwise the trace is named after its root span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Str>,
    /// The trace's input, when a client gives one apart from its spans' (Langfuse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// The trace's output, when a client gives one apart from its spans' (Langfuse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// End user the trace serves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Str>,
    /// Session or conversation the trace belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Str>,
    /// Free tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Str>,
    /// Deployment environment (`production`, `staging`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Str>,
    /// Release or version of the application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<Str>,
    /// Chosen request-context keys (tenant, request id, feature flags).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub context: Map<String, Value>,
}

impl TraceAttributes {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.input.is_none()
            && self.output.is_none()
            && self.user_id.is_none()
            && self.session_id.is_none()
            && self.tags.is_empty()
            && self.environment.is_none()
            && self.release.is_none()
            && self.context.is_empty()
    }
}

/// A trace: the tree of spans that one request or run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// Trace id.
    pub trace_id: TraceId,
    /// Name of the trace (its root span's name).
    pub name: Str,
    /// Service that started the trace.
    pub service_name: std::sync::Arc<str>,
    /// The root span.
    pub root_span_id: SpanId,
    /// When the root span started.
    pub start_time: Timestamp,
    /// When the root span ended; absent in `trace_started`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Whether any span of the trace failed (as far as this process saw).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_error: bool,
    /// The trace was released before its root ended (it outlived the configured maximum age).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
    /// User, session, tags, environment, release and context.
    #[serde(flatten)]
    pub attributes: TraceAttributes,
}
