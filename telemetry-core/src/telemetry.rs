//! The telemetry runtime: configuration, sampler, processors and exporters of one instance,
//! and the span lifecycle.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use async_trait::async_trait;
use parking_lot::Mutex;
use telemetry_types::{
    EventKind, EventKinds, SamplingContext, SamplingStrategy, SpanAttributes, SpanId, SpanRecord,
    SpanStatus, SpanType, Str, TelemetryConfig, TelemetryEvent, Timestamp, TraceAttributes,
    TraceId, TraceRecord,
};

use crate::context::Parent;
use crate::dispatch::{ExporterSlot, ExporterStats};
use crate::exporter::{ExportError, TelemetryExporter};
use crate::processors::{
    ExcludeFields, IncludeIo, Pipeline, SensitiveDataFilter, SpanProcessor, Truncate,
};
use crate::sampling::Sampler;
use crate::span::{Placement, Span, SpanBuilder, SpanShared, TraceShared};
use crate::traces::OpenTraces;

/// The seed's abstract base class (`MastraAITelemetry`) as a trait: the lifecycle contract a
/// telemetry implementation fulfils. [`Telemetry`] is the reference implementation; spans call
/// these methods at start and end.
#[async_trait]
pub trait AiTelemetry: Send + Sync {
    /// The instance's name, for logs and the registry.
    fn name(&self) -> &str;

    /// Decides whether a new trace root is recorded. Must be cheap and must not block: it runs
    /// on the application's thread for every root span.
    fn should_sample(&self, context: &SamplingContext<'_>) -> bool;

    /// Runs the processors over an ended span; `None` when one dropped it. Must catch
    /// processor panics so the application never sees them.
    fn process_span(&self, span: SpanRecord) -> Option<SpanRecord>;

    /// Hands an event to every exporter that wants it, without waiting on any of them and
    /// counting every event that an exporter's full queue had to drop.
    fn emit(&self, event: TelemetryEvent);

    /// Returns when every event emitted before the call was handled by every exporter and the
    /// exporters flushed; reports exporters that failed.
    async fn flush(&self) -> Result<(), ExportError>;

    /// Flushes and shuts every exporter down, within the configured timeout.
    async fn shutdown(&self) -> Result<(), ExportError>;
}

/// Why a telemetry instance could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The service name is empty.
    #[error("service name must not be empty")]
    EmptyServiceName,
    /// A sampling ratio outside `[0, 1]` or NaN.
    #[error("sampling ratio must be within [0, 1], got {0}")]
    InvalidRatio(f64),
    /// Two exporters share a name.
    #[error("two exporters are named {0:?}; exporter names must be unique")]
    DuplicateExporter(String),
    /// An exporter's worker thread could not start.
    #[error("cannot start the worker thread of exporter {name:?}: {source}")]
    Worker {
        /// Exporter name.
        name: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Counters of a telemetry instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryStats {
    /// Spans dropped by a processor.
    pub spans_dropped_by_processors: u64,
    /// Processor panics caught.
    pub processor_panics: u64,
    /// Traces being tracked now.
    pub open_traces: u64,
    /// Traces released because they outlived the maximum age.
    pub traces_expired: u64,
    /// Traces not tracked because the open-trace table was full.
    pub traces_untracked: u64,
    /// One entry per exporter.
    pub exporters: Vec<ExporterStats>,
}

impl TelemetryStats {
    /// Total events dropped by full exporter queues.
    pub fn dropped(&self) -> u64 {
        self.exporters.iter().map(|e| e.dropped).sum()
    }
}

pub(crate) struct Inner {
    name: Arc<str>,
    service_name: Arc<str>,
    enabled: AtomicBool,
    include_io: bool,
    sampler: Sampler,
    pipeline: Pipeline,
    exporters: Vec<ExporterSlot>,
    /// Union of what exporters want; fixed after build.
    wanted: EventKinds,
    /// Some exporter wants records without inputs and outputs.
    io_free_variant: bool,
    defaults: Arc<TraceAttributes>,
    request_context_keys: Vec<String>,
    open_traces: OpenTraces,
    shutdown_timeout: Duration,
    shut_down: AtomicBool,
    config: Mutex<TelemetryConfig>,
}

/// A telemetry instance: owns its configuration, sampler, processors and exporters, and starts
/// spans. Cheap to clone (an `Arc`).
///
/// ```
/// use telemetry_core::{Telemetry, SamplingStrategy, attrs::{AgentRun, LlmGeneration, Usage}};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let telemetry = Telemetry::builder("support-bot")
///     .sampling(SamplingStrategy::ratio(1.0))
///     .build()?;
/// let run = telemetry.trace("support", AgentRun::named("support-agent")).user_id("u-7").start();
/// run.in_scope(|| {
///     let llm = telemetry.span("chat", LlmGeneration::new("gpt-4o", "openai")).start();
///     llm.record_usage(Usage::new(1200, 80));
///     llm.end_with_output("Refunds take 5 days.");
/// });
/// run.end();
/// telemetry.shutdown().await?;
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct Telemetry {
    inner: Arc<Inner>,
}

impl fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Telemetry")
            .field("name", &self.inner.name)
            .field("service_name", &self.inner.service_name)
            .finish_non_exhaustive()
    }
}

