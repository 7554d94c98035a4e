//! Span handles: [`SpanBuilder`] starts a span, [`Span`] owns it (ending it on drop), and
//! [`SpanRef`] is a cheap non-owning handle for recording into it from anywhere.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Map, Value};
use telemetry_types::attrs::{Cost, Usage};
use telemetry_types::{
    SpanAttributes, SpanError, SpanEvent, SpanId, SpanRecord, SpanStatus, Str, Timestamp,
    TraceAttributes, TraceId,
};

use crate::context::{Context, Parent};
use crate::propagation::Baggage;
use crate::telemetry::Telemetry;

/// Most descendants a span lists in `errored_descendants`; more are not listed (the trace's
/// `has_error` still says so).
const MAX_ERRORED_DESCENDANTS: usize = 32;

/// State of one trace shared by its spans in this process.
pub(crate) struct TraceShared {
    pub(crate) trace_id: TraceId,
    pub(crate) name: Str,
    pub(crate) root_span_id: SpanId,
    pub(crate) start_time: Timestamp,
    pub(crate) attributes: Arc<TraceAttributes>,
    pub(crate) has_error: AtomicBool,
    /// Set when the trace was released early (it outlived the maximum age).
    pub(crate) expired: AtomicBool,
    /// `tracestate` of the remote parent this trace continues, passed on unchanged.
    pub(crate) trace_state: Option<String>,
}

/// A recording span, shared by its owner, its children and the context.
pub(crate) struct SpanShared {
    pub(crate) telemetry: Telemetry,
    pub(crate) trace_id: TraceId,
    pub(crate) span_id: SpanId,
    pub(crate) parent: Option<Arc<SpanShared>>,
    pub(crate) trace: Arc<TraceShared>,
    /// Root of the trace in this process: its end ends the trace.
    pub(crate) is_local_root: bool,
    /// The record being built, allocated once at start and handed to exporters as is at the
    /// end (no copy); `None` once the span has ended. Only this field holds the `Arc` while
    /// the span is open, so `Arc::get_mut` always succeeds.
    pub(crate) record: Mutex<Option<Arc<SpanRecord>>>,
}

impl SpanShared {
    /// Ends the span: processes the record and hands it to the exporters. A second call does
    /// nothing.
    fn finish(&self, ended_by_drop: bool, end_time: Option<Timestamp>) {
        let Some(mut shared_record) = self.record.lock().take() else {
            return;
        };
        let Some(record) = Arc::get_mut(&mut shared_record) else {
            return;
        };
        record.end_time = Some(end_time.unwrap_or_else(Timestamp::now));
        record.ended_by_drop = ended_by_drop;
        let failed = record.status == SpanStatus::Error;
        if failed || !record.errored_descendants.is_empty() {
            self.trace.has_error.store(true, Relaxed);
            if let Some(parent) = &self.parent {
                let own = failed.then_some(record.span_id);
                parent.note_errored_descendants(own, &record.errored_descendants);
            }
        }
        let end = record.end_time;
        self.telemetry.finish_span(shared_record);
        if self.is_local_root {
            self.telemetry.finish_trace(&self.trace, end);
        }
    }

    pub(crate) fn remote_trace_state(&self) -> Option<String> {
        self.trace.trace_state.clone()
    }

    fn note_errored_descendants(&self, child: Option<SpanId>, grandchildren: &[SpanId]) {
        if let Some(record) = self.record.lock().as_mut().and_then(Arc::get_mut) {
            for id in child.iter().chain(grandchildren) {
                if record.errored_descendants.len() < MAX_ERRORED_DESCENDANTS {
                    record.errored_descendants.push(*id);
                }
            }
        }
    }

    #[inline]
    fn with_record(&self, f: impl FnOnce(&mut SpanRecord)) {
        if let Some(record) = self.record.lock().as_mut().and_then(Arc::get_mut) {
            f(record);
        }
    }
}

/// A non-owning handle to a span: record attributes, usage, input/output, events and errors
/// into it from anywhere (e.g. through [`current_span`](crate::current_span)). Every method is
/// a no-op when the span is not recording (sampled out, disabled, or already ended).
#[derive(Clone, Default)]
pub struct SpanRef {
    pub(crate) state: Parent,
    pub(crate) baggage: Option<Arc<Baggage>>,
}

impl SpanRef {
    pub(crate) fn from_parent(state: Parent, baggage: Option<Arc<Baggage>>) -> SpanRef {
        SpanRef { state, baggage }
    }

    #[inline]
    fn shared(&self) -> Option<&SpanShared> {
        match &self.state {
            Parent::Recording(shared) => Some(shared),
            _ => None,
        }
    }

    #[inline]
    fn with_record(&self, f: impl FnOnce(&mut SpanRecord)) {
        if let Some(shared) = self.shared() {
            shared.with_record(f);
        }
    }

    /// Whether the span records (sampled in, enabled and not ended).
    pub fn is_recording(&self) -> bool {
        self.shared().is_some_and(|s| s.record.lock().is_some())
    }

    /// The trace id, for recording, sampled-out and remote spans.
    pub fn trace_id(&self) -> Option<TraceId> {
        self.context().span_ids().map(|(t, _, _)| t)
    }

