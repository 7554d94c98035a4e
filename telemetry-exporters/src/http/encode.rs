//! Request bodies: the batch in its wire format, split to fit the byte limit, compressed.

use std::io::Write;
use std::sync::Arc;

use flate2::write::GzEncoder;
use telemetry_types::{SpanRecord, TelemetryEvent};

use super::config::{HttpCompression, WireFormat};

/// One request body, ready to post.
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    /// The (compressed) body.
    pub(crate) body: Vec<u8>,
    /// Events it carries.
    pub(crate) events: u64,
}

/// How events become bodies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Encoder {
    pub(crate) format: WireFormat,
    pub(crate) compression: HttpCompression,
    pub(crate) max_bytes: usize,
}

impl Encoder {
    /// Encodes `events` into one or more payloads of at most `max_bytes` before compression
    /// (a single event larger than that goes alone). Returns the payloads and the number of
    /// events that could not be encoded.
    pub(crate) fn encode(&self, events: &[TelemetryEvent]) -> (Vec<Payload>, u64) {
        let mut payloads = Vec::new();
        let mut failed = 0;
        self.encode_into(events, &mut payloads, &mut failed);
        (payloads, failed)
    }

    fn encode_into(&self, events: &[TelemetryEvent], out: &mut Vec<Payload>, failed: &mut u64) {
        if events.is_empty() {
            return;
        }
        let (raw, count) = self.serialize(events);
        if raw.len() > self.max_bytes && events.len() > 1 {
            let (left, right) = events.split_at(events.len() / 2);
            self.encode_into(left, out, failed);
            self.encode_into(right, out, failed);
            return;
        }
        *failed += events.len() as u64 - count;
        if count == 0 {
            return;
        }
        match compress(raw, self.compression) {
            Ok(body) => out.push(Payload {
                body,
                events: count,
            }),
            Err(_) => *failed += count,
        }
    }

    /// The uncompressed body and the number of events in it.
    fn serialize(&self, events: &[TelemetryEvent]) -> (Vec<u8>, u64) {
        match self.format {
            WireFormat::Native => {
                let mut out = Vec::with_capacity(events.len() * 512);
                let written = telemetry_otlp::write_native_batch(events, &mut out);
                (out, written as u64)
            }
            WireFormat::OtlpProtobuf | WireFormat::OtlpGrpc => {
                // Straight from the records, without the opentelemetry-proto structs.
                let spans = spans_of(events);
                (
                    telemetry_otlp::encode_export_request(&spans),
                    spans.len() as u64,
                )
            }
            WireFormat::OtlpJson => {
                let spans: Vec<Arc<SpanRecord>> = ended(events).cloned().collect();
                let request = telemetry_otlp::export_request(&spans);
                match serde_json::to_vec(&request) {
                    Ok(body) => (body, spans.len() as u64),
                    Err(_) => (Vec::new(), 0),
                }
            }
        }
    }
}

/// The ended spans among `events` (OTLP carries nothing else; the exporter filters before).
fn spans_of(events: &[TelemetryEvent]) -> Vec<&SpanRecord> {
    ended(events).map(|span| &**span).collect()
}

fn ended(events: &[TelemetryEvent]) -> impl Iterator<Item = &Arc<SpanRecord>> {
    events.iter().filter_map(|e| match e {
        TelemetryEvent::SpanEnded { span } => Some(span),
        _ => None,
    })
}

fn compress(raw: Vec<u8>, compression: HttpCompression) -> std::io::Result<Vec<u8>> {
    match compression {
        HttpCompression::None => Ok(raw),
        HttpCompression::Gzip { level } => {
            let out = Vec::with_capacity(raw.len() / 4);
            let mut encoder = GzEncoder::new(out, flate2::Compression::new(level.min(9)));
            encoder.write_all(&raw)?;
            encoder.finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_encode_gives_no_payload() {
        let encoder = Encoder {
            format: WireFormat::OtlpProtobuf,
            compression: HttpCompression::gzip(),
            max_bytes: 10,
        };
        let (payloads, failed) = encoder.encode(&[]);
        assert!(payloads.is_empty());
        assert_eq!(failed, 0);
    }
}
