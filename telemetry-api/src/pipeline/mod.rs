//! The write pipeline: one bounded queue in front of the store, drained by a writer task
//! that groups concurrent requests into shared transactions (group commit).
//!
//! A request's spans hold permits of a semaphore sized in spans until they are committed,
//! so memory is bounded whatever the clients send; when no permits are left the request is
//! refused at once ([`SubmitError::Full`], answered 503 with `Retry-After`). A submitter
//! is answered only after the transaction holding its spans committed, so a 2xx means the
//! spans are in the store. Committed spans are published to the live feed (and, on
//! PostgreSQL, announced to the other servers on the database, see `live`).

mod writer;

use std::sync::Arc;

use telemetry_store::{IngestReport, PreparedBatch, ProjectId, Store};
use telemetry_types::TelemetryEvent;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::Limits;
use crate::state::LiveSpan;

/// Handle to the write pipeline. Cheap to clone; the writer stops once every handle is
/// dropped and the queue is drained.
#[derive(Debug, Clone)]
pub struct Pipeline {
    store: Store,
    jobs: mpsc::UnboundedSender<Job>,
    permits: Arc<Semaphore>,
    capacity: usize,
    origin: u64,
}

/// One request's events waiting for their commit.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) project: ProjectId,
    pub(crate) events: Vec<TelemetryEvent>,
    /// The events' statements, prepared by the submitter; taken by the first commit.
    pub(crate) prepared: Option<PreparedBatch>,
    pub(crate) spans: usize,
    pub(crate) reply: oneshot::Sender<Result<IngestReport, CommitError>>,
    pub(crate) _permit: OwnedSemaphorePermit,
}

/// Why a commit failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CommitError {
    /// The database is unavailable or busy; retrying later may succeed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The store refused the batch.
    #[error("the store refused the batch: {0}")]
    Refused(String),
}

impl CommitError {
    /// The commit error a store error means to a client.
    pub(crate) fn from_store(err: &telemetry_store::Error) -> Self {
        if err.is_transient() {
            CommitError::Unavailable(err.to_string())
        } else {
            CommitError::Refused(err.to_string())
        }
    }
}

/// Why a submission was not committed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SubmitError {
    /// The pipeline holds as many spans as it may; try again later.
    #[error("the write pipeline is full")]
    Full,
    /// The server is shutting down.
    #[error("the server is shutting down")]
    Closed,
    /// The commit failed.
    #[error(transparent)]
    Commit(#[from] CommitError),
}

impl Pipeline {
    /// The store the pipeline writes to (for writes that need no batching: log records,
    /// Langfuse scores).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Starts the writer task over `store`; committed spans go to `live`.
    pub fn start(
        store: Store,
        live: broadcast::Sender<LiveSpan>,
        limits: &Limits,
    ) -> (Pipeline, JoinHandle<()>) {
        let capacity = limits.pipeline_capacity_spans.max(1);
        let permits = Arc::new(Semaphore::new(capacity));
        let (jobs, queue) = mpsc::unbounded_channel();
        let origin = crate::live::new_origin();
        let writer = writer::Writer {
            store: store.clone(),
            live,
            announcer: crate::live::Announcer::start(&store, origin),
            queue,
            permits: permits.clone(),
            capacity,
            max_commit_spans: limits.max_commit_spans.max(1),
            committed: 0,
            optimize_at: writer::FIRST_OPTIMIZE_AT,
        };
        let handle = tokio::spawn(writer.run());
        let pipeline = Pipeline {
            store,
            jobs,
            permits,
            capacity,
            origin,
        };
        (pipeline, handle)
    }

    /// Queues `events` of `project` (holding `spans` spans) and waits for their commit.
    /// Refuses at once when the pipeline is full.
    pub async fn submit(
        &self,
        project: ProjectId,
        events: Vec<TelemetryEvent>,
        spans: usize,
    ) -> Result<IngestReport, SubmitError> {
        let want = spans.clamp(1, self.capacity);
        let permit = u32::try_from(want)
            .ok()
            .and_then(|n| self.permits.clone().try_acquire_many_owned(n).ok())
            .ok_or(SubmitError::Full)?;
        // Prepared here, on the request's task, so the single writer only commits.
        let prepared = self
            .store
            .prepare(project, &events)
            .await
            .map_err(|err| SubmitError::Commit(CommitError::from_store(&err)))?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            project,
            events,
            prepared: Some(prepared),
            spans,
            reply,
            _permit: permit,
        };
        self.jobs.send(job).map_err(|_| SubmitError::Closed)?;
        Ok(answer.await.map_err(|_| SubmitError::Closed)??)
    }

    /// The random id this pipeline's commits are announced under to other servers on the
    /// same database (see `live`).
    pub(crate) fn origin(&self) -> u64 {
        self.origin
    }

    /// Spans accepted and not yet committed.
    pub fn depth(&self) -> usize {
        self.capacity
            .saturating_sub(self.permits.available_permits())
    }
}
