//! The native wire format: a JSON batch of `TelemetryEvent`s (see `docs/NATIVE_FORMAT.md`).

use serde::{Deserialize, Serialize};
use telemetry_types::TelemetryEvent;

/// Value of the `format` field of a native batch.
pub const NATIVE_FORMAT: &str = "ai-telemetry";
/// Version of the native batch schema this crate writes.
pub const NATIVE_VERSION: u32 = 1;

/// A batch of events in the native format: `{"format":"ai-telemetry","version":1,"events":[…]}`,
/// each event in the `TelemetryEvent` JSON shape (`{"type":"span_ended","span":{…}}`).
///
/// The exporter writes it without building this struct; a server reads it with it.
///
/// ```
/// use telemetry_otlp::NativeBatch;
///
/// let body = r#"{"format":"ai-telemetry","version":1,"events":[]}"#;
/// let batch: NativeBatch = serde_json::from_str(body).unwrap();
/// assert!(batch.is_supported());
/// assert!(batch.events.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NativeBatch {
    /// Always `"ai-telemetry"`.
    pub format: String,
    /// Schema version; readers accept the versions they know.
    pub version: u32,
    /// The events, in the order they were produced.
    pub events: Vec<TelemetryEvent>,
}

impl NativeBatch {
    /// A batch of `events` in the current version.
    pub fn new(events: Vec<TelemetryEvent>) -> Self {
        NativeBatch {
            format: NATIVE_FORMAT.to_owned(),
            version: NATIVE_VERSION,
            events,
        }
    }

    /// Whether this crate understands the batch's format and version.
    pub fn is_supported(&self) -> bool {
        self.format == NATIVE_FORMAT && self.version == NATIVE_VERSION
    }
}

/// The optional JSON body of a 2xx answer to a native batch:
/// `{"accepted":N,"rejected":M,"error_message":"…"}`. A missing or empty body means every
/// event was accepted.
///
/// ```
/// use telemetry_otlp::NativeResponse;
///
/// let answer: NativeResponse = serde_json::from_str(r#"{"rejected":2}"#).unwrap();
/// assert_eq!(answer.rejected, 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NativeResponse {
    /// Events stored.
    pub accepted: u64,
    /// Events refused (invalid, over a limit); they are not retried.
    pub rejected: u64,
    /// Why events were refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// Writes `events` as a native batch into `out`; returns how many were written (events that
/// cannot be serialized are left out).
pub fn write_native_batch(events: &[TelemetryEvent], out: &mut Vec<u8>) -> usize {
    out.extend_from_slice(br#"{"format":""#);
    out.extend_from_slice(NATIVE_FORMAT.as_bytes());
    out.extend_from_slice(br#"","version":"#);
    out.extend_from_slice(NATIVE_VERSION.to_string().as_bytes());
    out.extend_from_slice(br#","events":["#);
    let mut written = 0;
    for event in events {
        let mark = out.len();
        if written > 0 {
            out.push(b',');
        }
        if serde_json::to_writer(&mut *out, event).is_ok() {
            written += 1;
        } else {
            out.truncate(mark);
        }
    }
    out.extend_from_slice(b"]}");
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_batch_parses_back() {
        let mut out = Vec::new();
        assert_eq!(write_native_batch(&[], &mut out), 0);
        let batch: NativeBatch = serde_json::from_slice(&out).unwrap();
        assert_eq!(batch, NativeBatch::new(Vec::new()));
    }
}
