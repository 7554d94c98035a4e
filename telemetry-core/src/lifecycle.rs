//! The span lifecycle of one telemetry instance: the runtime state (sampler, processors,
//! exporters, open traces) and what happens when a trace opens, a span starts or ends, and a
//! trace ends. It knows records and traces, never span handles or the `Telemetry` handle, so
//! calls go one way: `telemetry` → `span` → `lifecycle`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use parking_lot::Mutex;
use telemetry_types::{
    EventKind, EventKinds, SpanId, SpanRecord, Str, TelemetryConfig, TelemetryEvent, Timestamp,
    TraceAttributes, TraceId, TraceRecord,
};

use crate::dispatch::ExporterSlot;
use crate::processors::Pipeline;
use crate::propagation::baggage::Baggage;
use crate::sampling::Sampler;
use crate::tail::Tail;
use crate::traces::{OpenTraces, TraceShared};

/// The runtime state of one telemetry instance and the span lifecycle on it: spans hold it to
/// finish themselves, the [`Telemetry`](crate::Telemetry) handle holds it to configure it.
pub(crate) struct Lifecycle {
    pub(crate) name: Arc<str>,
    pub(crate) service_name: Arc<str>,
    pub(crate) enabled: AtomicBool,
    pub(crate) include_io: bool,
    pub(crate) sampler: Sampler,
    pub(crate) pipeline: Pipeline,
    pub(crate) exporters: Vec<ExporterSlot>,
    /// Union of what exporters want; fixed after build.
    pub(crate) wanted: EventKinds,
    /// Some exporter wants records without inputs and outputs.
    pub(crate) io_free_variant: bool,
    pub(crate) defaults: Arc<TraceAttributes>,
    pub(crate) request_context_keys: Vec<String>,
    pub(crate) open_traces: OpenTraces,
    /// Holds ended spans per trace until the trace is kept or dropped, when on.
    pub(crate) tail: Tail,
    pub(crate) shutdown_timeout: Duration,
    /// Longest wait of one `Telemetry::flush` for each exporter.
    pub(crate) flush_timeout: Duration,
    pub(crate) shut_down: AtomicBool,
    pub(crate) config: Mutex<TelemetryConfig>,
}

