//! The file exporter: JSON Lines, one [`TelemetryEvent`](telemetry_types::TelemetryEvent) per
//! line, written by a buffered background thread, optionally compressed with gzip or zstd,
//! rotated by size and age with a number of old files kept, fsynced on flush; and the
//! [`EventReader`] that streams the events back.
//!
//! # Files
//!
//! Files are named `{prefix}-{sequence:010}.jsonl[.gz|.zst]` in the configured directory; a
//! restarted exporter continues after the highest sequence found and never appends to an old
//! file. Compressed files are a sequence of complete zstd frames or gzip members, one ending
//! at every flush (explicit, every `flush_interval`, and at rotation), so:
//!
//! - a rotated file was ended and fsynced before the next one was created: it is complete and
//!   readable on its own, whatever happens to the process afterwards;
//! - the current file is readable up to its last flushed line even if the process is killed
//!   (the reader stops at the cut without error).
//!
//! ```
//! use telemetry_core::{Telemetry, attrs::ToolCall};
//! use telemetry_exporters::file::{EventReader, FileExporter, FileExporterConfig};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let dir = std::env::temp_dir().join(format!("doc-file-exporter-{}", std::process::id()));
//! let files = FileExporter::new(FileExporterConfig::new(&dir))?;
//! let telemetry = Telemetry::builder("agent").exporter(files.clone()).build()?;
//! telemetry.span("search", ToolCall::named("search")).start().end();
//! telemetry.shutdown().await?;
//!
//! let events: Vec<_> = EventReader::open(&dir)?.collect::<Result<_, _>>()?;
//! assert!(events.iter().any(|e| e.span().is_some_and(|s| s.name == "search")));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

mod config;
mod error;
mod exporter;
mod naming;
mod reader;
mod sink;
mod stats;
mod writer;

pub use config::{Compression, FileExporterConfig};
pub use error::{FileExporterError, ReadError};
pub use exporter::FileExporter;
pub use reader::{EventReader, read_all};
pub use stats::FileExporterStats;
