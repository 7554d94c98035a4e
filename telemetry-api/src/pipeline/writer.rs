//! The writer task: drains the queue, commits groups of jobs in one transaction, answers
//! each job, publishes committed spans.

use std::sync::Arc;
use std::time::Instant;

use telemetry_store::{IngestReport, ProjectId, Store};
use telemetry_types::TelemetryEvent;
use tokio::sync::{Semaphore, broadcast, mpsc};

use super::{CommitError, Job};
use crate::live::Announcer;
use crate::prometheus as m;
use crate::state::LiveSpan;

/// The writer's state.
pub(super) struct Writer {
    pub(super) store: Store,
    pub(super) live: broadcast::Sender<LiveSpan>,
    /// Announces committed spans to other servers on a shared database (PostgreSQL).
    pub(super) announcer: Option<Announcer>,
    pub(super) queue: mpsc::UnboundedReceiver<Job>,
    pub(super) permits: Arc<Semaphore>,
    pub(super) capacity: usize,
    pub(super) max_commit_spans: usize,
    /// Spans committed since start, and at which count statistics are refreshed next.
    pub(super) committed: usize,
    pub(super) optimize_at: usize,
}

/// Spans committed before the planner's statistics are first refreshed from the writer; the
/// threshold then doubles, so a store filling up fast is re-analyzed at 10k, 20k, 40k… spans
/// (between the periodic refreshes, which come too late for a bulk load).
pub(super) const FIRST_OPTIMIZE_AT: usize = 10_000;

impl Writer {
    /// Runs until every sender is gone and the queue is empty.
    pub(super) async fn run(mut self) {
        while let Some(first) = self.queue.recv().await {
            let group = self.gather(first);
            self.commit(group).await;
        }
        tracing::info!("write pipeline drained");
    }

    /// The first job and whatever else is already queued, up to the commit size.
    fn gather(&mut self, first: Job) -> Vec<Job> {
        let mut spans = first.spans;
        let mut group = vec![first];
        while spans < self.max_commit_spans {
            match self.queue.try_recv() {
                Ok(job) => {
                    spans += job.spans;
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        group
    }

    /// Commits a group in one transaction; when that fails and the group has several jobs,
    /// each job is retried alone so one bad request cannot fail the others.
    async fn commit(&mut self, mut group: Vec<Job>) {
        let spans: usize = group.iter().map(|job| job.spans).sum();
        let started = Instant::now();
        let result = commit_prepared(&self.store, &mut group).await;
        m::record_commit(group.len(), spans, started.elapsed(), result.is_ok());
        if result.is_ok() {
            self.after_commit(spans);
        }
        match result {
            Ok(_) => group.into_iter().for_each(|job| self.finish(job, Ok(()))),
            Err(err) if group.len() == 1 => {
                group
                    .into_iter()
                    .for_each(|job| self.finish(job, Err(err.clone())));
            }
            Err(_) => {
                for mut job in group {
                    // Prepared again from the events: the group's statements are spent.
                    let alone = commit_prepared(&self.store, std::slice::from_mut(&mut job)).await;
                    self.finish(job, alone.map(|_| ()));
                }
            }
        }
        m::set_pipeline_depth(
            self.capacity
                .saturating_sub(self.permits.available_permits()),
        );
    }

    /// Counts committed spans; refreshes the planner's statistics in the background each
    /// time the count doubles.
    fn after_commit(&mut self, spans: usize) {
        self.committed += spans;
        if self.committed < self.optimize_at {
            return;
        }
        self.optimize_at = self.committed.saturating_mul(2);
        let store = self.store.clone();
        tokio::spawn(async move {
            if let Err(err) = store.optimize().await {
                tracing::warn!(error = %err, "refreshing planner statistics failed");
            }
        });
    }

    /// Answers a job, and publishes its spans when committed.
    fn finish(&self, job: Job, result: Result<(), CommitError>) {
        let Job {
            project,
            events,
            spans,
            reply,
            _permit,
            ..
        } = job;
        match result {
            Ok(()) => {
                self.publish(project, &events);
                let report = IngestReport {
                    spans,
                    ..IngestReport::default()
                };
                let _ = reply.send(Ok(report));
            }
            Err(err) => {
                let _ = reply.send(Err(err));
            }
        }
    }

    /// Sends committed spans to live subscribers, if any, and announces them to the other
    /// servers on the database.
    fn publish(&self, project: ProjectId, events: &[TelemetryEvent]) {
        if let Some(announcer) = &self.announcer {
            announcer.committed(project, events);
        }
        if self.live.receiver_count() == 0 {
            return;
        }
        for span in events.iter().filter_map(TelemetryEvent::span) {
            let _ = self.live.send(LiveSpan {
                project,
                span: span.clone(),
            });
        }
    }
}

/// One shared transaction for the jobs' prepared statements; a job whose statements were
/// spent by a failed commit is prepared again from its events.
async fn commit_prepared(store: &Store, jobs: &mut [Job]) -> Result<IngestReport, CommitError> {
    let mut batches = Vec::with_capacity(jobs.len());
    for job in jobs.iter_mut() {
        let batch = match job.prepared.take() {
            Some(batch) => batch,
            None => store
                .prepare(job.project, &job.events)
                .await
                .map_err(|err| failed(&err, 1))?,
        };
        batches.push(batch);
    }
    store
        .commit_prepared(batches)
        .await
        .map_err(|err| failed(&err, jobs.len()))
}

fn failed(err: &telemetry_store::Error, jobs: usize) -> CommitError {
    if err.is_storage_failure() {
        tracing::error!(
            error = %err,
            jobs,
            "commit failed: the database cannot write its files (disk full, file-size limit \
             or I/O error); ingest answers 503 until it can"
        );
        return CommitError::from_store(err);
    }
    tracing::error!(error = %err, jobs, "commit failed");
    CommitError::from_store(err)
}
