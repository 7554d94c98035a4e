//! The hand-off of events from recording threads to one exporter's worker, in batches.
//!
//! Each thread that records has its own buffer per exporter (a vector behind a lock that only
//! this thread and, once per round, the worker take), so a span end is a push on a line no
//! other core is writing. The worker takes every thread's buffer whole, by swapping vectors:
//! its cost per event is a move, not a queue operation. A buffer is reachable from the worker,
//! not only from its thread, so events recorded by a thread that then sleeps or exits are still
//! collected (on the next round, `flush` or `shutdown`): nothing waits for the thread.
//!
//! One relaxed `fetch_add` per event gives it a sequence number; the worker sorts a round by
//! it, so events reach the exporter in an order consistent with the program's (a child's end,
//! on another thread, before its trace's end), and `accepted - done` is the queue's length
//! (collected events count until the worker has handed them to the exporter), bounded by the
//! capacity.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use parking_lot::Mutex;
use telemetry_types::TelemetryEvent;

/// Unique id of a hand-off (an exporter slot), so a thread's buffer list never mixes up two
/// exporters whose memory happened to be reused.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Events of one thread for one exporter, in the order the thread recorded them.
#[derive(Default)]
struct Buffer {
    seqs: Vec<u64>,
    events: Vec<TelemetryEvent>,
}

/// One thread's buffer, shared by the thread (through its thread-local list) and the worker
/// (through the hand-off's list).
#[derive(Default)]
struct LocalQueue {
    buffer: Mutex<Buffer>,
    /// The hand-off is gone: the thread-local entry can be forgotten.
    closed: AtomicBool,
}

thread_local! {
    /// This thread's buffers, one per exporter it recorded for (usually one or two).
    static LOCAL: RefCell<Vec<(u64, Arc<LocalQueue>)>> = const { RefCell::new(Vec::new()) };
}

/// The shared side of one exporter's queue: producers push, the worker collects.
pub(crate) struct Handoff {
    id: u64,
    /// Every thread's buffer, plus `fallback` (index 0).
    queues: Mutex<Vec<Arc<LocalQueue>>>,
    /// For pushes from a thread whose thread-locals are being torn down.
    fallback: Arc<LocalQueue>,
    /// Events accepted so far; the next event's sequence number.
    accepted: AtomicU64,
    /// Events the worker has handed to the exporter so far (see [`Handoff::done`]).
    taken: AtomicU64,
}

impl Handoff {
    pub(crate) fn new() -> Self {
        let fallback = Arc::new(LocalQueue::default());
        Handoff {
            id: NEXT_ID.fetch_add(1, Relaxed),
            queues: Mutex::new(vec![fallback.clone()]),
            fallback,
            accepted: AtomicU64::new(0),
            taken: AtomicU64::new(0),
        }
    }

    /// Events accepted and not yet handed to the exporter (never negative: only collected
    /// events, which were accepted first, are marked done).
    #[inline]
    pub(crate) fn len(&self) -> u64 {
        let taken = self.taken.load(Relaxed);
        self.accepted.load(Relaxed).saturating_sub(taken)
    }

    pub(crate) fn accepted(&self) -> u64 {
        self.accepted.load(Relaxed)
    }

    /// Accepts `event` into this thread's buffer; returns the queue length before it.
    #[inline]
    pub(crate) fn push(&self, event: TelemetryEvent) -> u64 {
        let seq = self.accepted.fetch_add(1, Relaxed);
        let before = seq.saturating_sub(self.taken.load(Relaxed));
        // The event stays outside the closure: when the thread-locals are already destroyed
        // (a span ended in a destructor at thread exit) the closure never runs, and the event
        // must still reach the fallback buffer rather than be dropped with the closure.
        let mut event = Some(event);
        let _ = LOCAL.try_with(|local| self.push_local(local, seq, &mut event));
        if let Some(event) = event {
            self.push_fallback(seq, event);
        }
        before
    }

    /// Pushes into this thread's buffer, taking the event; leaves it in place if the list is
    /// busy (a push from inside a push, which cannot happen today but must not panic).
    #[inline]
    fn push_local(
        &self,
        local: &RefCell<Vec<(u64, Arc<LocalQueue>)>>,
        seq: u64,
        event: &mut Option<TelemetryEvent>,
    ) {
        let Ok(mut local) = local.try_borrow_mut() else {
            return;
        };
        let queue = match local.iter().find(|(id, _)| *id == self.id) {
            Some((_, queue)) => queue,
            None => {
                local.retain(|(_, q)| !q.closed.load(Relaxed));
                let queue = Arc::new(LocalQueue::default());
                self.queues.lock().push(queue.clone());
                local.push((self.id, queue));
                &local.last().expect("just pushed").1
            }
        };
        if let Some(event) = event.take() {
            let mut buffer = queue.buffer.lock();
            buffer.seqs.push(seq);
            buffer.events.push(event);
        }
    }

