//! [`SpanBuilder`]: the settings of a span to start, the sampling decision (made first, so a
//! sampled-out span costs the decision and nothing more) and the recording span built from it.

use std::sync::Arc;

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Map, Value};
use telemetry_types::{
    SamplingContext, SpanAttributes, SpanId, SpanRecord, SpanStatus, SpanType, Str, Timestamp,
    TraceAttributes, TraceId,
};

use super::attributes::AttributeSource;
use super::shared::SpanShared;
use super::{Span, SpanRef, to_json};
use crate::context::{Context, Parent};
use crate::lifecycle::Lifecycle;
use crate::propagation::baggage::Baggage;

/// Where a span being built takes its parent from.
enum ParentChoice {
    Current,
    Explicit(Context),
    Root,
}

/// Builder settings that most spans do not use, kept out of line so the builder stays small
/// and a sampled-out span never pays for them.
#[derive(Default)]
struct Extras {
    input: Option<Value>,
    metadata: Map<String, Value>,
    trace_attributes: Option<TraceAttributes>,
    start_time: Option<Timestamp>,
    lazy_attributes: Option<LazyAttributes>,
}

type LazyAttributes = Box<dyn FnOnce(&mut SpanAttributes) + Send>;

/// Builds a span; get one from [`Telemetry::span`](crate::Telemetry::span),
/// [`Telemetry::span_with`](crate::Telemetry::span_with) (attributes built only when sampled) or
/// [`Telemetry::trace`](crate::Telemetry::trace). It borrows the telemetry handle, so building
/// a span that ends up sampled out touches no reference count.
#[must_use = "call .start() to start the span"]
pub struct SpanBuilder<'t, A: AttributeSource = SpanAttributes> {
    lifecycle: &'t Arc<Lifecycle>,
    name: Str,
    attributes: A,
    parent: ParentChoice,
    extras: Option<Box<Extras>>,
}

impl<'t, A: AttributeSource> SpanBuilder<'t, A> {
    pub(crate) fn new(lifecycle: &'t Arc<Lifecycle>, name: Str, attributes: A) -> Self {
        SpanBuilder {
            lifecycle,
            name,
            attributes,
            parent: ParentChoice::Current,
            extras: None,
        }
    }

    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    fn trace_fields(&mut self) -> &mut TraceAttributes {
        self.extras()
            .trace_attributes
            .get_or_insert_with(TraceAttributes::default)
    }

    /// Makes the span a new trace root, whatever is current.
    pub fn root(mut self) -> Self {
        self.parent = ParentChoice::Root;
        self
    }

    /// Makes the span a child of `parent` instead of the current span.
    pub fn parent(mut self, parent: &SpanRef) -> Self {
        self.parent = ParentChoice::Explicit(parent.context());
        self
    }

    /// Makes the span a child of the span in `cx` (e.g. a remote parent from
    /// [`extract`](crate::propagation::extract)).
    pub fn parent_context(mut self, cx: Context) -> Self {
        self.parent = ParentChoice::Explicit(cx);
        self
    }

    /// Changes the attributes at start; `f` runs only if the span is sampled, so it may
    /// compute expensive values.
    pub fn with_attributes(mut self, f: impl FnOnce(&mut SpanAttributes) + Send + 'static) -> Self {
        self.extras().lazy_attributes = Some(Box::new(f));
        self
    }

    /// The span's input (serialized now, when inputs are captured).
    pub fn input<T: Serialize + ?Sized>(mut self, input: &T) -> Self {
        if self.lifecycle.include_io() && self.lifecycle.is_enabled() {
            self.extras().input = Some(to_json(input));
        }
        self
    }

    /// One metadata entry.
    pub fn metadata<T: Serialize + ?Sized>(mut self, key: impl Into<String>, value: &T) -> Self {
        self.extras().metadata.insert(key.into(), to_json(value));
        self
    }

    /// Start time other than now (for spans reconstructed after the fact).
    pub fn start_time(mut self, start_time: Timestamp) -> Self {
        self.extras().start_time = Some(start_time);
        self
    }

    /// Trace-level: the end user. Applies when the span is a trace root.
    pub fn user_id(mut self, user_id: impl Into<Str>) -> Self {
        self.trace_fields().user_id = Some(user_id.into());
        self
    }

    /// Trace-level: the session or conversation.
    pub fn session_id(mut self, session_id: impl Into<Str>) -> Self {
        self.trace_fields().session_id = Some(session_id.into());
        self
    }

    /// Trace-level: one tag.
    pub fn tag(mut self, tag: impl Into<Str>) -> Self {
        self.trace_fields().tags.push(tag.into());
        self
    }

    /// Trace-level: the deployment environment (overrides the instance default).
    pub fn environment(mut self, environment: impl Into<Str>) -> Self {
        self.trace_fields().environment = Some(environment.into());
        self
    }

    /// Trace-level: the release (overrides the instance default).
    pub fn release(mut self, release: impl Into<Str>) -> Self {
        self.trace_fields().release = Some(release.into());
        self
    }

