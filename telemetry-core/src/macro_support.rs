//! Runtime helpers for the code `#[with_span]` and `#[instrument_class]` expand to.
//!
//! Not a public API: the names here may change in any release. Everything the expansion needs
//! is reached as `::telemetry_core::__private::…`, so users depend on the facade crate only.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

pub use serde;
pub use telemetry_macros::__span_fields;

use crate::context::Parent;
pub use crate::instrument::FutureExt;
pub use crate::registry::resolve_telemetry;
use crate::span::{Span, SpanRef};
use crate::{SpanError, Str};

/// Owns the span of an instrumented call. Ending normally goes through the output probes;
/// if the guard is dropped while the thread panics, the span is marked errored and ended; if it
/// is dropped otherwise (a cancelled future), the span ends as `ended_by_drop`.
pub struct Guard {
    span: Option<Span>,
}

impl Guard {
    /// A guard for `span`.
    #[inline]
    pub fn new(span: Span) -> Guard {
        Guard { span: Some(span) }
    }

    /// Runs `f` with the span current.
    #[inline]
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.span {
            Some(span) => span.in_scope(f),
            None => f(),
        }
    }

    /// Takes the span out to end it.
    #[inline]
    pub fn take(&mut self) -> Option<Span> {
        self.span.take()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(span) = self.span.take()
            && std::thread::panicking()
        {
            let message = crate::panic_message::take()
                .unwrap_or_else(|| "the instrumented function panicked".to_owned());
            span.record_error(SpanError::new("panic", message));
            span.end();
        }
        // Otherwise the span (if any) dropped here and ended as `ended_by_drop` (a cancelled
        // future).
    }
}

/// Starts the span of an instrumented call, or returns `None` (one branch) when no telemetry
/// is configured anywhere.
#[inline]
pub fn start<A: crate::TypedAttributes>(
    telemetry: Option<&str>,
    name: impl FnOnce() -> Str,
    attributes: impl FnOnce() -> A,
) -> Option<Span> {
    let telemetry = resolve_telemetry(telemetry)?;
    crate::panic_message::install();
    // The lazy entry point: a sampled-out call never builds its attributes.
    Some(telemetry.span_with(name(), attributes).start())
}

/// Arguments that can be recorded as a span's input: every `serde::Serialize` type.
#[diagnostic::on_unimplemented(
    message = "argument of type `{Self}` cannot be recorded as span input: it does not implement `serde::Serialize`",
    label = "not `Serialize`",
    note = "list the argument in `skip(...)` (or use `skip_all`) to leave it out of the span's input"
)]
pub trait RecordArg {
    /// The serializable view.
    type Target: Serialize + ?Sized;
    /// Returns the serializable view.
    fn as_record(&self) -> &Self::Target;
}

impl<T: Serialize + ?Sized> RecordArg for T {
    type Target = T;
    #[inline]
    fn as_record(&self) -> &T {
        self
    }
}

/// The input of an instrumented call being built: a JSON object keyed by argument name,
/// serialized straight from the borrowed arguments, and only when the span records and
/// inputs are captured.
pub struct Input {
    map: Option<Map<String, Value>>,
}

impl Input {
    /// An input for `span` with room for `len` arguments.
    #[inline]
    pub fn new(span: &SpanRef, len: usize) -> Input {
        let capture = match &span.state {
            Parent::Recording(shared) => shared.lifecycle.include_io(),
            _ => false,
        };
        Input {
            map: capture.then(|| Map::with_capacity(len)),
        }
    }

    /// Adds one argument (a clear compile error if it is not `Serialize`).
    #[inline]
    pub fn arg<T: RecordArg + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(map) = &mut self.map {
            map.insert(name.to_owned(), crate::span::to_json(value.as_record()));
        }
    }

    /// Sets the input of `span`.
    #[inline]
    pub fn record(self, span: &SpanRef) {
        if let Some(map) = self.map {
            span.set_input_value(Value::Object(map));
        }
    }
}

/// Return values that can be recorded as a span's output: every `serde::Serialize` type.
#[diagnostic::on_unimplemented(
    message = "the return type `{Self}` cannot be recorded as span output: it does not implement `serde::Serialize`",
    label = "not `Serialize`",
    note = "add `skip_output` to the macro's arguments to leave the return value out of the span"
)]
pub trait RecordOutput {}

impl<T: Serialize + ?Sized> RecordOutput for T {}

/// `Option<Str>` fields from anything string-like, without moving it (literals are turned
/// into `Cow::Borrowed` by the macro instead).
#[inline]
pub fn str_field<T: AsRef<str> + ?Sized>(value: &T) -> Str {
    Cow::Owned(value.as_ref().to_owned())
}

/// `Option<String>` fields from anything string-like.
#[inline]
pub fn string_field<T: AsRef<str> + ?Sized>(value: &T) -> String {
    value.as_ref().to_owned()
}

/// `Vec<Str>` fields from a list of strings (array, slice, `Vec`).
pub fn str_list<I>(values: I) -> Vec<Str>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    values
        .into_iter()
        .map(|v| Cow::Owned(v.as_ref().to_owned()))
        .collect()
}

/// JSON fields (and generic attributes) from any serializable value.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Value {
    crate::span::to_json(value)
}

