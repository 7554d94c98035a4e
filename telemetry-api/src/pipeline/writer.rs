//! The writer task: drains the queue, commits groups of jobs in one transaction, answers
//! each job, publishes committed spans.

use std::sync::Arc;
use std::time::Instant;

use telemetry_store::{IngestReport, ProjectId, Store};
use telemetry_types::TelemetryEvent;
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinSet;

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

/// Transactions the writer keeps in flight at once: one on SQLite, which has one write lock;
/// three on PostgreSQL, whose backends do most of the work of a commit, so the others keep the
/// database busy while one's answers go out (measured: 26k committed spans/s with one, 30k
/// with two, 31–36k with three, no more with four; docs/BENCHMARKS.md). Ingest transactions take
/// their traces' advisory locks in one sorted order (`trace_locks`), which is what already
/// keeps several servers on one database free of deadlocks, and the totals refresh is exact
/// under concurrent writers of a trace (docs/STORE.md, "Scaling out").
fn commits_in_flight(store: &Store) -> usize {
    match store.backend() {
        telemetry_store::Backend::Sqlite => 1,
        telemetry_store::Backend::Postgres => 3,
    }
}

/// A committed (or failed) group: each job with its outcome, and what the metrics need.
struct Settled {
    jobs: Vec<(Job, Result<(), CommitError>)>,
    spans: usize,
    committed: bool,
}

impl Writer {
    /// Runs until every sender is gone, the queue is empty and the last commit settled.
    pub(super) async fn run(mut self) {
        let parallel = commits_in_flight(&self.store);
        let mut in_flight = JoinSet::new();
        let mut open = true;
        while open || !in_flight.is_empty() {
            tokio::select! {
                job = self.queue.recv(), if open && in_flight.len() < parallel => match job {
                    Some(first) => {
                        let group = self.gather(first);
                        in_flight.spawn(commit(self.store.clone(), group));
                    }
                    None => open = false,
                },
                Some(done) = in_flight.join_next() => match done {
                    Ok(settled) => self.settle(settled),
                    // The jobs' reply senders went with the task: their submitters are
                    // answered `Closed` (503), and nothing was acknowledged.
                    Err(err) => tracing::error!(error = %err, "a commit task failed"),
                },
            }
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

    /// Answers a settled group's jobs and keeps the counts.
    fn settle(&mut self, settled: Settled) {
        if settled.committed {
            self.after_commit(settled.spans);
        }
        for (job, result) in settled.jobs {
            self.finish(job, result);
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

/// Commits a group in one transaction; when that fails and the group has several jobs,
/// each job is retried alone so one bad request cannot fail the others.
async fn commit(store: Store, mut group: Vec<Job>) -> Settled {
    let spans: usize = group.iter().map(|job| job.spans).sum();
    let started = Instant::now();
    let result = commit_prepared(&store, &mut group).await;
    m::record_commit(group.len(), spans, started.elapsed(), result.is_ok());
    let committed = result.is_ok();
    let jobs = match result {
        Ok(_) => group.into_iter().map(|job| (job, Ok(()))).collect(),
        Err(err) if group.len() == 1 => group
            .into_iter()
            .map(|job| (job, Err(err.clone())))
            .collect(),
        Err(_) => {
            let mut jobs = Vec::with_capacity(group.len());
            for mut job in group {
                // Prepared again from the events: the group's statements are spent.
                let alone = commit_prepared(&store, std::slice::from_mut(&mut job)).await;
                jobs.push((job, alone.map(|_| ())));
            }
            jobs
        }
    };
    Settled {
        jobs,
        spans,
        committed,
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
