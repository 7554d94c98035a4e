//! [`TraceBuffer`]: the traces held until their decision, bounded in traces, spans and time,
//! and the recent decisions that late spans follow.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use telemetry_types::{SpanId, SpanRecord, TraceId, TraceRecord};

use super::decider::Decider;
use super::trace_view::TraceView;

/// How many arriving spans of held traces pass between two checks of the decision wait (a
/// new trace always checks): the clock is not read for every span.
const CHECK_WAIT_EVERY: u32 = 64;

/// One trace waiting for its decision.
pub(crate) struct Held {
    pub(crate) trace_id: TraceId,
    seq: u64,
    opened: Instant,
    pub(crate) started: Option<Arc<TraceRecord>>,
    pub(crate) spans: Vec<Arc<SpanRecord>>,
    pub(crate) root_span_id: Option<SpanId>,
    pub(crate) ended: Option<Arc<TraceRecord>>,
}

/// What made a trace be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// Its local root ended.
    RootEnded,
    /// The buffer was full and it was the oldest.
    Full,
    /// It waited longer than the decision wait.
    Timeout,
    /// A flush, a shutdown or a configuration change.
    Flush,
    /// Its root ended after it was decided: only its `trace_ended` event follows the decision.
    Late,
}

/// A decided trace: kept with a reason, or dropped (`reason` is `None`).
pub(crate) struct Decided {
    pub(crate) held: Held,
    pub(crate) reason: Option<Arc<str>>,
    pub(crate) why: Why,
}

/// What became of one arriving span.
pub(crate) enum Arrival {
    /// Held with its trace; these traces were decided meanwhile (bounds, time).
    Held(Vec<Decided>),
    /// Its trace was decided already: deliver it (`true`) or drop it.
    Late(bool, Arc<SpanRecord>),
}

pub(crate) struct TraceBuffer {
    max_traces: usize,
    max_spans: usize,
    wait: Duration,
    state: Mutex<State>,
}

struct State {
    held: HashMap<TraceId, Held>,
    /// Held traces by arrival, oldest first.
    order: BTreeMap<u64, TraceId>,
    next_seq: u64,
    spans: usize,
    /// Spans added to held traces since the decision wait was last checked.
    unchecked: u32,
    decided: RecentDecisions,
}

/// The last decisions, so spans of a decided trace that end after its root follow it.
struct RecentDecisions {
    kept: HashMap<TraceId, bool>,
    order: VecDeque<TraceId>,
    capacity: usize,
}

impl RecentDecisions {
    fn remember(&mut self, trace_id: TraceId, kept: bool) {
        if self.kept.insert(trace_id, kept).is_none() {
            self.order.push_back(trace_id);
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.kept.remove(&old);
            }
        }
    }
}

impl TraceBuffer {
    pub(crate) fn new(max_traces: usize, max_spans: usize, wait: Duration) -> Self {
        let max_traces = max_traces.max(1);
        TraceBuffer {
            max_traces,
            max_spans: max_spans.max(1),
            wait,
            state: Mutex::new(State {
                held: HashMap::new(),
                order: BTreeMap::new(),
                next_seq: 0,
                spans: 0,
                unchecked: 0,
                decided: RecentDecisions {
                    kept: HashMap::new(),
                    order: VecDeque::new(),
                    capacity: max_traces,
                },
            }),
        }
    }

    /// Holds an ended span with its trace, or says what to do with it when its trace was
    /// decided already.
    pub(crate) fn add_span(&self, span: Arc<SpanRecord>, decider: &Decider) -> Arrival {
        let mut state = self.state.lock();
        let mut decided = Vec::new();
        // The common case, a span of a held trace, costs one lookup and no clock read.
        let check_wait = if let Some(held) = state.held.get_mut(&span.trace_id) {
            held.spans.push(span);
            state.unchecked += 1;
            state.unchecked >= CHECK_WAIT_EVERY
        } else {
            if let Some(&kept) = state.decided.kept.get(&span.trace_id) {
                return Arrival::Late(kept, span);
            }
            let now = Instant::now();
            self.entry(&mut state, span.trace_id, now, decider, &mut decided)
                .spans
                .push(span);
            true
        };
        state.spans += 1;
        while state.spans > self.max_spans {
            self.decide_oldest(&mut state, Why::Full, decider, &mut decided);
        }
        if check_wait {
            self.decide_expired(&mut state, Instant::now(), decider, &mut decided);
        }
        Arrival::Held(decided)
    }

    /// Holds a `trace_started` event until its trace is decided.
    pub(crate) fn add_started(&self, trace: Arc<TraceRecord>, decider: &Decider) -> Vec<Decided> {
        let now = Instant::now();
        let mut state = self.state.lock();
        let mut decided = Vec::new();
        let trace_id = trace.trace_id;
        if !state.decided.kept.contains_key(&trace_id) {
            self.entry(&mut state, trace_id, now, decider, &mut decided)
                .started = Some(trace);
        }
        self.decide_expired(&mut state, now, decider, &mut decided);
        decided
    }

