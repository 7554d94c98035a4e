//! Tail sampling: the ended spans of a head-sampled trace are held (after processors, so the
//! buffer holds what would be exported) until the trace's local root ends, then the whole
//! trace is delivered to the exporters or dropped, by policies evaluated on the finished
//! trace. See `docs/SAMPLING.md`.
//!
//! - Kept traces carry the reason (the name of the policy that kept them) in their root
//!   span's metadata under [`TAIL_REASON_KEY`] (the first held span's when the root is not
//!   held, e.g. a trace decided early); OTLP carries it as `ai_telemetry.metadata.sampling.tail.reason`.
//! - `trace_started` events are held with the trace and delivered first when it is kept;
//!   `span_started` events are not delivered while tail sampling is on (a live view of spans
//!   that may be dropped would show what is then never stored).
//! - Bounds: at most `max_traces` traces and `max_spans` spans held; when full, the oldest
//!   trace is decided early on what it has. A trace waits at most `decision_wait`, checked on
//!   every arrival, by [`Telemetry::expire_traces`](crate::Telemetry::expire_traces) and on
//!   flush. Flush, shutdown and a configuration change decide everything held.
//! - A span that ends after its trace was decided follows the decision (the last
//!   `max_traces` decisions are remembered).

mod buffer;
mod config;
mod decider;
mod policy;
mod rate_limit;
mod slowest;
mod stats;
mod trace_view;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use arc_swap::ArcSwapOption;
use serde_json::Value;
use telemetry_types::{SpanId, SpanRecord, TelemetryEvent, TraceId, TraceRecord};

use buffer::{Arrival, Decided, TraceBuffer, Why};
use decider::Decider;
use stats::Counters;

pub use config::{
    DEFAULT_DECISION_WAIT, DEFAULT_MAX_SPANS, DEFAULT_MAX_TRACES, NamedPolicy, TailConfigError,
    TailSampling,
};
pub use policy::TailPolicy;
pub use stats::TailStats;

/// Metadata key of the reason a trace was kept, on its root span.
pub const TAIL_REASON_KEY: &str = "sampling.tail.reason";

/// Tail sampling as configured now: policies and the buffer they decide on.
struct Runtime {
    config: TailSampling,
    decider: Decider,
    buffer: TraceBuffer,
}

impl Runtime {
    fn new(config: TailSampling) -> Runtime {
        let policies = config.policies();
        let decider = Decider::new(
            policies.iter().map(|p| (p.name.as_str(), &p.policy)),
            config.keep_remote_sampled,
        );
        let buffer = TraceBuffer::new(config.max_traces, config.max_spans, config.wait());
        Runtime {
            config,
            decider,
            buffer,
        }
    }
}

/// The tail sampler of one telemetry instance; every method returns the events to deliver
/// now (in order), which the lifecycle hands to the exporters outside any lock here.
pub(crate) struct Tail {
    runtime: ArcSwapOption<Runtime>,
    /// Whether `runtime` is set, readable with one relaxed load: every span end of every
    /// instance asks, and most run without tail sampling. During a run-time switch a stale
    /// answer is harmless (`span` handles a missing runtime; a span not held is delivered).
    on: AtomicBool,
    counters: Counters,
}

impl Tail {
    pub(crate) fn new(config: Option<TailSampling>) -> Tail {
        Tail {
            on: AtomicBool::new(config.is_some()),
            runtime: ArcSwapOption::new(config.map(|c| Arc::new(Runtime::new(c)))),
            counters: Counters::default(),
        }
    }

    /// Whether spans are held now.
    #[inline]
    pub(crate) fn is_on(&self) -> bool {
        self.on.load(Relaxed)
    }

    /// An ended, processed span of a sampled trace.
    pub(crate) fn span(&self, span: Arc<SpanRecord>) -> Vec<TelemetryEvent> {
        let runtime = self.runtime.load();
        let Some(rt) = runtime.as_ref() else {
            return vec![TelemetryEvent::SpanEnded { span }];
        };
        match rt.buffer.add_span(span, &rt.decider) {
            Arrival::Held(decided) => self.release(decided),
            Arrival::Late(true, span) => {
                Counters::add(&self.counters.late, 1);
                vec![TelemetryEvent::SpanEnded { span }]
            }
            Arrival::Late(false, _) => {
                Counters::add(&self.counters.spans_dropped, 1);
                Vec::new()
            }
        }
    }

