//! The store for AI telemetry: sea-orm entities, migrations and the [`Store`] API over SQLite
//! (the embedded default: one file, WAL) and PostgreSQL (for scale).
//!
//! Every ingest and every query is scoped to a [`ProjectId`]. Writes are idempotent on
//! (project, trace id, span id), so a retried batch never duplicates.
//!
//! ```
//! use std::sync::Arc;
//! use telemetry_store::{Page, Store, TraceFilter};
//! use telemetry_types::{
//!     SpanAttributes, SpanId, SpanRecord, SpanStatus, TelemetryEvent, Timestamp, TraceAttributes,
//!     TraceId,
//! };
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let store = Store::connect("sqlite::memory:").await?;
//! store.migrate().await?;
//! let project = store.create_project("support-bot", "Support bot").await?;
//!
//! // One ended root span, as an exporter delivers it.
//! let root = SpanRecord {
//!     trace_id: TraceId::random(),
//!     span_id: SpanId::random(),
//!     parent_span_id: None,
//!     name: "support".into(),
//!     service_name: Arc::from("support-bot"),
//!     attributes: SpanAttributes::default(),
//!     input: None,
//!     output: None,
//!     metadata: Default::default(),
//!     start_time: Timestamp::from_unix_nanos(1_764_000_000_000_000_000),
//!     end_time: Some(Timestamp::from_unix_nanos(1_764_000_001_500_000_000)),
//!     status: SpanStatus::Ok,
//!     error: None,
//!     errored_descendants: Vec::new(),
//!     events: Vec::new(),
//!     ended_by_drop: false,
//!     trace: Arc::new(TraceAttributes::default()),
//! };
//! store.ingest(project.id, &[TelemetryEvent::SpanEnded { span: Arc::new(root) }]).await?;
//!
//! let page = store
//!     .list_traces(project.id, &TraceFilter::default(), &Page::first(50))
//!     .await?;
//! assert_eq!(page.items.len(), 1);
//! assert_eq!(page.items[0].duration_ns, Some(1_500_000_000));
//! # Ok::<(), telemetry_store::Error>(()) }).unwrap();
//! ```
//!
//! The types a caller needs are at the crate root: [`Store`] and its options, the ids and
//! records of projects, API keys and scores, and the filters, pages and rows of the queries.
//! [`migration`] (the schema, for tools that run it themselves) and [`cost`] (the price table)
//! are the only public modules.

mod api_keys;
mod committed;
pub mod cost;
mod entities;
mod error;
mod exclusive;
mod ingest;
mod keyed_scores;
mod logs;
pub mod migration;
mod partitions;
mod projects;
mod query;
mod record;
mod retention;
mod scores;
mod store;
mod time;

pub use api_keys::{ApiKey, NewApiKey, SECRET_PREFIX, hash_secret};
pub use committed::{COMMITTED_CHANNEL, CommittedListener, CommittedSpans};
pub use error::{Error, Result};
pub use ingest::{IngestReport, PreparedBatch};
pub use logs::{LogCursor, LogFilter, SpanKey, StoredLog};
pub use partitions::{PARTITION_DAYS_AHEAD, SpanPartition};
pub use projects::{Project, ProjectId};
pub use query::{
    Aggregate, CompareOp, CountRow, Dimension, HistogramBin, LatencyBreakdown, LatencyBreakdownRow,
    LatencyQuery, LatencyRow, MAX_SPAN_CONDITIONS, ModelScore, ModelUsageRow, Operand, Page, Paged,
    ScoreDistribution, ScoreSeriesRow, ScoreSourceRow, ScoreStats, SessionSummary, SpanColumn,
    SpanCondition, SpanField, SpanNode, SpanQuery, StoredSpan, SubtreeTotals, TimeRange,
    TraceCountRow, TraceDetail, TraceFilter, TraceNameScore, TraceOrder, TraceSummary,
    UsageBreakdownRow, UsageTotals, session_cursor, span_query_cursor, trace_cursor,
};
pub use retention::RetentionReport;
pub use scores::{NewScore, Score, ScoreSource, ScoreValue};
pub use store::{Backend, Store, StoreOptions};

/// The storage guide, `docs/STORE.md`: backends, schema, queries and their measured costs.
/// Included here so its examples are compiled with the crate's doctests.
#[doc = include_str!("../../docs/STORE.md")]
pub mod guide {}
