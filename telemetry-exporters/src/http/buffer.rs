//! The bounded buffer between `export_batch` and the requests, and what waits on it.

use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use telemetry_types::TelemetryEvent;
use tokio::sync::Notify;

use super::stats::Counters;

#[derive(Default)]
struct Queue {
    events: VecDeque<TelemetryEvent>,
    /// Arrival of the oldest event in `events`.
    since: Option<Instant>,
}

/// Shared between the exporter handles, the batcher task and the request tasks.
pub(crate) struct Buffer {
    queue: Mutex<Queue>,
    capacity: usize,
    /// Events taken into batches and not yet resolved.
    in_flight: AtomicU64,
    /// Flushes waiting: while any, partial batches leave at once.
    flushing: AtomicUsize,
    closed: AtomicBool,
    /// Wakes the batcher: a full batch, a flush, a shutdown.
    pub(crate) wake: Notify,
    /// Wakes flushes: a batch was resolved.
    pub(crate) resolved: Notify,
    pub(crate) counters: Arc<Counters>,
}

impl Buffer {
    pub(crate) fn new(capacity: usize, counters: Arc<Counters>) -> Self {
        Buffer {
            queue: Mutex::new(Queue::default()),
            capacity,
            in_flight: AtomicU64::new(0),
            flushing: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            wake: Notify::new(),
            resolved: Notify::new(),
            counters,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds what fits, drops the rest (newest first) and counts it; returns the buffered
    /// length and the number dropped.
    pub(crate) fn push(
        &self,
        events: impl ExactSizeIterator<Item = TelemetryEvent>,
    ) -> (usize, u64) {
        let offered = events.len();
        let mut queue = self.lock();
        let room = self.capacity.saturating_sub(queue.events.len());
        let accepted = offered.min(room);
        if accepted > 0 && queue.since.is_none() {
            queue.since = Some(Instant::now());
        }
        queue.events.extend(events.take(accepted));
        let dropped = (offered - accepted) as u64;
        (queue.events.len(), dropped)
    }

    /// Takes the next batch if one is due: full, old enough, or wanted by a flush or shutdown.
    pub(crate) fn take_ready(
        &self,
        max_events: usize,
        max_delay: Duration,
    ) -> Option<Vec<TelemetryEvent>> {
        let mut queue = self.lock();
        let len = queue.events.len();
        let hurry = self.flushing.load(Relaxed) > 0 || self.closed.load(Relaxed);
        let old = queue.since.is_some_and(|t| t.elapsed() >= max_delay);
        if len == 0 || (len < max_events && !hurry && !old) {
            return None;
        }
        let batch: Vec<_> = queue.events.drain(..len.min(max_events)).collect();
        if queue.events.is_empty() {
            queue.since = None;
        }
        self.in_flight.fetch_add(batch.len() as u64, Relaxed);
        Some(batch)
    }

    /// How long until the oldest buffered event is due; `None` when the buffer is empty.
    pub(crate) fn time_to_due(&self, max_delay: Duration) -> Option<Duration> {
        self.lock()
            .since
            .map(|t| max_delay.saturating_sub(t.elapsed()))
    }

    /// Marks `events` of a batch resolved and wakes flushes.
    pub(crate) fn resolve(&self, events: u64) {
        self.in_flight.fetch_sub(events, Relaxed);
        self.resolved.notify_waiters();
    }

    /// Nothing buffered and nothing in flight.
    pub(crate) fn is_idle(&self) -> bool {
        let queue = self.lock();
        queue.events.is_empty() && self.in_flight.load(Relaxed) == 0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lock().events.is_empty()
    }

    /// Waits until every event buffered or in flight now is resolved.
    pub(crate) async fn wait_idle(&self) {
        self.flushing.fetch_add(1, Relaxed);
        self.wake.notify_one();
        while !self.is_idle() {
            let resolved = self.resolved.notified();
            let _ = tokio::time::timeout(Duration::from_millis(5), resolved).await;
        }
        self.flushing.fetch_sub(1, Relaxed);
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Relaxed);
        self.wake.notify_one();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Relaxed)
    }
}
