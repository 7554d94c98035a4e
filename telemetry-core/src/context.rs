//! Task-local context: which span is current, carried across `.await`, `tokio::spawn` and
//! threads.

use std::future::Future;
use std::sync::Arc;

use telemetry_types::{SpanId, TraceId};

use crate::propagation::{Baggage, RemoteParent};
use crate::span::{SpanRef, SpanShared};
use crate::telemetry::Telemetry;

tokio::task_local! {
    static CURRENT: Context;
}

/// A function that may replace the task-local context with a deeper one known elsewhere.
pub type ContextResolver = fn(Option<&Context>) -> Option<Context>;

static RESOLVER: std::sync::OnceLock<ContextResolver> = std::sync::OnceLock::new();

/// Installs, once per process, a resolver consulted by [`Context::current`],
/// [`current_span`] and every span started without an explicit parent: it gets the
/// task-local context (if any) and returns `Some` to use another one instead. Bridges use it
/// so that a span started inside a `tracing` span or an active OpenTelemetry span becomes its
/// child (see the `telemetry-bridges` crate). Returns `false` if a resolver was already set.
///
/// ```
/// fn resolver(_task_local: Option<&telemetry_core::Context>) -> Option<telemetry_core::Context> {
///     None // keep the task-local context
/// }
/// telemetry_core::set_context_resolver(resolver);
/// ```
pub fn set_context_resolver(resolver: ContextResolver) -> bool {
    RESOLVER.set(resolver).is_ok()
}

/// Where a new span's parent comes from.
#[derive(Clone, Default)]
pub(crate) enum Parent {
    /// No parent: the next span is a root.
    #[default]
    None,
    /// A recording span of this process.
    Recording(Arc<SpanShared>),
    /// A span of this process whose trace was sampled out.
    Unsampled { trace_id: TraceId, span_id: SpanId },
    /// A span of another process, extracted from headers.
    Remote(Arc<RemoteParent>),
}

/// The current span, baggage and telemetry of a task: cheap to clone, carried by
/// [`FutureExt::with_context`], [`spawn`] and [`Context::in_scope`].
///
/// ```
/// use telemetry_core::{Context, Telemetry, attrs::AgentRun};
///
/// let telemetry = Telemetry::builder("docs").build().unwrap();
/// let run = telemetry.trace("run", AgentRun::named("a")).start();
/// let cx = run.context();
/// std::thread::spawn(move || {
///     cx.in_scope(|| assert!(Context::current().span().is_recording()));
/// }).join().unwrap();
/// ```
#[derive(Clone, Default)]
pub struct Context {
    pub(crate) parent: Parent,
    pub(crate) baggage: Option<Arc<Baggage>>,
    pub(crate) telemetry: Option<Telemetry>,
}

impl Context {
    /// The current context of this task or thread; empty outside any span.
    pub fn current() -> Context {
        Context::with_current(|cx| cx.cloned().unwrap_or_default())
    }

    /// Runs `f` with the current context, without cloning it. A resolver installed with
    /// [`set_context_resolver`] is asked first (one atomic load when none is installed).
    #[inline]
    pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Context>) -> R) -> R {
        if let Some(resolve) = RESOLVER.get() {
            let resolved = CURRENT
                .try_with(|cx| resolve(Some(cx)))
                .unwrap_or_else(|_| resolve(None));
            if let Some(cx) = resolved {
                return f(Some(&cx));
            }
        }
        let mut f = Some(f);
        match CURRENT.try_with(|cx| (f.take().expect("called once"))(Some(cx))) {
            Ok(r) => r,
            Err(_) => (f.take().expect("called once"))(None),
        }
    }

    /// An empty context (no span, no baggage).
    pub fn new() -> Context {
        Context::default()
    }

    /// The current span of this context (a no-op handle when there is none).
    pub fn span(&self) -> SpanRef {
        SpanRef::from_parent(self.parent.clone(), self.baggage.clone())
    }

    /// The context's baggage.
    pub fn baggage(&self) -> Option<&Baggage> {
        self.baggage.as_deref()
    }

    /// This context with `baggage`.
    pub fn with_baggage(mut self, baggage: Baggage) -> Context {
        self.baggage = Some(Arc::new(baggage));
        self
    }

    /// This context with `telemetry` as the instance that records new spans (used when the
    /// context has no recording span to take it from, e.g. after extracting remote headers).
    pub fn with_telemetry(mut self, telemetry: Telemetry) -> Context {
        self.telemetry = Some(telemetry);
        self
    }

    /// The telemetry instance of this context: the current span's, else the one set with
    /// [`with_telemetry`](Self::with_telemetry).
    pub fn telemetry(&self) -> Option<Telemetry> {
        match &self.parent {
            Parent::Recording(shared) => Some(shared.telemetry.clone()),
            _ => self.telemetry.clone(),
        }
    }

    /// Trace and span ids of the current span, if any (also for remote and sampled-out spans).
    pub fn span_ids(&self) -> Option<(TraceId, SpanId, bool)> {
        match &self.parent {
            Parent::None => None,
            Parent::Recording(s) => Some((s.trace_id, s.span_id, true)),
            Parent::Unsampled { trace_id, span_id } => Some((*trace_id, *span_id, false)),
            Parent::Remote(r) => Some((r.trace_id, r.span_id, r.sampled)),
        }
    }

    /// Runs synchronous `f` with this context current (on this thread, also inside async code).
    pub fn in_scope<R>(self, f: impl FnOnce() -> R) -> R {
        CURRENT.sync_scope(self, f)
    }
}

/// A future running with a context; returned by [`FutureExt::with_context`].
pub type WithContext<F> = tokio::task::futures::TaskLocalFuture<Context, F>;

/// Runs futures inside a span or context, as `tracing::Instrument` does.
pub trait FutureExt: Future + Sized {
    /// Runs the future with `span` current: spans started inside become its children.
    fn in_span(self, span: &SpanRef) -> WithContext<Self> {
        self.with_context(span.context())
    }

    /// Runs the future with `cx` current.
    fn with_context(self, cx: Context) -> WithContext<Self> {
        CURRENT.scope(cx, self)
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

/// The span that is current in this task or thread (a no-op handle when there is none).
///
/// ```
/// use telemetry_core::{current_span, FutureExt, Telemetry, attrs::{LlmGeneration, Usage}};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let telemetry = Telemetry::builder("docs").build().unwrap();
/// let span = telemetry.span("chat", LlmGeneration::new("gpt-4o", "openai")).start();
/// async { current_span().record_usage(Usage::new(12, 3)); }.in_span(&span).await;
/// span.end();
/// # });
/// ```
pub fn current_span() -> SpanRef {
    Context::with_current(|cx| cx.map(Context::span).unwrap_or_default())
}