/// A borrowed return value, probed by autoref specialization: the most specific impl (most
/// `&`s in its `Self`) that applies is chosen at compile time.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// Error probe, most specific: `Result<_, E: Error>`.
pub trait ErrorProbe6 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E: std::error::Error> ErrorProbe6 for &&&&&&Probe<'_, Result<T, E>> {
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if let Err(e) = self.0 {
            span.record_error_from(e);
        }
    }
}

/// Error probe: `Result<_, E>` where `E` is a boxed or `anyhow`-style error
/// (`AsRef<dyn Error + Send + Sync>`).
pub trait ErrorProbe5 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E> ErrorProbe5 for &&&&&Probe<'_, Result<T, E>>
where
    E: AsRef<dyn std::error::Error + Send + Sync + 'static>,
{
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if let Err(e) = self.0 {
            span.record_error(typed(SpanError::from_error(e.as_ref()), type_name::<E>()));
        }
    }
}

/// Error probe: `Result<_, E: AsRef<dyn Error>>` (`Box<dyn Error>`).
pub trait ErrorProbe4 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E> ErrorProbe4 for &&&&Probe<'_, Result<T, E>>
where
    E: AsRef<dyn std::error::Error + 'static>,
{
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if let Err(e) = self.0 {
            span.record_error(typed(SpanError::from_error(e.as_ref()), type_name::<E>()));
        }
    }
}

/// Error probe: `Result<_, E: Display>` (e.g. `String`).
pub trait ErrorProbe3 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E: std::fmt::Display> ErrorProbe3 for &&&Probe<'_, Result<T, E>> {
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if let Err(e) = self.0 {
            span.record_error(SpanError::new(type_name::<E>(), e.to_string()));
        }
    }
}

/// Error probe: `Result<_, E: Debug>`.
pub trait ErrorProbe2 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E: std::fmt::Debug> ErrorProbe2 for &&Probe<'_, Result<T, E>> {
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if let Err(e) = self.0 {
            span.record_error(SpanError::new(type_name::<E>(), format!("{e:?}")));
        }
    }
}

/// Error probe: any other `Result`.
pub trait ErrorProbe1 {
    /// Records the error, if any.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T, E> ErrorProbe1 for &Probe<'_, Result<T, E>> {
    #[inline]
    fn __tm_error(&self, span: &SpanRef) {
        if self.0.is_err() {
            span.record_error(SpanError::new(type_name::<E>(), "error"));
        }
    }
}

/// Error probe, least specific: not a `Result`, nothing to record.
pub trait ErrorProbe0 {
    /// Does nothing.
    fn __tm_error(&self, span: &SpanRef);
}
impl<T: ?Sized> ErrorProbe0 for Probe<'_, T> {
    #[inline(always)]
    fn __tm_error(&self, _span: &SpanRef) {}
}

/// Output probe, most specific: `()` and `Result<(), _>` have no output.
pub trait OutputProbe3 {
    /// Records the output, if any, and ends the span.
    fn __tm_end(&self, span: Span);
}
impl OutputProbe3 for &&&Probe<'_, ()> {
    #[inline]
    fn __tm_end(&self, span: Span) {
        span.end();
    }
}
impl<E> OutputProbe3 for &&&Probe<'_, Result<(), E>> {
    #[inline]
    fn __tm_end(&self, span: Span) {
        span.end();
    }
}

/// Output probe: `Ok` values of a `Result` are the output.
pub trait OutputProbe2 {
    /// Records the output, if any, and ends the span.
    fn __tm_end(&self, span: Span);
}
impl<T: Serialize, E> OutputProbe2 for &&Probe<'_, Result<T, E>> {
    #[inline]
    fn __tm_end(&self, span: Span) {
        match self.0 {
            Ok(value) => span.end_with_output(value),
            Err(_) => span.end(),
        }
    }
}

/// Output probe: any serializable value is the output.
pub trait OutputProbe1 {
    /// Records the output and ends the span.
    fn __tm_end(&self, span: Span);
}
impl<T: Serialize + ?Sized> OutputProbe1 for &Probe<'_, T> {
    #[inline]
    fn __tm_end(&self, span: Span) {
        span.end_with_output(self.0);
    }
}

/// Output probe, least specific: a value that cannot be recorded is a compile error that says
/// to add `skip_output`.
pub trait OutputProbe0<T: ?Sized> {
    /// Fails to compile unless `T: RecordOutput`.
    fn __tm_end(&self, span: Span)
    where
        T: RecordOutput;
}
impl<T: ?Sized> OutputProbe0<T> for Probe<'_, T> {
    #[inline]
    fn __tm_end(&self, span: Span)
    where
        T: RecordOutput,
    {
        span.end();
    }
}

fn type_name<T: ?Sized>() -> &'static str {
    std::any::type_name::<T>()
}

fn typed(mut error: SpanError, kind: &'static str) -> SpanError {
    error.kind = Cow::Borrowed(kind);
    error
}

/// Gives a closure the `FnOnce` kind, so its body may move out of (or return borrows through)
/// what it captured, as the function body could.
#[inline(always)]
pub fn once<R, F: FnOnce() -> R>(f: F) -> F {
    f
}