impl Telemetry {
    /// A builder for an instance of `service_name`.
    pub fn builder(service_name: impl Into<String>) -> TelemetryBuilder {
        TelemetryBuilder::new(service_name)
    }

    /// The instance's name (the service name unless set with [`TelemetryBuilder::name`]).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The service name on every trace.
    pub fn service_name(&self) -> &str {
        &self.inner.service_name
    }

    /// A span of the current context (a child of the current span, or a root).
    pub fn span(&self, name: impl Into<Str>, attributes: impl Into<SpanAttributes>) -> SpanBuilder {
        SpanBuilder::new(self.clone(), name.into(), attributes.into())
    }

    /// A new trace: a root span, whatever is current.
    pub fn trace(
        &self,
        name: impl Into<Str>,
        attributes: impl Into<SpanAttributes>,
    ) -> SpanBuilder {
        self.span(name, attributes).root()
    }

    /// Whether spans are recorded at all.
    pub fn is_enabled(&self) -> bool {
        self.inner.enabled.load(Relaxed)
    }

    /// Switches recording on or off at run time; off, every span takes the sampled-out path.
    pub fn set_enabled(&self, enabled: bool) {
        self.inner.enabled.store(enabled, Relaxed);
    }

    /// Replaces the sampling strategy at run time (for traces started afterwards).
    pub fn set_sampling(&self, strategy: SamplingStrategy) {
        self.inner.config.lock().sampling = strategy.clone();
        self.inner.sampler.set_strategy(strategy);
    }

    /// The sampling strategy in force.
    pub fn sampling(&self) -> SamplingStrategy {
        self.inner.sampler.strategy()
    }

    /// Keeps only `ratio` of the spans of `span_type` inside sampled traces (a span left out
    /// takes its subtree with it).
    pub fn set_span_type_ratio(&self, span_type: SpanType, ratio: f64) {
        self.inner.sampler.set_type_ratio(span_type, ratio);
    }

    /// Switches spans of `span_type` on or off at run time.
    pub fn set_span_type_enabled(&self, span_type: SpanType, enabled: bool) {
        self.inner.sampler.set_type_enabled(span_type, enabled);
    }

    /// Switches an exporter on or off at run time; `false` when no exporter has that name.
    pub fn set_exporter_enabled(&self, name: &str, enabled: bool) -> bool {
        let slot = self.inner.exporters.iter().find(|e| e.name() == name);
        slot.map(|e| e.set_enabled(enabled)).is_some()
    }

    /// The configuration this instance was built with (sampling as currently set).
    pub fn config(&self) -> TelemetryConfig {
        self.inner.config.lock().clone()
    }

    /// Counters: drops per exporter, processor drops and panics, open and expired traces.
    pub fn stats(&self) -> TelemetryStats {
        let inner = &self.inner;
        TelemetryStats {
            spans_dropped_by_processors: inner.pipeline.dropped.load(Relaxed),
            processor_panics: inner.pipeline.panics.load(Relaxed),
            open_traces: inner.open_traces.len() as u64,
            traces_expired: inner.open_traces.expired.load(Relaxed),
            traces_untracked: inner.open_traces.untracked.load(Relaxed),
            exporters: inner.exporters.iter().map(ExporterSlot::stats).collect(),
        }
    }

