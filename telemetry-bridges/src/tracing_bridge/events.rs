//! `tracing` events inside a bridged span: span events, and errors.

use telemetry_core::SpanEvent;
use tracing::{Event, Level};

use super::Bridged;
use super::fields::EventFields;

/// Adds `event` to the bridged span as a span event (named by its message, else its
/// callsite name); an `error` field on an ERROR event (as `#[instrument(err)]` emits) becomes
/// the span's error when it ends.
pub(super) fn record(bridged: &mut Bridged, event: &Event<'_>) {
    let mut fields = EventFields::default();
    event.record(&mut fields);
    if *event.metadata().level() == Level::ERROR
        && let Some(error) = fields.error()
    {
        bridged.fields.error = Some(error);
    }
    let name = fields
        .message
        .take()
        .unwrap_or_else(|| event.metadata().name().to_owned());
    let mut span_event = SpanEvent::now(name);
    span_event.attributes = fields.attributes;
    bridged.span.add_event(span_event);
}
