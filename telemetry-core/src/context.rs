//! Task-local context: which span is current, carried across `.await`, `tokio::spawn` and
//! threads.

use std::future::Future;
use std::sync::Arc;

use telemetry_types::{SpanId, TraceId};

use crate::lifecycle::Lifecycle;
use crate::propagation::baggage::Baggage;
use crate::propagation::remote_parent::RemoteParent;
use crate::span::shared::SpanShared;

tokio::task_local! {
    static CURRENT: Context;
}

/// A future running with a context; returned by [`FutureExt::with_context`](crate::FutureExt::with_context).
pub type WithContext<F> = tokio::task::futures::TaskLocalFuture<Context, F>;

/// A function that may replace the task-local context with a deeper one known elsewhere.
pub type ContextResolver = fn(Option<&Context>) -> Option<Context>;

static RESOLVER: std::sync::OnceLock<ContextResolver> = std::sync::OnceLock::new();

/// Installs, once per process, a resolver consulted by [`Context::current`],
/// [`current_span`](crate::current_span) and every span started without an explicit parent: it gets the
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
/// [`FutureExt::with_context`](crate::FutureExt::with_context), [`spawn`](crate::spawn) and [`Context::in_scope`].
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
    /// The runtime that records new spans when no recording span gives one (set through
    /// [`with_telemetry`](Self::with_telemetry)).
    pub(crate) lifecycle: Option<Arc<Lifecycle>>,
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

    /// The context's baggage.
    pub fn baggage(&self) -> Option<&Baggage> {
        self.baggage.as_deref()
    }

    /// This context with `baggage`.
    pub fn with_baggage(mut self, baggage: Baggage) -> Context {
        self.baggage = Some(Arc::new(baggage));
        self
    }

    /// The runtime of this context: the current span's, else the one set with
    /// [`with_telemetry`](Self::with_telemetry).
    pub(crate) fn lifecycle(&self) -> Option<&Arc<Lifecycle>> {
        match &self.parent {
            Parent::Recording(shared) => Some(&shared.lifecycle),
            _ => self.lifecycle.as_ref(),
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

    /// Runs `future` with this context current (what [`FutureExt`](crate::FutureExt) wraps).
    pub(crate) fn scope<F: Future>(self, future: F) -> WithContext<F> {
        CURRENT.scope(self, future)
    }
}