    /// Releases traces that outlived the maximum age now (normally done once a second as new
    /// traces start).
    pub fn expire_traces(&self) {
        for trace in self.inner.open_traces.sweep_now() {
            self.emit_trace(EventKind::TraceEnded, &trace, None);
        }
    }

    /// Like [`flush`](AiTelemetry::flush), for code outside an async runtime.
    pub fn flush_blocking(&self, timeout: Duration) -> Result<(), ExportError> {
        let mut first_error = None;
        for slot in &self.inner.exporters {
            if let Err(e) = slot.flush_blocking(timeout) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Whether inputs and outputs are captured.
    pub(crate) fn include_io(&self) -> bool {
        self.inner.include_io
    }

    /// Decides where a new span goes: the sampling decision, made before anything is built.
    #[inline]
    pub(crate) fn place(&self, parent: &Parent, span_type: SpanType, name: &str) -> Placement {
        let span_id = SpanId::random();
        match parent {
            Parent::Recording(parent) => {
                if self.inner.sampler.sample_child(span_type, span_id) {
                    Placement::Child {
                        parent: parent.clone(),
                        span_id,
                    }
                } else {
                    Placement::Unsampled {
                        trace_id: parent.trace_id,
                        span_id,
                    }
                }
            }
            Parent::Unsampled { trace_id, .. } => Placement::Unsampled {
                trace_id: *trace_id,
                span_id,
            },
            Parent::Remote(remote) if !remote.sampled => Placement::Unsampled {
                trace_id: remote.trace_id,
                span_id,
            },
            Parent::Remote(remote) => Placement::Root {
                trace_id: remote.trace_id,
                span_id,
                remote_parent: Some(remote.span_id),
                trace_state: remote.trace_state.clone(),
            },
            Parent::None => {
                let trace_id = TraceId::random();
                let sampling = SamplingContext {
                    trace_id,
                    name,
                    span_type,
                    is_root: true,
                };
                if self.inner.sampler.sample_root(&sampling, span_id) {
                    Placement::Root {
                        trace_id,
                        span_id,
                        remote_parent: None,
                        trace_state: None,
                    }
                } else {
                    Placement::Unsampled { trace_id, span_id }
                }
            }
        }
    }

    /// Builds a recording span placed by [`place`](Self::place).
    pub(crate) fn record(
        &self,
        builder: SpanBuilder,
        placement: Placement,
        baggage: Option<Arc<crate::propagation::Baggage>>,
    ) -> Span {
        let SpanBuilder {
            name,
            mut attributes,
            extras,
            ..
        } = builder;
        let mut extras = extras.map(|e| *e).unwrap_or_default();
        let (trace, parent, parent_span_id, span_id) = match placement {
            Placement::Child { parent, span_id } => (
                parent.trace.clone(),
                Some(parent.span_id),
                Some(parent),
                span_id,
            ),
            Placement::Root {
                trace_id,
                span_id,
                remote_parent,
                trace_state,
            } => {
                let fields = extras.trace_attributes.take();
                let trace = self.open_trace(
                    &name,
                    trace_id,
                    span_id,
                    trace_state,
                    fields,
                    baggage.as_deref(),
                );
                (trace, remote_parent, None, span_id)
            }
            Placement::Unsampled { trace_id, span_id } => {
                return Span::new(Parent::Unsampled { trace_id, span_id }, baggage);
            }
        };
        if let Some(f) = extras.lazy_attributes.take() {
            f(&mut attributes);
        }
        let record = Arc::new(SpanRecord {
            trace_id: trace.trace_id,
            span_id,
            parent_span_id: parent,
            name,
            service_name: self.inner.service_name.clone(),
            attributes,
            input: extras.input,
            output: None,
            metadata: extras.metadata,
            start_time: extras.start_time.unwrap_or_else(Timestamp::now),
            end_time: None,
            status: SpanStatus::Unset,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: trace.attributes.clone(),
        });
        if self.inner.wanted.contains(EventKind::SpanStarted) {
            let mut started = SpanRecord::clone(&record);
            if self.inner.pipeline.run(&mut started) {
                self.dispatch(EventKind::SpanStarted, Arc::new(started));
            }
        }
        let is_local_root = parent_span_id.is_none();
        let shared = Arc::new(SpanShared {
            telemetry: self.clone(),
            trace_id: trace.trace_id,
            span_id,
            parent: parent_span_id,
            trace,
            is_local_root,
            record: parking_lot::Mutex::new(Some(record)),
        });
        Span::new(Parent::Recording(shared), baggage)
    }

    /// Creates the shared state of a trace starting here and emits `trace_started`.
    fn open_trace(
        &self,
        name: &Str,
        trace_id: TraceId,
        root_span_id: SpanId,
        trace_state: Option<String>,
        fields: Option<TraceAttributes>,
        baggage: Option<&crate::propagation::Baggage>,
    ) -> Arc<TraceShared> {
        let trace = Arc::new(TraceShared {
            trace_id,
            name: name.clone(),
            root_span_id,
            start_time: Timestamp::now(),
            attributes: self.trace_attributes(fields, baggage),
            has_error: AtomicBool::new(false),
            expired: AtomicBool::new(false),
            trace_state,
        });
        if self.inner.wanted.contains(EventKind::TraceEnded) {
            for expired in self.inner.open_traces.open(&trace) {
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
        baggage: Option<&crate::propagation::Baggage>,
    ) -> Arc<TraceAttributes> {
        let defaults = &self.inner.defaults;
        let keys = &self.inner.request_context_keys;
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
        if !self.inner.wanted.contains(EventKind::SpanEnded) {
            return;
        }
        let keep = Arc::get_mut(&mut record).is_some_and(|r| self.inner.pipeline.run(r));
        if keep {
            self.dispatch(EventKind::SpanEnded, record);
        }
    }

    /// Emits `trace_ended` for a root that ended (unless the trace already expired).
    pub(crate) fn finish_trace(&self, trace: &TraceShared, end: Option<Timestamp>) {
        if !self.inner.wanted.contains(EventKind::TraceEnded) {
            return;
        }
        if self.inner.open_traces.close(trace) {
            self.emit_trace(EventKind::TraceEnded, trace, end);
        }
    }

    fn emit_trace(&self, kind: EventKind, trace: &TraceShared, end: Option<Timestamp>) {
        if !self.inner.wanted.contains(kind) {
            return;
        }
        let record = Arc::new(TraceRecord {
            trace_id: trace.trace_id,
            name: trace.name.clone(),
            service_name: self.inner.service_name.clone(),
            root_span_id: trace.root_span_id,
            start_time: trace.start_time,
            end_time: end.or_else(|| (kind == EventKind::TraceEnded).then(Timestamp::now)),
            has_error: trace.has_error.load(Relaxed),
            incomplete: trace.expired.load(Relaxed),
            attributes: TraceAttributes::clone(&trace.attributes),
        });
        let event = match kind {
            EventKind::TraceStarted => TelemetryEvent::TraceStarted { trace: record },
            _ => TelemetryEvent::TraceEnded { trace: record },
        };
        self.emit(event);
    }

    /// Sends a span event to each exporter that wants it, with inputs and outputs removed for
    /// exporters that do not want them (built once, only when needed).
    fn dispatch(&self, kind: EventKind, span: Arc<SpanRecord>) {
        let mut without_io: Option<Arc<SpanRecord>> = None;
        for slot in &self.inner.exporters {
            if !slot.wants(kind) {
                continue;
            }
            let record = if self.inner.io_free_variant
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

#[async_trait]
impl AiTelemetry for Telemetry {
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn should_sample(&self, context: &SamplingContext<'_>) -> bool {
        self.inner.sampler.sample_root(context, SpanId::random())
    }

    fn process_span(&self, mut span: SpanRecord) -> Option<SpanRecord> {
        self.inner.pipeline.run(&mut span).then_some(span)
    }

    fn emit(&self, event: TelemetryEvent) {
        let kind = event.kind();
        for slot in &self.inner.exporters {
            if slot.wants(kind) {
                slot.offer(event.clone());
            }
        }
    }

    async fn flush(&self) -> Result<(), ExportError> {
        let results =
            futures::future::join_all(self.inner.exporters.iter().map(ExporterSlot::flush)).await;
        results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    }

    async fn shutdown(&self) -> Result<(), ExportError> {
        if self.inner.shut_down.swap(true, Relaxed) {
            return Ok(());
        }
        self.expire_traces();
        let all =
            futures::future::join_all(self.inner.exporters.iter().map(ExporterSlot::shutdown));
        match tokio::time::timeout(self.inner.shutdown_timeout, all).await {
            Ok(results) => results.into_iter().find(Result::is_err).unwrap_or(Ok(())),
            Err(_) => Err(ExportError::Timeout(format!(
                "telemetry {:?} shutdown",
                self.inner.name
            ))),
        }
    }
}

impl Telemetry {
    /// Waits until every event emitted so far was handled by every exporter, and the exporters
    /// flushed. See [`AiTelemetry::flush`].
    pub async fn flush(&self) -> Result<(), ExportError> {
        AiTelemetry::flush(self).await
    }

    /// Flushes and shuts every exporter down within the shutdown timeout (30 s by default).
    /// Spans ended afterwards are dropped and counted.
    pub async fn shutdown(&self) -> Result<(), ExportError> {
        AiTelemetry::shutdown(self).await
    }
}

/// Builds a [`Telemetry`]; configuration errors are returned by [`build`](Self::build), never
/// panics.
#[must_use]
pub struct TelemetryBuilder {
    name: Option<String>,
    config: TelemetryConfig,
    redact: bool,
    sensitive_keys: Vec<String>,
    processors: Vec<Arc<dyn SpanProcessor>>,
    exporters: Vec<Arc<dyn TelemetryExporter>>,
    defaults: TraceAttributes,
    request_context_keys: Vec<String>,
    max_trace_age: Duration,
    max_open_traces: usize,
    shutdown_timeout: Duration,
}

impl TelemetryBuilder {
    fn new(service_name: impl Into<String>) -> Self {
        TelemetryBuilder {
            name: None,
            config: TelemetryConfig {
                service_name: service_name.into(),
                ..TelemetryConfig::default()
            },
            redact: true,
            sensitive_keys: Vec::new(),
            processors: Vec::new(),
            exporters: Vec::new(),
            defaults: TraceAttributes::default(),
            request_context_keys: Vec::new(),
            max_trace_age: Duration::from_secs(3600),
            max_open_traces: 100_000,
            shutdown_timeout: Duration::from_secs(30),
        }
    }

    /// Instance name for logs and the registry (default: the service name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Takes every setting of `config` (the service name included).
    pub fn config(mut self, config: TelemetryConfig) -> Self {
        self.config = config;
        self
    }

    /// Master switch (default on).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.config.enabled = enabled;
        self
    }

    /// Sampling strategy (default always on).
    pub fn sampling(mut self, strategy: SamplingStrategy) -> Self {
        self.config.sampling = strategy;
        self
    }

    /// Capture inputs and outputs (default on).
    pub fn include_io(mut self, include: bool) -> Self {
        self.config.context.include_io = include;
        self
    }

    /// Largest JSON size of one data value before truncation (default 64 KiB; `None`: no limit).
    pub fn max_data_size(mut self, bytes: Option<usize>) -> Self {
        self.config.context.max_data_size = bytes;
        self
    }

    /// Field names removed from span data.
    pub fn exclude_fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.config
            .context
            .exclude_fields
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// The sensitive-data filter (default on).
    pub fn redact_sensitive_data(mut self, on: bool) -> Self {
        self.redact = on;
        self
    }

    /// More key fragments for the sensitive-data filter.
    pub fn sensitive_keys<I: IntoIterator<Item = S>, S: Into<String>>(mut self, keys: I) -> Self {
        self.sensitive_keys.extend(keys.into_iter().map(Into::into));
        self
    }

    /// Adds a processor; user processors run in order, before the built-in ones.
    pub fn processor(mut self, processor: impl SpanProcessor) -> Self {
        self.processors.push(Arc::new(processor));
        self
    }

    /// Adds an exporter.
    pub fn exporter(self, exporter: impl TelemetryExporter) -> Self {
        self.exporter_arc(Arc::new(exporter))
    }

    /// Adds a shared exporter (keep a clone to inspect it, as tests do).
    pub fn exporter_arc(mut self, exporter: Arc<dyn TelemetryExporter>) -> Self {
        self.exporters.push(exporter);
        self
    }

    /// Default environment of every trace.
    pub fn environment(mut self, environment: impl Into<Str>) -> Self {
        self.defaults.environment = Some(environment.into());
        self
    }

    /// Default release of every trace.
    pub fn release(mut self, release: impl Into<Str>) -> Self {
        self.defaults.release = Some(release.into());
        self
    }

    /// Tags added to every trace.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<Str>>(mut self, tags: I) -> Self {
        self.defaults.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Baggage keys copied into each trace's request context at its root, so every span of
    /// the trace carries them (e.g. `tenant`, `request_id`).
    pub fn request_context_keys<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        keys: I,
    ) -> Self {
        self.request_context_keys
            .extend(keys.into_iter().map(Into::into));
        self
    }

    /// Age after which a trace whose root never ended is released (default 1 hour).
    pub fn max_trace_age(mut self, age: Duration) -> Self {
        self.max_trace_age = age;
        self
    }

    /// Most traces tracked at once (default 100 000).
    pub fn max_open_traces(mut self, count: usize) -> Self {
        self.max_open_traces = count;
        self
    }

    /// Longest wait of [`Telemetry::shutdown`] (default 30 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Validates the configuration and starts the exporters' workers.
    pub fn build(self) -> Result<Telemetry, BuildError> {
        self.validate()?;
        let pipeline = Pipeline::new(self.processors.clone(), self.data_processors());
        let mut exporters = Vec::with_capacity(self.exporters.len());
        for exporter in self.exporters {
            let name = exporter.name().to_owned();
            let slot = ExporterSlot::start(exporter)
                .map_err(|source| BuildError::Worker { name, source })?;
            exporters.push(slot);
        }
        let wanted = exporters.iter().fold(EventKinds::NONE, |acc, e| {
            acc.union(e.capabilities().events)
        });
        let io_free_variant = exporters.iter().any(|e| !e.capabilities().include_io);
        let name: Arc<str> = self
            .name
            .as_deref()
            .unwrap_or(&self.config.service_name)
            .into();
        tracing::debug!(telemetry = %name, exporters = exporters.len(), "telemetry started");
        Ok(Telemetry {
            inner: Arc::new(Inner {
                name,
                service_name: self.config.service_name.as_str().into(),
                enabled: AtomicBool::new(self.config.enabled),
                include_io: self.config.context.include_io,
                sampler: Sampler::new(self.config.sampling.clone()),
                pipeline,
                exporters,
                wanted,
                io_free_variant,
                defaults: Arc::new(self.defaults),
                request_context_keys: self.request_context_keys,
                open_traces: OpenTraces::new(self.max_trace_age, self.max_open_traces),
                shutdown_timeout: self.shutdown_timeout,
                shut_down: AtomicBool::new(false),
                config: Mutex::new(self.config),
            }),
        })
    }

    fn validate(&self) -> Result<(), BuildError> {
        if self.config.service_name.trim().is_empty() {
            return Err(BuildError::EmptyServiceName);
        }
        if let SamplingStrategy::Ratio { probability } = self.config.sampling
            && !(0.0..=1.0).contains(&probability)
        {
            return Err(BuildError::InvalidRatio(probability));
        }
        let mut names = std::collections::HashSet::new();
        for exporter in &self.exporters {
            if !names.insert(exporter.name()) {
                return Err(BuildError::DuplicateExporter(exporter.name().to_owned()));
            }
        }
        Ok(())
    }

    /// The built-in data processors in their fixed order (they run after the user's).
    fn data_processors(&self) -> Vec<Arc<dyn SpanProcessor>> {
        let context = &self.config.context;
        let mut all: Vec<Arc<dyn SpanProcessor>> = Vec::new();
        if !context.include_io {
            all.push(Arc::new(IncludeIo));
        }
        if !context.exclude_fields.is_empty() {
            all.push(Arc::new(ExcludeFields::new(
                context.exclude_fields.iter().cloned(),
            )));
        }
        if self.redact {
            all.push(Arc::new(
                SensitiveDataFilter::new().with_keys(&self.sensitive_keys),
            ));
        }
        if let Some(max) = context.max_data_size {
            all.push(Arc::new(Truncate::new(max)));
        }
        all
    }
}