impl Lifecycle {
    /// Whether spans are recorded at all.
    #[inline]
    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled.load(Relaxed)
    }

    /// Whether inputs and outputs are captured.
    #[inline]
    pub(crate) fn include_io(&self) -> bool {
        self.include_io
    }

    /// Processes and emits `span_started` for a span that just started, when an exporter wants
    /// it and tail sampling is off (a started span may belong to a trace it drops).
    pub(crate) fn start_span(&self, record: &SpanRecord) {
        if self.wanted.contains(EventKind::SpanStarted) && !self.tail.is_on() {
            let mut started = record.clone();
            if self.pipeline.run(&mut started) {
                self.dispatch(EventKind::SpanStarted, Arc::new(started));
            }
        }
    }

    /// Creates the shared state of a trace starting here and emits `trace_started`.
    #[allow(clippy::too_many_arguments)] // the parts of a trace's start, each needed once
    pub(crate) fn open_trace(
        &self,
        start_time: Timestamp,
        name: &Str,
        trace_id: TraceId,
        root_span_id: SpanId,
        trace_state: Option<String>,
        fields: Option<TraceAttributes>,
        baggage: Option<&Baggage>,
    ) -> Arc<TraceShared> {
        let trace = Arc::new(TraceShared {
            trace_id,
            name: name.clone(),
            root_span_id,
            start_time,
            attributes: self.trace_attributes(fields, baggage),
            has_error: AtomicBool::new(false),
            expired: AtomicBool::new(false),
            trace_state,
        });
        if self.wanted.contains(EventKind::TraceEnded) {
            for expired in self.open_traces.open(&trace) {
                self.emit_trace(EventKind::TraceEnded, &expired, None);
            }
        }
        self.emit_trace(EventKind::TraceStarted, &trace, None);
        trace
    }

    /// The root's trace fields over the instance defaults, plus chosen baggage keys; the shared
    /// defaults themselves when nothing is added (no allocation).
    fn trace_attributes(
        &self,
        fields: Option<TraceAttributes>,
        baggage: Option<&Baggage>,
    ) -> Arc<TraceAttributes> {
        let defaults = &self.defaults;
        let keys = &self.request_context_keys;
        let from_baggage = baggage.filter(|b| keys.iter().any(|k| b.get(k).is_some()));
        if fields.is_none() && from_baggage.is_none() {
            return defaults.clone();
        }
        let mut attributes = fields.unwrap_or_default();
        if attributes.environment.is_none() {
            attributes.environment = defaults.environment.clone();
        }
        if attributes.release.is_none() {
            attributes.release = defaults.release.clone();
        }
        attributes.tags.extend(defaults.tags.iter().cloned());
        for key in keys {
            if let Some(value) = from_baggage.and_then(|b| b.get(key)) {
                attributes
                    .context
                    .entry(key.clone())
                    .or_insert_with(|| value.into());
            }
        }
        Arc::new(attributes)
    }

    /// Processes and emits an ended span (whose record nothing else references).
    pub(crate) fn finish_span(&self, mut record: Arc<SpanRecord>) {
        if !self.wanted.contains(EventKind::SpanEnded) {
            return;
        }
        let keep = Arc::get_mut(&mut record).is_some_and(|r| self.pipeline.run(r));
        if !keep {
            return;
        }
        if self.tail.is_on() {
            self.deliver(self.tail.span(record));
        } else {
            self.dispatch(EventKind::SpanEnded, record);
        }
    }

    /// Emits `trace_ended` for a root that ended (unless the trace already expired); with tail
    /// sampling on, decides the trace.
    pub(crate) fn finish_trace(&self, trace: &TraceShared, end: Option<Timestamp>) {
        let ended = self.wanted.contains(EventKind::TraceEnded) && self.open_traces.close(trace);
        if self.tail.is_on() {
            let record = ended.then(|| self.trace_record(EventKind::TraceEnded, trace, end));
            let events = self
                .tail
                .root_ended(trace.trace_id, Some(trace.root_span_id), record);
            self.deliver(events);
        } else if ended {
            self.emit_trace(EventKind::TraceEnded, trace, end);
        }
    }

    fn emit_trace(&self, kind: EventKind, trace: &TraceShared, end: Option<Timestamp>) {
        if !self.wanted.contains(kind) {
            return;
        }
        let record = self.trace_record(kind, trace, end);
        if self.tail.is_on() {
            let events = match kind {
                EventKind::TraceStarted => self.tail.trace_started(record),
                _ => self
                    .tail
                    .root_ended(trace.trace_id, Some(trace.root_span_id), Some(record)),
            };
            self.deliver(events);
            return;
        }
        let event = match kind {
            EventKind::TraceStarted => TelemetryEvent::TraceStarted { trace: record },
            _ => TelemetryEvent::TraceEnded { trace: record },
        };
        self.emit(&event);
    }

    fn trace_record(
        &self,
        kind: EventKind,
        trace: &TraceShared,
        end: Option<Timestamp>,
    ) -> Arc<TraceRecord> {
        Arc::new(TraceRecord {
            trace_id: trace.trace_id,
            name: trace.name.clone(),
            service_name: self.service_name.clone(),
            root_span_id: trace.root_span_id,
            start_time: trace.start_time,
            end_time: end.or_else(|| (kind == EventKind::TraceEnded).then(crate::clock::now)),
            has_error: trace.has_error.load(Relaxed),
            incomplete: trace.expired.load(Relaxed),
            attributes: TraceAttributes::clone(&trace.attributes),
        })
    }

    /// Takes an event from outside the span lifecycle (a bridge): with tail sampling on, it
    /// joins its trace's buffer (a span without parent ends the trace; `span_started` is not
    /// delivered), else it goes to the exporters now.
    pub(crate) fn accept(&self, event: TelemetryEvent) {
        if !self.tail.is_on() {
            self.emit(&event);
            return;
        }
        let events = match event {
            TelemetryEvent::SpanEnded { span } => {
                let root = span.parent_span_id.is_none().then_some(span.span_id);
                let trace_id = span.trace_id;
                let mut events = self.tail.span(span);
                if root.is_some() {
                    events.extend(self.tail.root_ended(trace_id, root, None));
                }
                events
            }
            TelemetryEvent::SpanStarted { .. } => Vec::new(),
            TelemetryEvent::TraceStarted { trace } => self.tail.trace_started(trace),
            TelemetryEvent::TraceEnded { trace } => {
                self.tail
                    .root_ended(trace.trace_id, Some(trace.root_span_id), Some(trace))
            }
        };
        self.deliver(events);
    }

    /// Hands events released by tail sampling to the exporters, in order.
    pub(crate) fn deliver(&self, events: Vec<TelemetryEvent>) {
        for event in events {
            match event {
                TelemetryEvent::SpanEnded { span } => self.dispatch(EventKind::SpanEnded, span),
                other => self.emit(&other),
            }
        }
    }

    /// Sends a span event to each exporter that wants it, with inputs and outputs removed for
    /// exporters that do not want them (built once, only when needed).
    fn dispatch(&self, kind: EventKind, span: Arc<SpanRecord>) {
        let mut without_io: Option<Arc<SpanRecord>> = None;
        for slot in &self.exporters {
            if !slot.wants(kind) {
                continue;
            }
            let record = if self.io_free_variant
                && !slot.capabilities().include_io
                && (span.input.is_some() || span.output.is_some())
            {
                without_io.get_or_insert_with(|| strip_io(&span)).clone()
            } else {
                span.clone()
            };
            slot.offer(span_event(kind, record));
        }
    }

    /// Hands an event to every exporter that wants it, without waiting on any of them (a full
    /// queue drops it and counts the drop).
    pub(crate) fn emit(&self, event: &TelemetryEvent) {
        let kind = event.kind();
        for slot in &self.exporters {
            if slot.wants(kind) {
                slot.offer(event.clone());
            }
        }
    }

    /// Releases traces that outlived the maximum age now, and decides the traces tail sampling
    /// held longer than its decision wait.
    pub(crate) fn expire_traces(&self) {
        for trace in self.open_traces.sweep_now() {
            self.emit_trace(EventKind::TraceEnded, &trace, None);
        }
        self.deliver(self.tail.expired());
    }
}

fn strip_io(span: &SpanRecord) -> Arc<SpanRecord> {
    let mut copy = span.clone();
    copy.input = None;
    copy.output = None;
    Arc::new(copy)
}

fn span_event(kind: EventKind, span: Arc<SpanRecord>) -> TelemetryEvent {
    match kind {
        EventKind::SpanStarted => TelemetryEvent::SpanStarted { span },
        _ => TelemetryEvent::SpanEnded { span },
    }
}
