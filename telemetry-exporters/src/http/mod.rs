//! The HTTP exporter: batches of events to an HTTP endpoint, as OTLP/HTTP (`/v1/traces`, in
//! protobuf or JSON, spans mapped by [`telemetry_otlp`]), as OTLP/gRPC
//! ([`WireFormat::OtlpGrpc`], over tonic) or as our native JSON batch of
//! `TelemetryEvent`s (schema in `docs/NATIVE_FORMAT.md`).
//!
//! Batching by count, bytes and time; gzip; configurable endpoint, headers and timeouts;
//! retries with exponential backoff and jitter (via `backon`) on 429, 502, 503, 504,
//! connection errors and timeouts, honouring `Retry-After`; OTLP partial success read and
//! counted; a bounded buffer whose drops are counted in [`HttpExporterStats`].
//!
//! ```no_run
//! use std::time::Duration;
//! use telemetry_core::{Telemetry, attrs::LlmGeneration};
//! use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, WireFormat};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let exporter = HttpExporter::new(
//!     HttpExporterConfig::new("https://collector.example.com/v1/traces")
//!         .format(WireFormat::OtlpProtobuf)
//!         .header("authorization", "Bearer s3cret")
//!         .timeout(Duration::from_secs(5)),
//! )?;
//! let telemetry = Telemetry::builder("support-bot").exporter(exporter.clone()).build()?;
//! telemetry.span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai")).start().end();
//! telemetry.shutdown().await?; // delivered, or an error saying exactly how many were not
//! println!("{:?}", exporter.stats());
//! # Ok(()) }
//! ```

mod batcher;
mod buffer;
mod client;
mod config;
mod encode;
mod env;
mod error;
mod exporter;
mod grpc;
mod response;
mod stats;

pub use config::{HttpCompression, HttpExporterConfig, RetryPolicy, WireFormat};
pub use env::{DEFAULT_OTLP_ENDPOINT, DEFAULT_OTLP_GRPC_ENDPOINT};
pub use error::HttpExporterError;
pub use exporter::HttpExporter;
pub use stats::HttpExporterStats;
