//! The [`Telemetry`] handle of one instance: starts spans, changes settings at run time,
//! reports counters, flushes and shuts down. Its state and the span lifecycle live in
//! [`Lifecycle`](crate::lifecycle::Lifecycle); its configuration in [`TelemetryBuilder`].

mod builder;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use telemetry_types::{
    SamplingContext, SamplingStrategy, SpanAttributes, SpanId, SpanRecord, SpanType, Str,
    TelemetryConfig, TelemetryEvent,
};

use crate::context::Context;
use crate::dispatch::{ExporterSlot, ExporterStats};
use crate::exporter::ExportError;
use crate::lifecycle::Lifecycle;
use crate::sampling::{InvalidRatio, check_ratio, check_strategy};
use crate::span::{Lazy, SpanBuilder, TypedAttributes};
use crate::tail::{TailConfigError, TailSampling, TailStats};

pub use builder::{BuildError, TelemetryBuilder};

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
    /// Tail sampling: traces held, kept, dropped, and decisions not made at the root's end.
    pub tail: TailStats,
}

impl TelemetryStats {
    /// Total events dropped by full exporter queues.
    pub fn dropped(&self) -> u64 {
        self.exporters.iter().map(|e| e.dropped).sum()
    }
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
    inner: Arc<Lifecycle>,
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
    pub fn span(
        &self,
        name: impl Into<Str>,
        attributes: impl Into<SpanAttributes>,
    ) -> SpanBuilder<'_> {
        SpanBuilder::new(&self.inner, name.into(), attributes.into())
    }

    /// A span of the current context whose attributes `attributes` builds only if the span is
    /// sampled: the span type comes from the closure's return type, so the sampling decision
    /// needs no value, and a sampled-out span costs the decision and nothing else (no
    /// allocation, no attribute struct built or moved). The hot-path form of
    /// [`span`](Self::span); `#[with_span]` expands to it.
    ///
    /// ```
    /// use telemetry_core::{SamplingStrategy, Telemetry, attrs::LlmGeneration};
    ///
    /// let telemetry = Telemetry::builder("docs").sampling(SamplingStrategy::AlwaysOff).build().unwrap();
    /// let span = telemetry
    ///     .span_with("chat", || -> LlmGeneration { unreachable!("sampled out: never built") })
    ///     .start();
    /// assert!(!span.is_recording());
    /// ```
    pub fn span_with<A, F>(&self, name: impl Into<Str>, attributes: F) -> SpanBuilder<'_, Lazy<F>>
    where
        F: FnOnce() -> A,
        A: TypedAttributes,
    {
        SpanBuilder::new(&self.inner, name.into(), Lazy(attributes))
    }

    /// A new trace: a root span, whatever is current.
    pub fn trace(
        &self,
        name: impl Into<Str>,
        attributes: impl Into<SpanAttributes>,
    ) -> SpanBuilder<'_> {
        self.span(name, attributes).root()
    }

    /// Whether spans are recorded at all.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_enabled()
    }

    /// Switches recording on or off at run time; off, every span takes the sampled-out path.
    pub fn set_enabled(&self, enabled: bool) {
        self.inner.enabled.store(enabled, Relaxed);
    }

    /// Replaces the sampling strategy at run time (for traces started afterwards). A ratio
    /// outside `[0, 1]` is refused, as by the builder, and the strategy in force is kept.
    pub fn set_sampling(&self, strategy: SamplingStrategy) -> Result<(), InvalidRatio> {
        check_strategy(&strategy)?;
        self.inner.config.lock().sampling = strategy.clone();
        self.inner.sampler.set_strategy(strategy);
        Ok(())
    }

    /// The sampling strategy in force.
    pub fn sampling(&self) -> SamplingStrategy {
        self.inner.sampler.strategy()
    }

    /// Keeps only `ratio` of the spans of `span_type` inside sampled traces (a span left out
    /// takes its subtree with it). A ratio outside `[0, 1]` is refused and the ratio in force
    /// is kept.
    pub fn set_span_type_ratio(&self, span_type: SpanType, ratio: f64) -> Result<(), InvalidRatio> {
        self.inner
            .sampler
            .set_type_ratio(span_type, check_ratio(ratio)?);
        Ok(())
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
            tail: inner.tail.stats(),
        }
    }

    /// Turns tail sampling on with `tail`, changes its policies, or turns it off (`None`) at
    /// run time. Traces held under the previous configuration are decided by it now.
    pub fn set_tail_sampling(&self, tail: Option<TailSampling>) -> Result<(), TailConfigError> {
        if let Some(tail) = &tail {
            tail.validate()?;
        }
        self.inner.deliver(self.inner.tail.replace(tail));
        Ok(())
    }

    /// The tail-sampling configuration in force, `None` when off.
    pub fn tail_sampling(&self) -> Option<TailSampling> {
        self.inner.tail.config()
    }

    /// Releases traces that outlived the maximum age now (normally done once a second as new
    /// traces start), and decides the traces tail sampling held past its decision wait
    /// (normally checked as spans end).
    pub fn expire_traces(&self) {
        self.inner.expire_traces();
    }

    /// Like [`flush`](Self::flush), for code outside an async runtime.
    pub fn flush_blocking(&self, timeout: Duration) -> Result<(), ExportError> {
        self.inner.deliver(self.inner.tail.drain());
        let mut first_error = None;
        for slot in &self.inner.exporters {
            if let Err(e) = slot.flush_blocking(timeout) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Decides whether a new trace root is recorded (for spans that start outside this
    /// crate's builders, e.g. in a bridge). Cheap and non-blocking.
    pub fn should_sample(&self, context: &SamplingContext<'_>) -> bool {
        self.inner.sampler.sample_root(context, SpanId::random())
    }

    /// Runs the processors over an ended span; `None` when one dropped it. Processor panics
    /// are caught and counted, never seen by the application.
    pub fn process_span(&self, mut span: SpanRecord) -> Option<SpanRecord> {
        self.inner.pipeline.run(&mut span).then_some(span)
    }

    /// Hands an event to every exporter that wants it, without waiting on any of them and
    /// counting every event that an exporter's full queue had to drop. With tail sampling on,
    /// events join their trace's buffer first (a `span_ended` without parent ends its trace;
    /// `span_started` is not delivered).
    pub fn emit(&self, event: TelemetryEvent) {
        self.inner.accept(event);
    }

    /// Waits until every event emitted so far was handled by every exporter, and the exporters
    /// flushed; reports exporters that failed. With tail sampling on, every held trace is
    /// decided (on what it has) and delivered first.
    pub async fn flush(&self) -> Result<(), ExportError> {
        self.inner.deliver(self.inner.tail.drain());
        let timeout = self.inner.flush_timeout;
        let each = self.inner.exporters.iter();
        let results =
            futures::future::join_all(each.map(|slot| slot.within(timeout, "flush", slot.flush())))
                .await;
        results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    }

    /// Flushes and shuts every exporter down within the shutdown timeout (30 s by default).
    /// Traces held by tail sampling are decided and delivered first. Spans ended afterwards
    /// are dropped and counted.
    pub async fn shutdown(&self) -> Result<(), ExportError> {
        if self.inner.shut_down.swap(true, Relaxed) {
            return Ok(());
        }
        self.expire_traces();
        self.inner.deliver(self.inner.tail.drain());
        let timeout = self.inner.shutdown_timeout;
        let each = self.inner.exporters.iter();
        let results = futures::future::join_all(
            each.map(|slot| slot.within(timeout, "shutdown", slot.shutdown())),
        )
        .await;
        results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    }
}

impl Context {
    /// This context with `telemetry` as the instance that records new spans (used when the
    /// context has no recording span to take it from, e.g. after extracting remote headers).
    pub fn with_telemetry(mut self, telemetry: Telemetry) -> Context {
        self.lifecycle = Some(telemetry.inner);
        self
    }

    /// The telemetry instance of this context: the current span's, else the one set with
    /// [`with_telemetry`](Self::with_telemetry).
    pub fn telemetry(&self) -> Option<Telemetry> {
        self.lifecycle().map(|inner| Telemetry {
            inner: inner.clone(),
        })
    }
}