    /// A `trace_started` event, held with its trace.
    pub(crate) fn trace_started(&self, trace: Arc<TraceRecord>) -> Vec<TelemetryEvent> {
        let runtime = self.runtime.load();
        match runtime.as_ref() {
            Some(rt) => self.release(rt.buffer.add_started(trace, &rt.decider)),
            None => vec![TelemetryEvent::TraceStarted { trace }],
        }
    }

    /// The local root `root_span_id` of `trace_id` ended (with its `trace_ended` event when
    /// an exporter wants it): the trace is decided.
    pub(crate) fn root_ended(
        &self,
        trace_id: TraceId,
        root_span_id: Option<SpanId>,
        ended: Option<Arc<TraceRecord>>,
    ) -> Vec<TelemetryEvent> {
        let runtime = self.runtime.load();
        match runtime.as_ref() {
            Some(rt) => {
                self.release(
                    rt.buffer
                        .end_root(trace_id, root_span_id, ended, &rt.decider),
                )
            }
            None => ended
                .map(|trace| TelemetryEvent::TraceEnded { trace })
                .into_iter()
                .collect(),
        }
    }

    /// Decides the traces that waited longer than the decision wait.
    pub(crate) fn expired(&self) -> Vec<TelemetryEvent> {
        let runtime = self.runtime.load();
        match runtime.as_ref() {
            Some(rt) => self.release(rt.buffer.expired(&rt.decider)),
            None => Vec::new(),
        }
    }

    /// Decides every held trace now (flush, shutdown).
    pub(crate) fn drain(&self) -> Vec<TelemetryEvent> {
        let runtime = self.runtime.load();
        match runtime.as_ref() {
            Some(rt) => self.release(rt.buffer.drain(&rt.decider)),
            None => Vec::new(),
        }
    }

    /// Switches to `config` (or off); what the previous configuration held is decided by it.
    pub(crate) fn replace(&self, config: Option<TailSampling>) -> Vec<TelemetryEvent> {
        self.on.store(config.is_some(), Relaxed);
        let previous = self.runtime.swap(config.map(|c| Arc::new(Runtime::new(c))));
        match previous {
            Some(rt) => self.release(rt.buffer.drain(&rt.decider)),
            None => Vec::new(),
        }
    }

    pub(crate) fn config(&self) -> Option<TailSampling> {
        self.runtime.load().as_ref().map(|rt| rt.config.clone())
    }

    pub(crate) fn stats(&self) -> TailStats {
        let runtime = self.runtime.load();
        let held = runtime.as_ref().map_or((0, 0), |rt| rt.buffer.len());
        self.counters.snapshot(runtime.is_some(), held)
    }

    /// Counts decisions and turns the kept traces into events: `trace_started`, the spans
    /// (the reason on the root), `trace_ended`.
    fn release(&self, decided: Vec<Decided>) -> Vec<TelemetryEvent> {
        let mut events = Vec::new();
        for Decided { held, reason, why } in decided {
            self.count(why, reason.is_some(), held.spans.len());
            let Some(reason) = reason else { continue };
            let mut spans = held.spans;
            if why != Why::Late {
                stamp_reason(&mut spans, held.root_span_id, &reason);
            }
            events.extend(
                held.started
                    .map(|trace| TelemetryEvent::TraceStarted { trace }),
            );
            events.extend(
                spans
                    .into_iter()
                    .map(|span| TelemetryEvent::SpanEnded { span }),
            );
            events.extend(held.ended.map(|trace| TelemetryEvent::TraceEnded { trace }));
        }
        events
    }

    fn count(&self, why: Why, kept: bool, spans: usize) {
        let c = &self.counters;
        if !kept {
            Counters::add(&c.spans_dropped, spans);
        }
        if why == Why::Late {
            return;
        }
        Counters::add(if kept { &c.kept } else { &c.dropped }, 1);
        match why {
            Why::Full => Counters::add(&c.early, 1),
            Why::Timeout => Counters::add(&c.timeout, 1),
            Why::Flush => Counters::add(&c.flush, 1),
            Why::RootEnded | Why::Late => {}
        }
    }
}

/// Records why the trace was kept on its root span, or on its first held span when the root
/// is not held (a trace decided before its root ended).
fn stamp_reason(spans: &mut [Arc<SpanRecord>], root: Option<SpanId>, reason: &str) {
    let at = root
        .and_then(|id| spans.iter().position(|s| s.span_id == id))
        .unwrap_or(0);
    if let Some(span) = spans.get_mut(at) {
        Arc::make_mut(span)
            .metadata
            .insert(TAIL_REASON_KEY.to_owned(), Value::String(reason.to_owned()));
    }
}
