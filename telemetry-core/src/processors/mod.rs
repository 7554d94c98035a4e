//! Span processors: run in order when a span ends, before any exporter sees it. They may
//! change the record or drop it.
//!
//! Built in, and run after the user's processors: [`IncludeIo`] (drops inputs and outputs when
//! capture is off), [`ExcludeFields`], [`SensitiveDataFilter`] (on by default) and
//! [`Truncate`] (the `max_data_size` limit).

mod exclude;
mod redact;
mod truncate;

pub use exclude::{ExcludeFields, IncludeIo};
pub use redact::{REDACTED, SensitiveDataFilter};
pub use truncate::Truncate;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde_json::Value;
use telemetry_types::SpanRecord;

use crate::dispatch::panic_message;

/// What a processor decided about a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Pass the (possibly modified) span on.
    Keep,
    /// Drop the span: no exporter sees it.
    Drop,
}

/// Changes or filters spans when they end (the seed's pluggable processors).
///
/// ```
/// use telemetry_core::{processors::{SpanProcessor, Verdict}, SpanRecord};
///
/// /// Drops health-check spans.
/// struct NoHealthChecks;
///
/// impl SpanProcessor for NoHealthChecks {
///     fn name(&self) -> &str { "no-health-checks" }
///     fn process(&self, span: &mut SpanRecord) -> Verdict {
///         if span.name == "healthz" { Verdict::Drop } else { Verdict::Keep }
///     }
/// }
/// ```
pub trait SpanProcessor: Send + Sync + 'static {
    /// A name for logs.
    fn name(&self) -> &str;

    /// Changes `span` in place, or drops it. A panic here is caught and logged; the span then
    /// goes on unchanged by this processor's later steps.
    fn process(&self, span: &mut SpanRecord) -> Verdict;
}

/// The processors of one telemetry instance, in order: the user's, then the built-in data
/// processors, which are skipped for spans that carry no free-form data (the common case on
/// the hot path: typed attributes only).
pub(crate) struct Pipeline {
    user: Vec<Arc<dyn SpanProcessor>>,
    data: Vec<Arc<dyn SpanProcessor>>,
    pub(crate) dropped: AtomicU64,
    pub(crate) panics: AtomicU64,
}

impl Pipeline {
    pub(crate) fn new(
        user: Vec<Arc<dyn SpanProcessor>>,
        data: Vec<Arc<dyn SpanProcessor>>,
    ) -> Self {
        Pipeline {
            user,
            data,
            dropped: AtomicU64::new(0),
            panics: AtomicU64::new(0),
        }
    }

    /// Runs every processor; `false` when one dropped the span.
    pub(crate) fn run(&self, span: &mut SpanRecord) -> bool {
        if !self.run_list(&self.user, span) {
            return false;
        }
        !carries_data(span) || self.run_list(&self.data, span)
    }

    fn run_list(&self, processors: &[Arc<dyn SpanProcessor>], span: &mut SpanRecord) -> bool {
        for processor in processors {
            match std::panic::catch_unwind(AssertUnwindSafe(|| processor.process(span))) {
                Ok(Verdict::Keep) => {}
                Ok(Verdict::Drop) => {
                    self.dropped.fetch_add(1, Relaxed);
                    return false;
                }
                Err(panic) => {
                    self.panics.fetch_add(1, Relaxed);
                    tracing::error!(
                        processor = processor.name(),
                        panic = %panic_message(&*panic),
                        "span processor panicked; the span goes on"
                    );
                }
            }
        }
        true
    }
}

/// Whether a span carries free-form data the built-in processors look at.
fn carries_data(span: &SpanRecord) -> bool {
    use telemetry_types::SpanAttributes as A;
    span.input.is_some()
        || span.output.is_some()
        || !span.metadata.is_empty()
        || !span.events.is_empty()
        || span.error.is_some()
        || match &span.attributes {
            A::Generic(generic) => !generic.fields.is_empty(),
            A::RagQuery(rag) => rag.filter.is_some() || !rag.chunks.is_empty(),
            _ => false,
        }
}

/// Applies `f` to every JSON value a span carries as data: input, output, metadata, attribute
/// values held as JSON, event attributes, and the error's message and source chain (as strings).
pub(crate) fn for_each_value(span: &mut SpanRecord, mut f: impl FnMut(&mut Value)) {
    for value in [&mut span.input, &mut span.output].into_iter().flatten() {
        f(value);
    }
    for value in span.metadata.values_mut() {
        f(value);
    }
    for event in &mut span.events {
        for value in event.attributes.values_mut() {
            f(value);
        }
    }
    attribute_values(span, &mut f);
}

fn attribute_values(span: &mut SpanRecord, f: &mut impl FnMut(&mut Value)) {
    use telemetry_types::SpanAttributes as A;
    match &mut span.attributes {
        A::Generic(generic) => generic.fields.values_mut().for_each(f),
        A::RagQuery(rag) => {
            rag.filter.iter_mut().for_each(&mut *f);
            rag.chunks
                .iter_mut()
                .filter_map(|c| c.metadata.as_mut())
                .for_each(f);
        }
        _ => {}
    }
}
