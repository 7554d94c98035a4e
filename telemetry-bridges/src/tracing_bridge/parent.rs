//! Which of our spans a bridged `tracing` span (or a span started in user code) hangs under.

use telemetry_core::Context;
use tracing::Subscriber;
use tracing::span::Attributes;
use tracing_subscriber::Registry;
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use super::Bridged;
use crate::resolver::{BridgedParent, deeper};

/// The nearest bridged span among `span` and its ancestors.
fn nearest_bridged<'a, R: LookupSpan<'a>>(span: SpanRef<'a, R>) -> Option<BridgedParent> {
    span.scope().find_map(|s| {
        s.extensions().get::<Bridged>().map(|b| BridgedParent {
            cx: b.cx.clone(),
            created_under: b.created_under,
        })
    })
}

/// The parent context of a new bridged span: its explicit `tracing` parent's nearest bridged
/// span, or for a contextual span the deeper of the task-local context and the current
/// bridged span; with neither, the active OpenTelemetry span, else a new trace.
pub(super) fn parent_for<S>(attrs: &Attributes<'_>, span: &SpanRef<'_, S>, task: Context) -> Context
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let tracing_parent = span.parent().and_then(nearest_bridged);
    let has_task_span = task.span_ids().is_some();
    let chosen = match tracing_parent {
        Some(bridged) if attrs.parent().is_some() => Some(bridged.cx),
        Some(bridged) => deeper(Some(&task), bridged).or(Some(task)),
        None if has_task_span => Some(task),
        None => None,
    };
    chosen.or_else(otel_parent).unwrap_or_default()
}

#[cfg(feature = "otel-bridge")]
fn otel_parent() -> Option<Context> {
    crate::otel::current_otel_parent()
}

#[cfg(not(feature = "otel-bridge"))]
fn otel_parent() -> Option<Context> {
    None
}

/// The current bridged `tracing` span of the default subscriber, when it is built on a
/// [`Registry`] (read by the context resolver).
pub(crate) fn current_bridged() -> Option<BridgedParent> {
    tracing::dispatcher::get_default(|dispatch| {
        let registry = dispatch.downcast_ref::<Registry>()?;
        let current = registry.current_span();
        let span = registry.span(current.id()?)?;
        nearest_bridged(span)
    })
}
