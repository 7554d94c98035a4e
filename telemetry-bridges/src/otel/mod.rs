//! OpenTelemetry ↔ our context, and an `opentelemetry_sdk` span processor feeding our
//! exporters.
//!
//! - [`to_otel_context`] / [`current_otel_context`]: our span as an OpenTelemetry context
//!   (with its `SpanContext`), so OpenTelemetry-instrumented libraries nest under it.
//! - [`context_from_otel`]: an OpenTelemetry context as ours; and, once the bridges' resolver
//!   is installed, a span started while an OpenTelemetry span is active (and no span of ours is
//!   current) becomes its child in the same trace.
//! - [`TelemetrySpanProcessor`]: the spans of an application set up with the OpenTelemetry SDK,
//!   mapped to typed spans and sent to our exporters.

mod context;
mod processor;

pub(crate) use context::current_otel_parent;
pub use context::{context_from_otel, current_otel_context, span_context, to_otel_context};
pub use processor::{TelemetrySpanProcessor, TelemetrySpanProcessorBuilder};
