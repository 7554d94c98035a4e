//! An `opentelemetry_sdk` span processor that sends the SDK's spans to our exporters.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::InstrumentationScope as ProtoScope;
use opentelemetry_proto::tonic::trace::v1::Span as ProtoSpan;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanProcessor};
use telemetry_core::{SamplingContext, SpanRecord, Str, Telemetry, TelemetryEvent};
use telemetry_otlp::{ResourceInfo, UNKNOWN_SERVICE, semconv, span_from_otlp};

use crate::switch::BridgeSwitch;

/// How long [`SpanProcessor::force_flush`] waits for our exporters.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// An `opentelemetry_sdk` [`SpanProcessor`] that maps every span the SDK ends to a typed span
/// (through [`span_from_otlp`], the mapping OTLP ingest uses) and hands it to the exporters of
/// a [`Telemetry`] instance, after its processors (redaction, truncation) and its run-time
/// switches (enabled, span types, sampling ratio by trace id).
///
/// The SDK reports a span when it ends, so exporters get `span_ended` events for these spans
/// (no `span_started`, no trace events); spans the SDK did not sample are not forwarded.
///
/// Add it next to the application's own processors to run both pipelines side by side. Spans
/// that also reach us another way — e.g. `tracing` spans that [`TelemetryLayer`](crate::TelemetryLayer)
/// bridges and `tracing-opentelemetry` also feeds to the SDK — are skipped by naming their
/// instrumentation scope with [`skip_scope`](TelemetrySpanProcessorBuilder::skip_scope), so no
/// span is counted twice.
///
/// ```
/// use opentelemetry::trace::{Tracer, TracerProvider};
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use telemetry_bridges::otel::TelemetrySpanProcessor;
/// use telemetry_core::{Telemetry, testing::InMemoryExporter};
///
/// let spans = InMemoryExporter::new();
/// let telemetry = Telemetry::builder("docs").exporter(spans.clone()).build()?;
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(TelemetrySpanProcessor::new(telemetry.clone()))
///     .build();
/// provider.tracer("app").in_span("work", |_cx| {});
/// telemetry.flush_blocking(std::time::Duration::from_secs(5))?;
/// assert!(spans.span("work").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TelemetrySpanProcessor {
    telemetry: Telemetry,
    resource: ResourceInfo,
    skip_scopes: Vec<String>,
    switch: BridgeSwitch,
}

/// Builds a [`TelemetrySpanProcessor`].
#[derive(Debug)]
#[must_use = "call .build()"]
pub struct TelemetrySpanProcessorBuilder {
    processor: TelemetrySpanProcessor,
}

impl TelemetrySpanProcessorBuilder {
    /// Skips spans of the instrumentation scope (tracer) `name`: those already reaching our
    /// exporters through another bridge.
    pub fn skip_scope(mut self, name: impl Into<String>) -> Self {
        self.processor.skip_scopes.push(name.into());
        self
    }

    /// Uses `switch` to turn the processor off and on at run time.
    pub fn switch(mut self, switch: BridgeSwitch) -> Self {
        self.processor.switch = switch;
        self
    }

    /// The processor.
    pub fn build(self) -> TelemetrySpanProcessor {
        crate::install_context_resolver();
        self.processor
    }
}

impl TelemetrySpanProcessor {
    /// A processor sending every SDK span to `telemetry`'s exporters.
    pub fn new(telemetry: Telemetry) -> Self {
        Self::builder(telemetry).build()
    }

    /// A builder, to skip scopes or share a switch.
    pub fn builder(telemetry: Telemetry) -> TelemetrySpanProcessorBuilder {
        let resource = ResourceInfo {
            service_name: Arc::from(telemetry.service_name()),
            environment: None,
            release: None,
        };
        TelemetrySpanProcessorBuilder {
            processor: TelemetrySpanProcessor {
                telemetry,
                resource,
                skip_scopes: Vec::new(),
                switch: BridgeSwitch::default(),
            },
        }
    }

    /// The switch that turns this processor off and on at run time.
    pub fn switch(&self) -> BridgeSwitch {
        self.switch.clone()
    }

    fn wants(&self, span: &SpanData) -> bool {
        let scope = span.instrumentation_scope.name();
        self.switch.is_on()
            && self.telemetry.is_enabled()
            && !self.skip_scopes.iter().any(|s| s == scope)
    }

    fn map(&self, span: SpanData) -> Option<SpanRecord> {
        let scope = ProtoScope {
            name: span.instrumentation_scope.name().to_owned(),
            version: span
                .instrumentation_scope
                .version()
                .map(str::to_owned)
                .unwrap_or_default(),
            ..Default::default()
        };
        match span_from_otlp(ProtoSpan::from(span), &self.resource, Some(&scope)) {
            Ok(record) => Some(record),
            Err(error) => {
                tracing::debug!(%error, "OpenTelemetry span not mapped");
                None
            }
        }
    }

    fn sampled(&self, record: &SpanRecord) -> bool {
        self.telemetry.should_sample(&SamplingContext {
            trace_id: record.trace_id,
            name: &record.name,
            span_type: record.attributes.span_type(),
            is_root: record.parent_span_id.is_none(),
        })
    }
}

impl SpanProcessor for TelemetrySpanProcessor {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &opentelemetry::Context) {}

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() || !self.wants(&span) {
            return;
        }
        let Some(record) = self.map(span).filter(|r| self.sampled(r)) else {
            return;
        };
        if let Some(record) = self.telemetry.process_span(record) {
            let span = Arc::new(record);
            self.telemetry.emit(TelemetryEvent::SpanEnded { span });
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.telemetry
            .flush_blocking(FLUSH_TIMEOUT)
            .map_err(|e| OTelSdkError::InternalFailure(e.to_string()))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.telemetry
            .flush_blocking(timeout)
            .map_err(|e| OTelSdkError::InternalFailure(e.to_string()))
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = resource_info(resource, &self.resource.service_name);
    }
}

fn resource_info(resource: &Resource, fallback: &Arc<str>) -> ResourceInfo {
    let get = |key: &'static str| {
        resource
            .get(&opentelemetry::Key::from_static_str(key))
            .map(|v| v.as_str().into_owned())
    };
    let service_name = get(semconv::SERVICE_NAME)
        .filter(|s| !s.starts_with(UNKNOWN_SERVICE))
        .map_or_else(|| fallback.clone(), Arc::from);
    ResourceInfo {
        service_name,
        environment: get(semconv::DEPLOYMENT_ENVIRONMENT_NAME).map(Str::from),
        release: get(semconv::SERVICE_VERSION).map(Str::from),
    }
}