    /// The span id, for recording, sampled-out and remote spans.
    pub fn span_id(&self) -> Option<SpanId> {
        self.context().span_ids().map(|(_, s, _)| s)
    }

    /// A context with this span current, to run code in it or to carry it elsewhere.
    pub fn context(&self) -> Context {
        Context {
            parent: self.state.clone(),
            baggage: self.baggage.clone(),
            telemetry: None,
        }
    }

    /// Baggage the span was started with.
    pub fn baggage(&self) -> Option<&Baggage> {
        self.baggage.as_deref()
    }

    /// Runs `f` with this span current.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        self.context().in_scope(f)
    }

    /// Renames the span.
    pub fn set_name(&self, name: impl Into<Str>) {
        self.with_record(|r| r.name = name.into());
    }

    /// Replaces the attributes (and so possibly the span type).
    pub fn set_attributes(&self, attributes: impl Into<SpanAttributes>) {
        self.with_record(|r| r.attributes = attributes.into());
    }

    /// Changes the attributes in place; `f` runs only when the span records, so it may do
    /// expensive work.
    pub fn update_attributes(&self, f: impl FnOnce(&mut SpanAttributes)) {
        self.with_record(|r| f(&mut r.attributes));
    }

    /// Sets the reported fields of `usage` on an LLM or embedding span (fields that are `None`
    /// in `usage` keep their value).
    pub fn record_usage(&self, usage: Usage) {
        self.with_record(|r| {
            if let Some(current) = r.attributes.usage_mut() {
                merge_usage(current, usage);
            }
        });
    }

    /// Sets the cost of an LLM or embedding span.
    pub fn record_cost(&self, cost: Cost) {
        self.with_record(|r| {
            r.attributes.set_cost(cost);
        });
    }

    /// Marks the first streamed token: sets `time_to_first_token_ms` of an LLM span and adds a
    /// `first_token` event.
    pub fn record_first_token(&self) {
        self.with_record(|r| {
            let now = Timestamp::now();
            if let SpanAttributes::LlmGeneration(llm) = &mut r.attributes {
                llm.time_to_first_token_ms =
                    Some(now.duration_since(r.start_time).as_secs_f64() * 1000.0);
            }
            r.events.push(SpanEvent {
                name: "first_token".into(),
                time: now,
                attributes: Map::new(),
            });
        });
    }

    /// Records the input (serialized to JSON now, only when the span records and inputs are
    /// captured).
    pub fn record_input<T: Serialize + ?Sized>(&self, input: &T) {
        if let Some(value) = self.capture(input) {
            self.with_record(|r| r.input = Some(value));
        }
    }

    /// Records the output (see [`record_input`](Self::record_input)).
    pub fn record_output<T: Serialize + ?Sized>(&self, output: &T) {
        if let Some(value) = self.capture(output) {
            self.with_record(|r| r.output = Some(value));
        }
    }

    /// Sets an input already in JSON form (used by the macros).
    #[allow(dead_code)] // only with the `macros` feature
    pub(crate) fn set_input_value(&self, value: Value) {
        self.with_record(|r| r.input = Some(value));
    }

    fn capture<T: Serialize + ?Sized>(&self, value: &T) -> Option<Value> {
        let shared = self.shared()?;
        if !shared.telemetry.include_io() {
            return None;
        }
        Some(to_json(value))
    }

    /// Sets one metadata entry.
    pub fn set_metadata<T: Serialize + ?Sized>(&self, key: impl Into<String>, value: &T) {
        if self.shared().is_some() {
            let value = to_json(value);
            self.with_record(|r| {
                r.metadata.insert(key.into(), value);
            });
        }
    }

    /// Adds a timed event.
    pub fn add_event(&self, event: SpanEvent) {
        self.with_record(|r| r.events.push(event));
    }

    /// Adds an event called `name` happening now.
    pub fn event(&self, name: impl Into<Str>) {
        if self.shared().is_some() {
            self.add_event(SpanEvent::now(name));
        }
    }

    /// Marks the span as failed with `error`.
    pub fn record_error(&self, error: SpanError) {
        self.with_record(|r| {
            r.status = SpanStatus::Error;
            r.error = Some(error);
        });
    }

    /// Marks the span as failed with a Rust error (type name, message and source chain).
    pub fn record_error_from<E: std::error::Error + ?Sized>(&self, error: &E) {
        if self.shared().is_some() {
            self.record_error(SpanError::from_error(error));
        }
    }

    /// Sets the status.
    pub fn set_status(&self, status: SpanStatus) {
        self.with_record(|r| r.status = status);
    }
}

fn merge_usage(current: &mut Usage, new: Usage) {
    let fields = [
        (&mut current.input_tokens, new.input_tokens),
        (&mut current.output_tokens, new.output_tokens),
        (&mut current.total_tokens, new.total_tokens),
        (&mut current.cache_read_tokens, new.cache_read_tokens),
        (&mut current.cache_write_tokens, new.cache_write_tokens),
        (&mut current.reasoning_tokens, new.reasoning_tokens),
    ];
    for (slot, value) in fields {
        if value.is_some() {
            *slot = value;
        }
    }
}

