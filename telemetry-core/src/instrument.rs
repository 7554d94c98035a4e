//! Carrying a context into futures, spawned tasks and spawned threads, as `tracing::Instrument`
//! does.

use std::future::Future;

use crate::context::{Context, WithContext};
use crate::span::SpanRef;

/// Runs futures inside a span or context, as `tracing::Instrument` does.
pub trait FutureExt: Future + Sized {
    /// Runs the future with `span` current: spans started inside become its children.
    fn in_span(self, span: &SpanRef) -> WithContext<Self> {
        self.with_context(span.context())
    }

    /// Runs the future with `cx` current.
    fn with_context(self, cx: Context) -> WithContext<Self> {
        cx.scope(self)
    }

    /// Runs the future with the caller's current context (for handing work to other tasks).
    fn with_current_context(self) -> WithContext<Self> {
        self.with_context(Context::current())
    }
}

impl<F: Future> FutureExt for F {}

/// `tokio::spawn` that carries the current context into the new task, so spans started there
/// stay children of the current span.
///
/// Must be called inside a Tokio runtime, like `tokio::spawn`.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future.with_current_context())
}

/// `std::thread::spawn` that carries the current context into the new thread, so spans started
/// there stay children of the current span (a thread starts with an empty context otherwise).
///
/// ```
/// use telemetry_core::{Telemetry, attrs::{AgentRun, ToolCall}};
///
/// let telemetry = Telemetry::builder("threads").build().unwrap();
/// let run = telemetry.trace("run", AgentRun::default()).start();
/// let worker = run.in_scope(|| {
///     let telemetry = telemetry.clone();
///     telemetry_core::spawn_thread(move || {
///         let tool = telemetry.span("tool", ToolCall::default()).start();
///         let trace = tool.trace_id();
///         tool.end();
///         trace
///     })
/// });
/// assert_eq!(worker.join().unwrap(), run.trace_id(), "the tool span is in the run's trace");
/// run.end();
/// ```
pub fn spawn_thread<F, T>(f: F) -> std::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let cx = Context::current();
    std::thread::spawn(move || cx.in_scope(f))
}
