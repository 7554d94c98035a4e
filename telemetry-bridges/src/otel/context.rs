//! Conversions between our [`Context`] and `opentelemetry::Context`.

use std::collections::HashMap;

use opentelemetry::trace::{
    SpanContext, SpanId as OtelSpanId, TraceContextExt, TraceFlags, TraceId as OtelTraceId,
    TraceState,
};
use telemetry_core::propagation::{self, format_traceparent};
use telemetry_core::{Context, SpanId, TraceId};

/// The OpenTelemetry `SpanContext` of the span current in `cx` (invalid when there is none).
///
/// ```
/// use telemetry_core::{Telemetry, attrs::AgentRun};
///
/// let telemetry = Telemetry::builder("docs").build()?;
/// let run = telemetry.trace("run", AgentRun::named("a")).start();
/// let sc = telemetry_bridges::otel::span_context(&run.context());
/// assert_eq!(sc.span_id().to_bytes(), run.span_id().unwrap().to_bytes());
/// assert!(sc.is_sampled());
/// # Ok::<(), telemetry_core::BuildError>(())
/// ```
pub fn span_context(cx: &Context) -> SpanContext {
    let Some((trace_id, span_id, sampled)) = cx.span_ids() else {
        return SpanContext::empty_context();
    };
    let flags = if sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    SpanContext::new(
        OtelTraceId::from_bytes(trace_id.to_bytes()),
        OtelSpanId::from_bytes(span_id.to_bytes()),
        flags,
        true,
        TraceState::default(),
    )
}

/// `cx`'s current span as the active span of an OpenTelemetry context (built on the current
/// OpenTelemetry context, so its other values stay). Attach it, or pass it to
/// `opentelemetry::context::FutureExt::with_context`, and spans of OpenTelemetry-instrumented
/// libraries become children of our span.
///
/// ```
/// use opentelemetry::trace::TraceContextExt;
/// use telemetry_core::{Telemetry, attrs::AgentRun};
///
/// let telemetry = Telemetry::builder("docs").build()?;
/// let run = telemetry.trace("run", AgentRun::named("a")).start();
/// let otel = telemetry_bridges::otel::to_otel_context(&run.context());
/// let _guard = otel.attach();
/// let current = opentelemetry::Context::current();
/// assert_eq!(current.span().span_context().trace_id().to_bytes(), run.trace_id().unwrap().to_bytes());
/// # Ok::<(), telemetry_core::BuildError>(())
/// ```
pub fn to_otel_context(cx: &Context) -> opentelemetry::Context {
    let sc = span_context(cx);
    if !sc.is_valid() {
        return opentelemetry::Context::current();
    }
    opentelemetry::Context::current().with_remote_span_context(sc)
}

/// Our current span (see [`Context::current`]) as an OpenTelemetry context.
pub fn current_otel_context() -> opentelemetry::Context {
    to_otel_context(&Context::current())
}

/// The active span of an OpenTelemetry context as a parent for our spans (a remote parent in
/// the same trace, with its sampling decision and trace state); `None` without a valid span.
///
/// ```
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
///
/// let sc = SpanContext::new(TraceId::from(7u128), SpanId::from(9u64), TraceFlags::SAMPLED, true, TraceState::default());
/// let otel = opentelemetry::Context::new().with_remote_span_context(sc);
/// let ours = telemetry_bridges::otel::context_from_otel(&otel).expect("valid span");
/// let (trace_id, span_id, sampled) = ours.span_ids().unwrap();
/// assert_eq!(trace_id.to_int(), 7);
/// assert_eq!(span_id.to_int(), 9);
/// assert!(sampled);
/// ```
pub fn context_from_otel(cx: &opentelemetry::Context) -> Option<Context> {
    let span = cx.span();
    let sc = span.span_context();
    if !sc.is_valid() {
        return None;
    }
    let trace_id = TraceId::from_bytes(sc.trace_id().to_bytes())?;
    let span_id = SpanId::from_bytes(sc.span_id().to_bytes())?;
    let mut headers = HashMap::with_capacity(2);
    headers.insert(
        "traceparent".to_owned(),
        format_traceparent(trace_id, span_id, sc.is_sampled()),
    );
    let state = sc.trace_state().header();
    if !state.is_empty() {
        headers.insert("tracestate".to_owned(), state);
    }
    Some(propagation::extract(&headers))
}

/// The active OpenTelemetry span of this thread as a parent (for the context resolver).
pub(crate) fn current_otel_parent() -> Option<Context> {
    opentelemetry::Context::map_current(|cx| {
        if cx.has_active_span() {
            context_from_otel(cx)
        } else {
            None
        }
    })
}
