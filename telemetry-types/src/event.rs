//! The events that flow from the runtime to exporters.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{SpanRecord, TraceRecord};

/// One telemetry event, the seed's four-variant union.
///
/// Serialized with a `type` tag: `{"type":"span_ended","span":{…}}`. Records are behind
/// `Arc`s so one span is shared by every exporter, never cloned per exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TelemetryEvent {
    /// A trace's root span started.
    TraceStarted {
        /// The trace.
        trace: Arc<TraceRecord>,
    },
    /// A trace's root span ended (or the trace expired; see [`TraceRecord::incomplete`]).
    TraceEnded {
        /// The trace.
        trace: Arc<TraceRecord>,
    },
    /// A span started; the record has no end time yet.
    SpanStarted {
        /// The span at its start.
        span: Arc<SpanRecord>,
    },
    /// A span ended.
    SpanEnded {
        /// The finished span.
        span: Arc<SpanRecord>,
    },
}

impl TelemetryEvent {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            TelemetryEvent::TraceStarted { .. } => EventKind::TraceStarted,
            TelemetryEvent::TraceEnded { .. } => EventKind::TraceEnded,
            TelemetryEvent::SpanStarted { .. } => EventKind::SpanStarted,
            TelemetryEvent::SpanEnded { .. } => EventKind::SpanEnded,
        }
    }

    /// The span, for span events.
    pub fn span(&self) -> Option<&Arc<SpanRecord>> {
        match self {
            TelemetryEvent::SpanStarted { span } | TelemetryEvent::SpanEnded { span } => Some(span),
            _ => None,
        }
    }

    /// The trace, for trace events.
    pub fn trace(&self) -> Option<&Arc<TraceRecord>> {
        match self {
            TelemetryEvent::TraceStarted { trace } | TelemetryEvent::TraceEnded { trace } => {
                Some(trace)
            }
            _ => None,
        }
    }
}

/// The kind of a [`TelemetryEvent`], used by exporters to say which events they want.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `trace_started`.
    TraceStarted,
    /// `trace_ended`.
    TraceEnded,
    /// `span_started`.
    SpanStarted,
    /// `span_ended`.
    SpanEnded,
}

impl EventKind {
    /// The bit of this kind in an [`EventKinds`] set.
    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of event kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventKinds(u8);

impl EventKinds {
    /// No events.
    pub const NONE: EventKinds = EventKinds(0);
    /// All four kinds.
    pub const ALL: EventKinds = EventKinds(0b1111);
    /// Only `span_ended` — what most exporters need.
    pub const SPAN_ENDED: EventKinds = EventKinds(1 << EventKind::SpanEnded as u8);
    /// `span_ended` and `trace_ended`.
    pub const ENDED: EventKinds =
        EventKinds((1 << EventKind::SpanEnded as u8) | (1 << EventKind::TraceEnded as u8));

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: EventKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The set with `kind` added.
    pub const fn with(self, kind: EventKind) -> Self {
        EventKinds(self.0 | kind.bit())
    }

    /// The union of two sets.
    pub const fn union(self, other: EventKinds) -> Self {
        EventKinds(self.0 | other.0)
    }
}