    /// Trace-level: a request-context entry (tenant, request id, …).
    pub fn context_value<T: Serialize + ?Sized>(
        mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Self {
        let value = to_json(value);
        self.trace_fields().context.insert(key.into(), value);
        self
    }

    /// Starts the span. The sampling decision comes first, so a sampled-out span costs a
    /// context lookup and the decision, nothing more.
    pub fn start(self) -> Span {
        if !self.lifecycle.is_enabled() {
            return Span::none();
        }
        let span_type = self.attributes.span_type();
        let (placement, baggage) = match &self.parent {
            ParentChoice::Root => {
                let baggage = Context::with_current(|cx| cx.and_then(|cx| cx.baggage.clone()));
                (self.place(&Parent::None, span_type, &self.name), baggage)
            }
            ParentChoice::Explicit(cx) => (
                self.place(&cx.parent, span_type, &self.name),
                cx.baggage.clone(),
            ),
            ParentChoice::Current => Context::with_current(|cx| match cx {
                Some(cx) => (
                    self.place(&cx.parent, span_type, &self.name),
                    cx.baggage.clone(),
                ),
                None => (self.place(&Parent::None, span_type, &self.name), None),
            }),
        };
        match placement {
            Placement::Unsampled { trace_id, span_id } => {
                Span::new(Parent::Unsampled { trace_id, span_id }, baggage)
            }
            placement => self.record(placement, baggage),
        }
    }

    /// Decides where a new span goes: the sampling decision, made before anything is built.
    #[inline]
    fn place(&self, parent: &Parent, span_type: SpanType, name: &str) -> Placement {
        let span_id = crate::ids::span_id();
        match parent {
            Parent::Recording(parent) => {
                if self.lifecycle.sampler.sample_child(span_type, span_id) {
                    Placement::Child {
                        parent: parent.clone(),
                        span_id,
                    }
                } else {
                    Placement::Unsampled {
                        trace_id: parent.trace_id,
                        span_id,
                    }
                }
            }
            Parent::Unsampled { trace_id, .. } => Placement::Unsampled {
                trace_id: *trace_id,
                span_id,
            },
            Parent::Remote(remote) if !remote.sampled => Placement::Unsampled {
                trace_id: remote.trace_id,
                span_id,
            },
            Parent::Remote(remote) => Placement::Root {
                trace_id: remote.trace_id,
                span_id,
                remote_parent: Some(remote.span_id),
                trace_state: remote.trace_state.clone(),
            },
            Parent::None => {
                let trace_id = crate::ids::trace_id();
                // Always-off and ratio 0: one relaxed load, no sampler state touched.
                if self.lifecycle.sampler.roots_off() {
                    return Placement::Unsampled { trace_id, span_id };
                }
                let sampling = SamplingContext {
                    trace_id,
                    name,
                    span_type,
                    is_root: true,
                };
                if self.lifecycle.sampler.sample_root(&sampling, span_id) {
                    Placement::Root {
                        trace_id,
                        span_id,
                        remote_parent: None,
                        trace_state: None,
                    }
                } else {
                    Placement::Unsampled { trace_id, span_id }
                }
            }
        }
    }

    /// Builds a recording span placed by [`place`](Self::place).
    fn record(self, placement: Placement, baggage: Option<Arc<Baggage>>) -> Span {
        let SpanBuilder {
            lifecycle,
            name,
            attributes,
            mut extras,
            ..
        } = self;
        // Most spans have no extras: fields are taken out of the box only when there is one, so
        // the common span never builds (and drops) an empty `Extras` on the stack.
        // One clock read for the span's start and, for a root, its trace's.
        let now = crate::clock::now();
        let (trace, parent, parent_span_id, span_id) = match placement {
            Placement::Child { parent, span_id } => (
                parent.trace.clone(),
                Some(parent.span_id),
                Some(parent),
                span_id,
            ),
            Placement::Root {
                trace_id,
                span_id,
                remote_parent,
                trace_state,
            } => {
                let fields = extras.as_mut().and_then(|e| e.trace_attributes.take());
                let trace = lifecycle.open_trace(
                    now,
                    &name,
                    trace_id,
                    span_id,
                    trace_state,
                    fields,
                    baggage.as_deref(),
                );
                (trace, remote_parent, None, span_id)
            }
            Placement::Unsampled { trace_id, span_id } => {
                return Span::new(Parent::Unsampled { trace_id, span_id }, baggage);
            }
        };
        let mut attributes = attributes.into_attributes();
        if let Some(f) = extras.as_mut().and_then(|e| e.lazy_attributes.take()) {
            f(&mut attributes);
        }
        let record = Arc::new(SpanRecord {
            trace_id: trace.trace_id,
            span_id,
            parent_span_id: parent,
            name,
            service_name: lifecycle.service_name.clone(),
            attributes,
            input: extras.as_mut().and_then(|e| e.input.take()),
            output: None,
            metadata: extras
                .as_mut()
                .map(|e| std::mem::take(&mut e.metadata))
                .unwrap_or_default(),
            start_time: extras.as_ref().and_then(|e| e.start_time).unwrap_or(now),
            end_time: None,
            status: SpanStatus::Unset,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: trace.attributes.clone(),
        });
        lifecycle.start_span(&record);
        let is_local_root = parent_span_id.is_none();
        let shared = Arc::new(SpanShared {
            lifecycle: lifecycle.clone(),
            trace_id: trace.trace_id,
            span_id,
            parent: parent_span_id,
            trace,
            is_local_root,
            record: Mutex::new(Some(record)),
        });
        Span::new(Parent::Recording(shared), baggage)
    }
}

/// Where a new span goes, decided before anything is built.
enum Placement {
    /// Not recorded (sampled out); ids still propagate.
    Unsampled { trace_id: TraceId, span_id: SpanId },
    /// A recorded child of a recording span of this process.
    Child {
        parent: Arc<SpanShared>,
        span_id: SpanId,
    },
    /// A recorded local root: a new trace, or the first span here of a remote trace.
    Root {
        trace_id: TraceId,
        span_id: SpanId,
        remote_parent: Option<SpanId>,
        trace_state: Option<String>,
    },
}
