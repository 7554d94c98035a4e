//! The AI telemetry runtime: typed AI spans with near-zero overhead, task-local context across
//! `.await` and `tokio::spawn`, W3C propagation, sampling, processors (redaction, truncation),
//! and exporters that each get their own bounded queue and worker.
//!
//! Sampling happens twice: head sampling when a trace's root starts ([`SamplingStrategy`],
//! from the trace id), then, when enabled, tail sampling on the finished trace
//! ([`TailSampling`]: keep errored, slow, expensive or badly scored traces and a share of the
//! rest, in bounded memory). When to use which, the policies, bounds and counters:
//! `docs/SAMPLING.md` in the repository.
//!
//! On a hot path, [`Telemetry::span_with`] takes the attributes as a closure that runs only if
//! the span is sampled (`#[with_span]` expands to it); events reach each exporter's worker in
//! per-thread batches, and a full queue follows the [`OverflowPolicy`] (wait up to 100 ms for
//! room by default, or drop).
//!
//! This crate is the facade: it re-exports the data types of `telemetry-types` (and, with the
//! default `macros` feature, the instrumentation macros), so an application depends on it alone.
//!
//! ```
//! use telemetry_core::{Telemetry, FutureExt, current_span, attrs::{AgentRun, LlmGeneration, Usage}};
//! use telemetry_core::testing::InMemoryExporter;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let spans = InMemoryExporter::new();
//! let telemetry = Telemetry::builder("support-bot").exporter(spans.clone()).build()?;
//!
//! let run = telemetry.trace("support", AgentRun::named("support-agent")).session_id("s-42").start();
//! async {
//!     let llm = telemetry.span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai")).start();
//!     llm.record_usage(Usage::new(1200, 80));
//!     llm.end_with_output("Refunds take 5 days.");
//! }
//! .in_span(&run)
//! .await;
//! run.end();
//! telemetry.shutdown().await?;
//!
//! let chat = spans.span("chat gpt-4o").unwrap();
//! assert_eq!(chat.parent_span_id, run_id(&spans));
//! assert_eq!(chat.trace.session_id.as_deref(), Some("s-42"));
//! # fn run_id(s: &InMemoryExporter) -> Option<telemetry_core::SpanId> { s.span("support").map(|r| r.span_id) }
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

#[cfg(feature = "macros")]
#[doc(hidden)]
#[path = "macro_support.rs"]
pub mod __private;
mod clock;
mod context;
mod dispatch;
mod exporter;
mod handoff;
mod ids;
mod instrument;
mod lifecycle;
mod overflow;
#[cfg(feature = "macros")]
mod panic_message;
pub mod processors;
pub mod propagation;
mod registry;
mod sampling;
mod span;
mod tail;
mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
mod traces;

pub use context::{Context, ContextResolver, WithContext, set_context_resolver};
pub use dispatch::ExporterStats;
pub use exporter::{ExportError, ExporterCapabilities, TelemetryExporter};
pub use instrument::{FutureExt, spawn, spawn_thread};
pub use overflow::{DEFAULT_OVERFLOW_WAIT, OverflowPolicy};
pub use registry::{Registry, Selector, resolve_telemetry};
pub use sampling::InvalidRatio;
pub use span::{AttributeSource, Lazy, Span, SpanBuilder, SpanRef, TypedAttributes, current_span};
pub use tail::{
    DEFAULT_DECISION_WAIT, DEFAULT_MAX_SPANS, DEFAULT_MAX_TRACES, NamedPolicy, TAIL_REASON_KEY,
    TailConfigError, TailPolicy, TailSampling, TailStats,
};
pub use telemetry::{BuildError, Telemetry, TelemetryBuilder, TelemetryStats};

pub use telemetry_types::*;

/// The sampling guide, `docs/SAMPLING.md`: head and tail sampling, when to use which, and
/// what each costs. Included here so its example is compiled with the crate's doctests.
#[doc = include_str!("../../docs/SAMPLING.md")]
pub mod sampling_guide {}

#[cfg(feature = "macros")]
pub use telemetry_macros::{instrument_class, with_span};
