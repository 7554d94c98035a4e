//! Announcing committed spans to the other servers on the database, off the writer's path:
//! the writer hands the keys to a bounded queue and a task of its own sends them.

use std::collections::BTreeMap;

use telemetry_store::{CommittedSpans, ProjectId, Store};
use telemetry_types::{SpanId, TelemetryEvent, TraceId};
use tokio::sync::mpsc;

/// Commits whose keys may wait for the announcing task; beyond, they are dropped.
const QUEUE: usize = 256;

/// The writer's side of the announcements.
#[derive(Debug, Clone)]
pub(crate) struct Announcer {
    queue: mpsc::Sender<(ProjectId, Vec<(TraceId, SpanId)>)>,
}

impl Announcer {
    /// Starts the announcing task when `store` is shared (PostgreSQL); `None` on SQLite.
    pub(crate) fn start(store: &Store, origin: u64) -> Option<Announcer> {
        if store.backend() != telemetry_store::Backend::Postgres {
            return None;
        }
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(store.clone(), origin, rx));
        Some(Announcer { queue })
    }

    /// Queues the keys of `events`' spans, committed for `project`; never waits.
    pub(crate) fn committed(&self, project: ProjectId, events: &[TelemetryEvent]) {
        let keys: Vec<(TraceId, SpanId)> = events
            .iter()
            .filter_map(TelemetryEvent::span)
            .map(|span| (span.trace_id, span.span_id))
            .collect();
        if !keys.is_empty() && self.queue.try_send((project, keys)).is_err() {
            super::dropped("announce", 1);
        }
    }
}

/// Sends what is queued, merging the commits waiting at the same time into one statement.
async fn run(
    store: Store,
    origin: u64,
    mut rx: mpsc::Receiver<(ProjectId, Vec<(TraceId, SpanId)>)>,
) {
    while let Some(first) = rx.recv().await {
        let mut by_project: BTreeMap<ProjectId, Vec<(TraceId, SpanId)>> = BTreeMap::new();
        by_project.entry(first.0).or_default().extend(first.1);
        while let Ok((project, keys)) = rx.try_recv() {
            by_project.entry(project).or_default().extend(keys);
        }
        for (project, spans) in by_project {
            let notice = CommittedSpans {
                origin,
                project,
                spans,
            };
            if let Err(err) = store.announce_committed(&notice).await {
                super::dropped("announce", 1);
                tracing::warn!(error = %err, "live tail: announcing committed spans failed");
            }
        }
    }
}
