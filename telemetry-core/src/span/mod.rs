//! Span handles: [`SpanBuilder`] starts a span, [`Span`] owns it (ending it on drop), and
//! [`SpanRef`] is a cheap non-owning handle for recording into it from anywhere.
//!
//! Calls go one way: the handles call into the span's [`SpanShared`], which finishes itself
//! through the runtime's [`Lifecycle`](crate::lifecycle::Lifecycle); nothing here names the
//! [`Telemetry`](crate::Telemetry) handle.

mod attributes;
mod builder;
pub(crate) mod shared;

use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};
use telemetry_types::attrs::{Cost, Usage};
use telemetry_types::{
    SpanAttributes, SpanError, SpanEvent, SpanId, SpanStatus, Str, Timestamp, TraceId,
};

use crate::context::{Context, Parent};
use crate::propagation::baggage::Baggage;
use shared::SpanShared;

pub use attributes::{AttributeSource, Lazy, TypedAttributes};
pub use builder::SpanBuilder;

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
    fn with_record(&self, f: impl FnOnce(&mut telemetry_types::SpanRecord)) {
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
            lifecycle: None,
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
            let now = crate::clock::now();
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
        if !shared.lifecycle.include_io() {
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
            // The span's own clock, so the event sits between its start and end.
            self.add_event(SpanEvent {
                name: name.into(),
                time: crate::clock::now(),
                attributes: Map::new(),
            });
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
    #[inline]
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

    #[inline]
    fn finish(&mut self, ended_by_drop: bool, end_time: Option<Timestamp>) {
        if let Parent::Recording(shared) = std::mem::take(&mut self.r.state) {
            shared.finish(ended_by_drop, end_time);
        }
    }
}

impl Drop for Span {
    #[inline]
    fn drop(&mut self) {
        self.finish(true, None);
    }
}

impl Context {
    /// The current span of this context (a no-op handle when there is none).
    pub fn span(&self) -> SpanRef {
        SpanRef::from_parent(self.parent.clone(), self.baggage.clone())
    }
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