/// Serializes to JSON; a value that cannot be serialized becomes a string saying why.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("[unserializable: {e}]")))
}

/// An owned span: ends when [`end`](Span::end) (or one of its variants) is called, or when it
/// is dropped — then the record says `ended_by_drop`, so an early `?` return never leaves a
/// span open. Derefs to [`SpanRef`] for recording.
#[must_use = "a span ends when dropped; bind it to a variable"]
pub struct Span {
    r: SpanRef,
}

impl Deref for Span {
    type Target = SpanRef;
    fn deref(&self) -> &SpanRef {
        &self.r
    }
}

impl Span {
    pub(crate) fn new(state: Parent, baggage: Option<Arc<Baggage>>) -> Span {
        Span {
            r: SpanRef { state, baggage },
        }
    }

    /// A span that records nothing.
    pub fn none() -> Span {
        Span::new(Parent::None, None)
    }

    /// A non-owning handle.
    pub fn as_span_ref(&self) -> &SpanRef {
        &self.r
    }

    /// Ends the span.
    pub fn end(mut self) {
        self.finish(false, None);
    }

    /// Ends the span at a given time (for spans reconstructed after the fact).
    pub fn end_at(mut self, end_time: Timestamp) {
        self.finish(false, Some(end_time));
    }

    /// Records `output` and ends the span with status OK.
    pub fn end_with_output<T: Serialize + ?Sized>(self, output: &T) {
        self.record_output(output);
        self.set_ok_if_unset();
        self.end();
    }

    /// Records `error` and ends the span.
    pub fn end_with_error(self, error: SpanError) {
        self.record_error(error);
        self.end();
    }

    /// Ends the span from a result: `Ok` values become the output (status OK), `Err` the
    /// structured error.
    pub fn end_with_result<T: Serialize, E: std::error::Error>(self, result: &Result<T, E>) {
        match result {
            Ok(value) => self.end_with_output(value),
            Err(error) => {
                self.record_error_from(error);
                self.end();
            }
        }
    }

    fn set_ok_if_unset(&self) {
        self.with_record(|r| {
            if r.status == SpanStatus::Unset {
                r.status = SpanStatus::Ok;
            }
        });
    }

    fn finish(&mut self, ended_by_drop: bool, end_time: Option<Timestamp>) {
        if let Parent::Recording(shared) = std::mem::take(&mut self.r.state) {
            shared.finish(ended_by_drop, end_time);
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        self.finish(true, None);
    }
}

/// Where a span being built takes its parent from.
enum ParentChoice {
    Current,
    Explicit(Context),
    Root,
}

/// Builder settings that most spans do not use, kept out of line so the builder stays small
/// and a sampled-out span never pays for them.
#[derive(Default)]
pub(crate) struct Extras {
    pub(crate) input: Option<Value>,
    pub(crate) metadata: Map<String, Value>,
    pub(crate) trace_attributes: Option<TraceAttributes>,
    pub(crate) start_time: Option<Timestamp>,
    pub(crate) lazy_attributes: Option<LazyAttributes>,
}

type LazyAttributes = Box<dyn FnOnce(&mut SpanAttributes) + Send>;

/// Builds a span; get one from [`Telemetry::span`] or [`Telemetry::trace`].
#[must_use = "call .start() to start the span"]
pub struct SpanBuilder {
    pub(crate) telemetry: Telemetry,
    pub(crate) name: Str,
    pub(crate) attributes: SpanAttributes,
    parent: ParentChoice,
    pub(crate) extras: Option<Box<Extras>>,
}

impl SpanBuilder {
    pub(crate) fn new(telemetry: Telemetry, name: Str, attributes: SpanAttributes) -> Self {
        SpanBuilder {
            telemetry,
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
        if self.telemetry.include_io() && self.telemetry.is_enabled() {
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
        if !self.telemetry.is_enabled() {
            return Span::none();
        }
        let span_type = self.attributes.span_type();
        let (placement, baggage) = match &self.parent {
            ParentChoice::Root => {
                let baggage = Context::with_current(|cx| cx.and_then(|cx| cx.baggage.clone()));
                (
                    self.telemetry.place(&Parent::None, span_type, &self.name),
                    baggage,
                )
            }
            ParentChoice::Explicit(cx) => (
                self.telemetry.place(&cx.parent, span_type, &self.name),
                cx.baggage.clone(),
            ),
            ParentChoice::Current => Context::with_current(|cx| match cx {
                Some(cx) => (
                    self.telemetry.place(&cx.parent, span_type, &self.name),
                    cx.baggage.clone(),
                ),
                None => (
                    self.telemetry.place(&Parent::None, span_type, &self.name),
                    None,
                ),
            }),
        };
        match placement {
            Placement::Unsampled { trace_id, span_id } => {
                Span::new(Parent::Unsampled { trace_id, span_id }, baggage)
            }
            placement => self.telemetry.clone().record(self, placement, baggage),
        }
    }
}

/// Where a new span goes, decided before anything is built.
pub(crate) enum Placement {
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
