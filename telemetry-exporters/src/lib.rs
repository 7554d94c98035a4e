//! Exporters for AI telemetry, each owning its batching and delivery. The OpenTelemetry
//! mapping they encode with lives in `telemetry-otlp`.
//!
//! - [`ConsoleExporter`]: each finished trace as an indented tree, for development.
//! - [`HttpExporter`] (feature `http`): OTLP/HTTP (protobuf or JSON) or native JSON batches,
//!   gzip, retries with backoff, bounded buffer with counted drops.
//! - [`FileExporter`] (feature `file`, `zstd`): JSON Lines, gzip/zstd, rotation, and
//!   [`file::EventReader`] to read the files back.
//!
//! ```
//! use telemetry_core::{Telemetry, attrs::{AgentRun, LlmGeneration, Usage}};
//! use telemetry_exporters::ConsoleExporter;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let telemetry = Telemetry::builder("demo").exporter(ConsoleExporter::new()).build()?;
//! let run = telemetry.trace("support", AgentRun::named("support-agent")).start();
//! run.in_scope(|| {
//!     let llm = telemetry.span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai")).start();
//!     llm.record_usage(Usage::new(1200, 80));
//!     llm.end();
//! });
//! run.end();
//! telemetry.shutdown().await?;
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

pub mod console;

pub use console::ConsoleExporter;

// Delivery exporters: HTTP (native JSON, OTLP) and file (JSON Lines).
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "http")]
pub use http::{HttpExporter, HttpExporterConfig};
#[cfg(feature = "file")]
pub mod file;
#[cfg(feature = "file")]
pub use file::{FileExporter, FileExporterConfig};

#[cfg(feature = "storage")]
pub mod storage;
#[cfg(feature = "storage")]
pub use storage::{StorageExporter, StorageExporterConfig, StorageExporterStats};
