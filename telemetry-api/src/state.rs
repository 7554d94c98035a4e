//! What every handler shares: the store, the live span feed, and who the caller is.

use std::sync::Arc;

use telemetry_store::{ProjectId, Store};
use telemetry_types::SpanRecord;
use tokio::sync::broadcast;

/// Capacity of the live feed; a subscriber that falls this far behind skips ahead.
pub const LIVE_FEED_CAPACITY: usize = 4096;

/// A span just committed to the store, for live subscribers.
#[derive(Debug, Clone)]
pub struct LiveSpan {
    /// Project the span belongs to; subscribers only see their own project's spans.
    pub project: ProjectId,
    /// The span.
    pub span: Arc<SpanRecord>,
}

/// State shared by every route. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The store (the primary: every write, and reads unless `reads` is a replica).
    pub store: Store,
    /// Where GraphQL queries read: the same store, or a read replica of it.
    pub reads: Store,
    /// Spans as they are committed (published by the ingest pipeline after commit).
    pub live: broadcast::Sender<LiveSpan>,
}

impl AppState {
    /// State over `store` (reads and writes) with a fresh live feed.
    pub fn new(store: Store) -> Self {
        let (live, _) = broadcast::channel(LIVE_FEED_CAPACITY);
        AppState {
            reads: store.clone(),
            store,
            live,
        }
    }

    /// The same state with GraphQL queries reading from `replica` (writes stay on `store`).
    pub fn with_reads(self, replica: Store) -> Self {
        AppState {
            reads: replica,
            ..self
        }
    }
}

/// The authenticated caller: the project of the API key that made the request (or the default
/// project in `--dev` mode). The auth layer inserts it into the request's extensions; every
/// handler scopes its reads and writes to it and never takes a project from the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The caller's project.
    pub project: ProjectId,
}