    #[cold]
    fn push_fallback(&self, seq: u64, event: TelemetryEvent) {
        let mut buffer = self.fallback.buffer.lock();
        buffer.seqs.push(seq);
        buffer.events.push(event);
    }

    /// Takes every buffered event, in sequence order; they still count in [`len`](Self::len)
    /// until [`done`](Self::done). Buffers of threads that have exited are forgotten once empty.
    pub(crate) fn collect(&self) -> Vec<TelemetryEvent> {
        let mut runs: Vec<Buffer> = Vec::new();
        {
            let mut queues = self.queues.lock();
            for queue in queues.iter() {
                let mut buffer = queue.buffer.lock();
                if !buffer.events.is_empty() {
                    let capacity = buffer.events.len();
                    let full = std::mem::replace(
                        &mut *buffer,
                        Buffer {
                            seqs: Vec::with_capacity(capacity),
                            events: Vec::with_capacity(capacity),
                        },
                    );
                    runs.push(full);
                }
            }
            let fallback = &self.fallback;
            // A queue only the hand-off holds belongs to a thread that exited: no push can
            // reach it any more, so it is forgotten once empty (the thread may have pushed
            // after it was emptied above; then it is collected next round).
            queues.retain(|q| {
                Arc::ptr_eq(q, fallback)
                    || Arc::strong_count(q) > 1
                    || !q.buffer.lock().events.is_empty()
            });
        }
        merge(runs)
    }

    /// Marks `count` collected events as handed to the exporter, making room for as many.
    pub(crate) fn done(&self, count: usize) {
        self.taken.fetch_add(count as u64, Relaxed);
    }

    /// Marks every thread's entry for this hand-off as forgettable.
    pub(crate) fn close(&self) {
        for queue in self.queues.lock().iter() {
            queue.closed.store(true, Relaxed);
        }
    }
}

/// Merges per-thread runs (each in sequence order) into one vector in sequence order.
fn merge(mut runs: Vec<Buffer>) -> Vec<TelemetryEvent> {
    match runs.len() {
        0 => Vec::new(),
        1 => runs.pop().map(|b| b.events).unwrap_or_default(),
        _ => {
            let mut all: Vec<(u64, TelemetryEvent)> = runs
                .into_iter()
                .flat_map(|b| b.seqs.into_iter().zip(b.events))
                .collect();
            // Each run is sorted: the stable sort merges runs in linear time.
            all.sort_by_key(|(seq, _)| *seq);
            all.into_iter().map(|(_, event)| event).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetry_types::{SpanAttributes, SpanId, SpanRecord, SpanStatus, Timestamp, TraceId};

    fn event(n: u64) -> TelemetryEvent {
        let span_id = SpanId::from_bytes((n + 1).to_be_bytes()).unwrap();
        let record = SpanRecord {
            trace_id: TraceId::random(),
            span_id,
            parent_span_id: None,
            name: "s".into(),
            service_name: "svc".into(),
            attributes: SpanAttributes::default(),
            input: None,
            output: None,
            metadata: Default::default(),
            start_time: Timestamp::now(),
            end_time: None,
            status: SpanStatus::Unset,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Default::default(),
        };
        TelemetryEvent::SpanEnded {
            span: Arc::new(record),
        }
    }

    fn ids(events: &[TelemetryEvent]) -> Vec<u64> {
        events
            .iter()
            .map(|e| e.span().unwrap().span_id.to_int() - 1)
            .collect()
    }

    #[test]
    fn events_of_several_threads_come_out_in_sequence_order() {
        let handoff = Arc::new(Handoff::new());
        handoff.push(event(0));
        let other = handoff.clone();
        std::thread::spawn(move || {
            other.push(event(1));
            other.push(event(2));
        })
        .join()
        .unwrap();
        handoff.push(event(3));
        assert_eq!(handoff.len(), 4);
        let collected = handoff.collect();
        assert_eq!(ids(&collected), [0, 1, 2, 3]);
        assert_eq!(handoff.len(), 4, "collected, not yet exported");
        handoff.done(collected.len());
        assert_eq!(handoff.len(), 0);
        assert!(handoff.collect().is_empty());
        // The exited thread's buffer was forgotten; this thread's and the fallback remain.
        assert_eq!(handoff.queues.lock().len(), 2);
    }

    #[test]
    fn a_closed_handoff_is_forgotten_by_the_thread() {
        let first = Handoff::new();
        first.push(event(0));
        first.close();
        let second = Handoff::new();
        second.push(event(1));
        let entries = LOCAL.with(|l| l.borrow().len());
        assert_eq!(entries, 1, "the closed hand-off's entry was dropped");
        assert_eq!(ids(&second.collect()), [1]);
    }
}
