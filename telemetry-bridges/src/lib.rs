//! Bridges into AI telemetry, so an application adopts it without rewriting its
//! instrumentation, and runs it side by side with what it already has:
//!
//! - **`tracing` → typed AI spans** (feature `tracing-bridge`): [`TelemetryLayer`], a
//!   `tracing_subscriber::Layer`. Spans with GenAI fields (`gen_ai.*`, as rig and other crates
//!   record them, also when recorded after creation) become LLM generation, tool call, agent
//!   run, embedding … spans through the same mapping OTLP ingest uses
//!   ([`telemetry_otlp::span_from_attributes`]); other spans become generic spans or
//!   are skipped by a target/level filter; events become span events; `error` fields and
//!   `#[instrument(err)]` errors become the span's structured error.
//! - **OpenTelemetry ↔ our context** (feature `otel-bridge`): a span started while an
//!   OpenTelemetry span is active becomes its child; our current span as an OpenTelemetry
//!   `SpanContext` ([`otel::to_otel_context`]); and [`otel::TelemetrySpanProcessor`], an
//!   `opentelemetry_sdk` span processor sending an OpenTelemetry-instrumented application's
//!   spans to our exporters as typed spans.
//! - **Switches and configuration**: [`BridgeSwitch`] turns a bridge off and on at run time;
//!   [`config`] reads the OpenTelemetry environment variables (`OTEL_SERVICE_NAME`,
//!   `OTEL_TRACES_SAMPLER`, …) and the `TELEMETRY_ENABLED` kill switch, with code > file >
//!   environment precedence.
//!
//! Parent links follow whichever is deeper — the task-local context of `telemetry-core` or the
//! current bridged `tracing` span — through a resolver the bridges install in
//! [`telemetry_core::set_context_resolver`], so `tracing` spans and our spans nest in either
//! order, across `.await` and [`telemetry_core::spawn`].
//!
//! ```
//! # #[cfg(feature = "tracing-bridge")] {
//! use telemetry_bridges::TelemetryLayer;
//! use telemetry_core::{SpanType, Telemetry, testing::InMemoryExporter};
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let spans = InMemoryExporter::new();
//! let telemetry = Telemetry::builder("docs").exporter(spans.clone()).build()?;
//! let subscriber = tracing_subscriber::registry().with(TelemetryLayer::new(telemetry.clone()));
//! tracing::subscriber::with_default(subscriber, || {
//!     let chat = tracing::info_span!(
//!         "chat",
//!         gen_ai.operation.name = "chat",
//!         gen_ai.request.model = "gpt-4o",
//!         gen_ai.usage.input_tokens = tracing::field::Empty,
//!     );
//!     chat.record("gen_ai.usage.input_tokens", 42);
//! });
//! telemetry.flush_blocking(std::time::Duration::from_secs(5))?;
//! let chat = spans.span("chat").expect("bridged");
//! assert_eq!(chat.attributes.span_type(), SpanType::LlmGeneration);
//! assert_eq!(chat.attributes.model(), Some("gpt-4o"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod config;
#[cfg(feature = "otel-bridge")]
pub mod otel;
mod resolver;
mod switch;
#[cfg(feature = "tracing-bridge")]
mod tracing_bridge;

pub use config::{ConfigError, EnvSource, ProcessEnv, Settings};
pub use resolver::install_context_resolver;
pub use switch::BridgeSwitch;
#[cfg(feature = "tracing-bridge")]
pub use tracing_bridge::{TelemetryLayer, TelemetryLayerBuilder};
