//! [`TelemetryBuilder`]: the configuration of a telemetry instance, validated and turned into
//! its runtime (exporter workers started, processors in their fixed order).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use parking_lot::Mutex;
use telemetry_types::{EventKinds, SamplingStrategy, Str, TelemetryConfig, TraceAttributes};

use super::Telemetry;
use crate::dispatch::ExporterSlot;
use crate::exporter::TelemetryExporter;
use crate::lifecycle::Lifecycle;
use crate::overflow::OverflowPolicy;
use crate::processors::{
    ExcludeFields, IncludeIo, Pipeline, SensitiveDataFilter, SpanProcessor, Truncate,
};
use crate::sampling::{InvalidRatio, Sampler, check_strategy};
use crate::tail::{Tail, TailConfigError, TailSampling};
use crate::traces::OpenTraces;

/// Why a telemetry instance could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The service name is empty.
    #[error("service name must not be empty")]
    EmptyServiceName,
    /// A sampling ratio outside `[0, 1]` or NaN.
    #[error("sampling ratio must be within [0, 1], got {0}")]
    InvalidRatio(f64),
    /// The tail-sampling configuration is invalid.
    #[error(transparent)]
    TailSampling(#[from] TailConfigError),
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
    tail: Option<TailSampling>,
    shutdown_timeout: Duration,
    flush_timeout: Duration,
    overflow: OverflowPolicy,
}

impl TelemetryBuilder {
    pub(super) fn new(service_name: impl Into<String>) -> Self {
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
            tail: None,
            shutdown_timeout: Duration::from_secs(30),
            flush_timeout: Duration::from_secs(30),
            overflow: OverflowPolicy::default(),
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

    /// Tail sampling (default off): spans of each head-sampled trace are held until its root
    /// ends, then the trace is kept or dropped by `tail`'s policies. See
    /// [`TailSampling`] and `docs/SAMPLING.md`.
    pub fn tail_sampling(mut self, tail: TailSampling) -> Self {
        self.tail = Some(tail);
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

    /// Longest wait of [`Telemetry::flush`] for each exporter (default 30 s); an exporter that
    /// takes longer makes `flush` return [`ExportError::Timeout`](crate::ExportError::Timeout)
    /// naming it, while its worker goes on delivering.
    pub fn flush_timeout(mut self, timeout: Duration) -> Self {
        self.flush_timeout = timeout;
        self
    }

    /// Longest wait of [`Telemetry::shutdown`] for each exporter (default 30 s); a timeout
    /// names the exporter that did not finish.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// What a span end does when an exporter's queue
    /// ([`ExporterCapabilities::queue_capacity`](crate::ExporterCapabilities::queue_capacity),
    /// 65 536 events by default) is full, for every exporter: wait for room up to a bound
    /// (the default, 100 ms, so a burst is delivered whole) or drop at once. Drops are counted
    /// either way; see [`OverflowPolicy`].
    pub fn overflow_policy(mut self, policy: OverflowPolicy) -> Self {
        self.overflow = policy;
        self
    }

    /// Validates the configuration and starts the exporters' workers.
    pub fn build(self) -> Result<Telemetry, BuildError> {
        self.validate()?;
        // Calibrate the span clock now, not on the first span.
        crate::clock::now();
        let pipeline = Pipeline::new(self.processors.clone(), self.data_processors());
        let mut exporters = Vec::with_capacity(self.exporters.len());
        for exporter in self.exporters {
            let name = exporter.name().to_owned();
            let slot = ExporterSlot::start(exporter, self.overflow)
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
            inner: Arc::new(Lifecycle {
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
                tail: Tail::new(self.tail),
                shutdown_timeout: self.shutdown_timeout,
                flush_timeout: self.flush_timeout,
                shut_down: AtomicBool::new(false),
                config: Mutex::new(self.config),
            }),
        })
    }

    fn validate(&self) -> Result<(), BuildError> {
        if self.config.service_name.trim().is_empty() {
            return Err(BuildError::EmptyServiceName);
        }
        if let Err(InvalidRatio(probability)) = check_strategy(&self.config.sampling) {
            return Err(BuildError::InvalidRatio(probability));
        }
        if let Some(tail) = &self.tail {
            tail.validate()?;
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
