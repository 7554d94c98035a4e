//! placeholder

pub mod otel;

// Delivery exporters: HTTP (native JSON, OTLP) and file (JSON Lines).
#[cfg(feature = "file")]
pub mod file;
#[cfg(feature = "file")]
pub use file::{FileExporter, FileExporterConfig};