    /// Decides a trace whose local root ended. When the trace was decided already, its
    /// `trace_ended` event follows that decision.
    pub(crate) fn end_root(
        &self,
        trace_id: TraceId,
        root_span_id: Option<SpanId>,
        ended: Option<Arc<TraceRecord>>,
        decider: &Decider,
    ) -> Vec<Decided> {
        let now = Instant::now();
        let mut state = self.state.lock();
        let mut decided = Vec::new();
        let late = state.decided.kept.get(&trace_id).copied();
        let mut held = match late {
            Some(_) => self.new_held(&mut state, trace_id, now),
            None => self
                .take(&mut state, trace_id)
                .unwrap_or_else(|| self.new_held(&mut state, trace_id, now)),
        };
        held.root_span_id = root_span_id.or(held.root_span_id);
        held.ended = ended;
        let reason = match late {
            Some(true) => Some(Arc::from("late")),
            Some(false) => None,
            None => decide(&held, decider),
        };
        state.decided.remember(trace_id, reason.is_some());
        let why = if late.is_some() {
            Why::Late
        } else {
            Why::RootEnded
        };
        decided.push(Decided { held, reason, why });
        self.decide_expired(&mut state, now, decider, &mut decided);
        decided
    }

    /// Decides the traces that waited longer than the decision wait.
    pub(crate) fn expired(&self, decider: &Decider) -> Vec<Decided> {
        let mut decided = Vec::new();
        let mut state = self.state.lock();
        self.decide_expired(&mut state, Instant::now(), decider, &mut decided);
        decided
    }

    /// Decides every held trace now, on what it has.
    pub(crate) fn drain(&self, decider: &Decider) -> Vec<Decided> {
        let mut decided = Vec::new();
        let mut state = self.state.lock();
        while !state.order.is_empty() {
            self.decide_oldest(&mut state, Why::Flush, decider, &mut decided);
        }
        decided
    }

    /// Traces and spans held now.
    pub(crate) fn len(&self) -> (usize, usize) {
        let state = self.state.lock();
        (state.held.len(), state.spans)
    }

    /// The held trace `trace_id`, created (deciding the oldest first when full) if absent.
    fn entry<'s>(
        &self,
        state: &'s mut State,
        trace_id: TraceId,
        now: Instant,
        decider: &Decider,
        decided: &mut Vec<Decided>,
    ) -> &'s mut Held {
        if !state.held.contains_key(&trace_id) {
            while state.held.len() >= self.max_traces {
                self.decide_oldest(state, Why::Full, decider, decided);
            }
            let held = self.new_held(state, trace_id, now);
            state.order.insert(held.seq, trace_id);
            state.held.insert(trace_id, held);
        }
        state.held.get_mut(&trace_id).expect("inserted above")
    }

    fn new_held(&self, state: &mut State, trace_id: TraceId, now: Instant) -> Held {
        state.next_seq += 1;
        Held {
            trace_id,
            seq: state.next_seq,
            opened: now,
            started: None,
            spans: Vec::new(),
            root_span_id: None,
            ended: None,
        }
    }

    fn take(&self, state: &mut State, trace_id: TraceId) -> Option<Held> {
        let held = state.held.remove(&trace_id)?;
        state.order.remove(&held.seq);
        state.spans -= held.spans.len();
        Some(held)
    }

    fn decide_oldest(
        &self,
        state: &mut State,
        why: Why,
        decider: &Decider,
        decided: &mut Vec<Decided>,
    ) {
        let Some((_, &trace_id)) = state.order.first_key_value() else {
            return;
        };
        if let Some(held) = self.take(state, trace_id) {
            let reason = decide(&held, decider);
            state.decided.remember(trace_id, reason.is_some());
            decided.push(Decided { held, reason, why });
        }
    }

    fn decide_expired(
        &self,
        state: &mut State,
        now: Instant,
        decider: &Decider,
        decided: &mut Vec<Decided>,
    ) {
        state.unchecked = 0;
        while let Some((_, trace_id)) = state.order.first_key_value() {
            let opened = state.held.get(trace_id).map(|h| h.opened);
            if opened.is_some_and(|opened| now.duration_since(opened) < self.wait) {
                return;
            }
            self.decide_oldest(state, Why::Timeout, decider, decided);
        }
    }
}

fn decide(held: &Held, decider: &Decider) -> Option<Arc<str>> {
    let view = TraceView::new(held.trace_id, &held.spans, held.root_span_id);
    decider.decide(&view)
}
