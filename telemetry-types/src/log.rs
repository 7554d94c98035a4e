//! Log records (OTLP logs): what arrives on `/v1/logs`, kept as sent.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{SpanEvent, SpanId, Timestamp, TraceId};

/// One log record. A record with a trace and span id is also an event of that span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// When it happened (the observed time when the sender gave none).
    pub time: Timestamp,
    /// OpenTelemetry severity number (1–24; 0 when unspecified).
    #[serde(default)]
    pub severity_number: i32,
    /// Severity as the sender named it (`INFO`, `warn`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_text: Option<String>,
    /// The event name (`gen_ai.choice`, …), for event records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// The body: a string, or structured data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Attributes.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub attributes: Map<String, Value>,
    /// The trace it was recorded in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<TraceId>,
    /// The span it was recorded in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_id: Option<SpanId>,
    /// The resource's `service.name`.
    #[serde(default)]
    pub service_name: String,
}

/// Name of the span event of a record without an event name.
pub const LOG_EVENT_NAME: &str = "log";

impl LogRecord {
    /// The record as an event of its span: named by its event name (else `log`), with its
    /// attributes plus `log.severity_number`, `log.severity_text` and `log.body` when set.
    pub fn to_span_event(&self) -> SpanEvent {
        let mut attributes = self.attributes.clone();
        if self.severity_number != 0 {
            attributes.insert("log.severity_number".into(), self.severity_number.into());
        }
        if let Some(text) = &self.severity_text {
            attributes.insert("log.severity_text".into(), text.clone().into());
        }
        if let Some(body) = &self.body {
            attributes.insert("log.body".into(), body.clone());
        }
        SpanEvent {
            name: self
                .event_name
                .as_deref()
                .unwrap_or(LOG_EVENT_NAME)
                .to_owned()
                .into(),
            time: self.time,
            attributes,
        }
    }
}
