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
    /// Shutdown ran out of time: no more retries.
    giving_up: AtomicBool,
    /// Wakes the batcher: a full batch, a flush, a shutdown.
    pub(crate) wake: Notify,
    /// Wakes flushes: a batch was resolved.
    pub(crate) resolved: Notify,
    /// Wakes producers waiting for room: a batch left, the server started failing, or the
    /// buffer closed.
    room: Notify,
    /// A request is being retried (the server is failing); cleared by the next answer.
    failing: AtomicBool,
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
            giving_up: AtomicBool::new(false),
            wake: Notify::new(),
            resolved: Notify::new(),
            room: Notify::new(),
            failing: AtomicBool::new(false),
            counters,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds what fits, drops the rest (newest first) and counts it; returns the buffered
    /// length and the number dropped.
    #[cfg(test)]
    pub(crate) fn push(
        &self,
        events: impl ExactSizeIterator<Item = TelemetryEvent>,
    ) -> (usize, u64) {
        let mut events = events;
        let buffered = self.push_some(&mut events);
        (buffered, events.len() as u64)
    }

    /// Adds what fits, waiting up to `wait` for room while the server is answering; drops
    /// the rest (newest first). Returns the buffered length and the number dropped.
    pub(crate) async fn push_or_wait(
        &self,
        events: Vec<TelemetryEvent>,
        wait: Duration,
    ) -> (usize, u64) {
        let deadline = Instant::now() + wait;
        let mut events = events.into_iter();
        loop {
            // Registered before looking, so a batch leaving in between still wakes us.
            let mut room = std::pin::pin!(self.room.notified());
            room.as_mut().enable();
            let buffered = self.push_some(&mut events);
            let left = Instant::now();
            if events.len() == 0 || self.is_closed() || self.is_failing() || left >= deadline {
                return (buffered, events.len() as u64);
            }
            self.wake.notify_one();
            let _ = tokio::time::timeout(deadline - left, room).await;
        }
    }

    /// Moves as many of `events` as fit into the buffer; returns the buffered length.
    fn push_some(&self, events: &mut impl ExactSizeIterator<Item = TelemetryEvent>) -> usize {
        let mut queue = self.lock();
        let room = self.capacity.saturating_sub(queue.events.len());
        let accepted = events.len().min(room);
        if accepted > 0 && queue.since.is_none() {
            queue.since = Some(Instant::now());
        }
        queue.events.extend(events.take(accepted));
        queue.events.len()
    }

    /// A try failed and is being retried: producers stop waiting for room.
    pub(crate) fn mark_failing(&self) {
        if !self.failing.swap(true, Relaxed) {
            self.room.notify_waiters();
        }
    }

    /// The server answered (accepted or refused): a full buffer is worth waiting on again.
    pub(crate) fn mark_answering(&self) {
        self.failing.store(false, Relaxed);
    }

    fn is_failing(&self) -> bool {
        self.failing.load(Relaxed)
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
        drop(queue);
        self.in_flight.fetch_add(batch.len() as u64, Relaxed);
        self.room.notify_waiters();
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
        let _hurry = Hurry::new(&self.flushing);
        self.wake.notify_one();
        while !self.is_idle() {
            let resolved = self.resolved.notified();
            let _ = tokio::time::timeout(Duration::from_millis(5), resolved).await;
        }
    }

    /// Stops retrying and empties the buffer; returns how many buffered events were removed.
    /// Requests in flight end after their current try.
    pub(crate) fn give_up(&self) -> u64 {
        self.giving_up.store(true, Relaxed);
        let mut queue = self.lock();
        queue.since = None;
        let removed = queue.events.len() as u64;
        queue.events.clear();
        removed
    }

    /// Whether [`give_up`](Self::give_up) was called: no more retries.
    pub(crate) fn giving_up(&self) -> bool {
        self.giving_up.load(Relaxed)
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Relaxed);
        self.wake.notify_one();
        self.room.notify_waiters();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Relaxed)
    }
}

/// Counts one waiting flush for as long as it lives (also when the wait is cancelled).
struct Hurry<'a>(&'a AtomicUsize);

impl<'a> Hurry<'a> {
    fn new(flushing: &'a AtomicUsize) -> Self {
        flushing.fetch_add(1, Relaxed);
        Hurry(flushing)
    }
}

impl Drop for Hurry<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetry_types::attrs::ToolCall;
    use telemetry_types::{SpanId, SpanRecord, SpanStatus, Timestamp, TraceId};

    fn event(i: u64) -> TelemetryEvent {
        TelemetryEvent::SpanEnded {
            span: Arc::new(SpanRecord {
                trace_id: TraceId::random(),
                span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
                parent_span_id: None,
                name: "t".into(),
                service_name: "s".into(),
                attributes: ToolCall::named("t").into(),
                input: None,
                output: None,
                metadata: Default::default(),
                start_time: Timestamp::from_unix_nanos(1),
                end_time: Some(Timestamp::from_unix_nanos(2)),
                status: SpanStatus::Ok,
                error: None,
                errored_descendants: Vec::new(),
                events: Vec::new(),
                ended_by_drop: false,
                trace: Default::default(),
            }),
        }
    }

    fn number(e: &TelemetryEvent) -> u64 {
        e.span().map_or(0, |s| s.span_id.to_int() - 1)
    }

    #[test]
    fn a_full_buffer_drops_the_newest_and_keeps_the_oldest() {
        let buffer = Buffer::new(5, Arc::default());
        assert_eq!(buffer.push((0..3u32).map(|i| event(u64::from(i)))), (3, 0));
        assert_eq!(buffer.push((3..8u32).map(|i| event(u64::from(i)))), (5, 3));
        buffer.close();
        let batch = buffer.take_ready(10, Duration::from_secs(60)).unwrap();
        assert_eq!(
            batch.iter().map(number).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn batches_leave_when_full_or_old_and_count_as_in_flight() {
        let buffer = Buffer::new(100, Arc::default());
        buffer.push((0..3u32).map(|i| event(u64::from(i))));
        assert!(
            buffer.take_ready(4, Duration::from_secs(60)).is_none(),
            "not full, not old"
        );
        buffer.push((3..5u32).map(|i| event(u64::from(i))));
        assert_eq!(
            buffer.take_ready(4, Duration::from_secs(60)).unwrap().len(),
            4
        );
        assert!(!buffer.is_idle(), "a batch in flight is not idle");
        assert_eq!(
            buffer.take_ready(4, Duration::ZERO).unwrap().len(),
            1,
            "old enough"
        );
        buffer.resolve(5);
        assert!(buffer.is_idle());
    }
}
