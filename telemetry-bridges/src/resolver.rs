//! The context resolver the bridges install in `telemetry-core`: a span started in user code
//! takes as parent the deepest of the task-local context, the current bridged `tracing` span
//! and (when neither exists) the active OpenTelemetry span.

use std::cell::Cell;

use telemetry_core::Context;
#[cfg(feature = "tracing-bridge")]
use telemetry_core::SpanId;

thread_local! {
    /// Set while a bridge reads the task-local context itself.
    static SUPPRESSED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the bridges' resolver in [`telemetry_core::set_context_resolver`] (once per
/// process; later calls do nothing). [`TelemetryLayer`](crate::TelemetryLayer) and
/// [`otel::TelemetrySpanProcessor`](crate::otel::TelemetrySpanProcessor) call it when built.
///
/// ```
/// telemetry_bridges::install_context_resolver();
/// assert!(!telemetry_core::Context::current().span().is_recording());
/// ```
pub fn install_context_resolver() {
    let _already_installed = telemetry_core::set_context_resolver(resolve);
}

fn resolve(task: Option<&Context>) -> Option<Context> {
    if SUPPRESSED.with(Cell::get) {
        return None;
    }
    #[cfg(feature = "tracing-bridge")]
    if let Some(bridged) = crate::tracing_bridge::current_bridged() {
        return deeper(task, bridged);
    }
    #[cfg(feature = "otel-bridge")]
    if task.is_none() {
        return crate::otel::current_otel_parent();
    }
    let _ = task;
    None
}

/// The task-local context as `telemetry-core` keeps it, without asking the resolver.
#[cfg(feature = "tracing-bridge")]
pub(crate) fn task_context() -> Context {
    SUPPRESSED.with(|s| s.set(true));
    let cx = Context::current();
    SUPPRESSED.with(|s| s.set(false));
    cx
}

/// A bridged span's context and the task-local span that was current when it was created.
#[cfg(feature = "tracing-bridge")]
pub(crate) struct BridgedParent {
    pub(crate) cx: Context,
    pub(crate) created_under: Option<SpanId>,
}

/// `Some(bridged)` when the bridged span is deeper than the task-local context, `None` to keep
/// the task-local one. The bridged span is deeper when it was created while the task-local
/// span was current; otherwise the task-local span was entered inside it.
#[cfg(feature = "tracing-bridge")]
pub(crate) fn deeper(task: Option<&Context>, bridged: BridgedParent) -> Option<Context> {
    let task_span = task.and_then(|cx| cx.span_ids()).map(|(_, span, _)| span);
    match task_span {
        None => Some(bridged.cx),
        Some(span) if bridged.created_under == Some(span) => Some(bridged.cx),
        Some(_) => None,
    }
}
