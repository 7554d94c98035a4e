//! Ending a bridged span: its fields, mapped as OTLP ingest maps them, onto our span.

use telemetry_core::{SpanRecord, SpanStatus};
use telemetry_otlp::span_from_attributes;

use super::Bridged;

/// `tracing-opentelemetry`'s field for a span name other than the static one.
const OTEL_NAME: &str = "otel.name";

/// Applies the span's fields and error, then ends it.
pub(super) fn finish(mut bridged: Bridged, name: &'static str) {
    let error = bridged.fields.take_error();
    if bridged.span.is_recording() {
        if let Some(rename) = bridged.fields.string(OTEL_NAME) {
            bridged.span.set_name(rename.to_owned());
        }
        if !bridged.fields.values.is_empty() {
            let values = std::mem::take(&mut bridged.fields.values);
            apply(&bridged, span_from_attributes(name.to_owned(), values));
        }
        if let Some(error) = error {
            bridged.span.record_error(error);
        }
    }
    bridged.span.end();
}

fn apply(bridged: &Bridged, record: SpanRecord) {
    let span = &bridged.span;
    span.set_attributes(record.attributes);
    if let Some(input) = &record.input {
        span.record_input(input);
    }
    if let Some(output) = &record.output {
        span.record_output(output);
    }
    for (key, value) in &record.metadata {
        span.set_metadata(key.clone(), value);
    }
    match record.error {
        Some(error) => span.record_error(error),
        None if record.status == SpanStatus::Error => span.set_status(SpanStatus::Error),
        None => {}
    }
    for event in record.events {
        span.add_event(event);
    }
}
