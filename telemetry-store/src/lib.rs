//! The store for AI telemetry: sea-orm entities, migrations and the [`Store`] API over SQLite
//! (the embedded default: one file, WAL) and PostgreSQL (for scale).
//!
//! Every ingest and every query is scoped to a [`ProjectId`]. Writes are idempotent on
//! (project, trace id, span id), so a retried batch never duplicates.
//!
//! ```no_run
//! use telemetry_store::{Store, TraceFilter, Page};
//!
//! # async fn demo(events: Vec<telemetry_types::TelemetryEvent>) -> telemetry_store::Result<()> {
//! let store = Store::connect("sqlite://data/telemetry.db").await?;
//! store.migrate().await?;
//! let project = store.create_project("support-bot", "Support bot").await?;
//! store.ingest(project.id, &events).await?;
//! let page = store
//!     .list_traces(project.id, &TraceFilter::default(), &Page::first(50))
//!     .await?;
//! for trace in page.items {
//!     println!("{} {:?} {:?}", trace.trace_id, trace.name, trace.duration_ns);
//! }
//! # Ok(()) }
//! ```

mod api_keys;
pub mod cost;
pub mod entities;
mod error;
mod ingest;
pub mod migration;
mod projects;
pub mod query;
mod retention;
mod scores;
mod store;
mod time;

pub use api_keys::{ApiKey, NewApiKey, SECRET_PREFIX, hash_secret};
pub use error::{Error, Result};
pub use ingest::{IngestReport, PreparedBatch};
pub use projects::{Project, ProjectId};
pub use query::*;
pub use retention::RetentionReport;
pub use scores::{NewScore, Score, ScoreSource, ScoreValue};
pub use store::{Backend, Store, StoreOptions};
