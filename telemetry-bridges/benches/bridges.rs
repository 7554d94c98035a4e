//! The `tracing` bridge, in one run:
//!
//! - `tracing_genai_span/*`: one `tracing` span with GenAI fields (operation, provider, model;
//!   input and output tokens recorded after creation) through our layer into a
//!   discarding exporter, against the same span through `tracing-opentelemetry` into the
//!   OpenTelemetry SDK (batch span processor, discarding exporter).
//! - `tracing_skipped_span/*`: a plain `tracing` span our layer skips (its target is outside
//!   the generic-span filter), against `tracing` with a registry and no layer.
//!
//! Run: `cargo bench -p telemetry-bridges --bench bridges`.

use std::hint::black_box;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider, SpanData, SpanExporter};
use telemetry_bridges::TelemetryLayer;
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, Telemetry, TelemetryEvent, TelemetryExporter,
};
use tracing::Dispatch;
use tracing::field::Empty;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

/// Takes ended spans and drops them: what is measured is the bridge, not an exporter.
struct Discard;

#[async_trait]
impl TelemetryExporter for Discard {
    fn name(&self) -> &str {
        "discard"
    }
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::SPAN_ENDED,
            ..ExporterCapabilities::default()
        }
    }
    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        drop(event);
        Ok(())
    }
}

#[derive(Debug)]
struct OtelDiscard;

impl SpanExporter for OtelDiscard {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        drop(batch);
        Ok(())
    }
}

fn telemetry() -> Telemetry {
    Telemetry::builder("bench")
        .exporter(Discard)
        .build()
        .expect("telemetry")
}

#[inline]
fn genai_span() {
    let span = tracing::info_span!(
        target: "bench::llm",
        "chat",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = "openai",
        gen_ai.request.model = "gpt-4o",
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    );
    span.record("gen_ai.usage.input_tokens", black_box(1200));
    span.record("gen_ai.usage.output_tokens", black_box(80));
    let _entered = span.enter();
}

#[inline]
fn plain_span() {
    let span = tracing::info_span!(target: "bench::plain", "work", item = black_box(7));
    let _entered = span.enter();
}

fn bench_genai(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracing_genai_span");
    let telemetry = telemetry();
    let ours =
        Dispatch::new(tracing_subscriber::registry().with(TelemetryLayer::new(telemetry.clone())));
    tracing::dispatcher::with_default(&ours, || {
        group.bench_function("telemetry_layer", |b| b.iter(genai_span));
    });
    let stats = telemetry.stats();
    eprintln!(
        "telemetry_layer: {} dropped by full queues",
        stats.dropped()
    );

    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(OtelDiscard).build())
        .build();
    let otel = Dispatch::new(
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"))),
    );
    tracing::dispatcher::with_default(&otel, || {
        group.bench_function("tracing_opentelemetry_sdk", |b| b.iter(genai_span));
    });
    group.finish();
    let _ = provider.shutdown();
}

fn bench_skipped(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracing_skipped_span");
    let none = Dispatch::new(tracing_subscriber::registry());
    tracing::dispatcher::with_default(&none, || {
        group.bench_function("no_layer", |b| b.iter(plain_span));
    });
    let layer = TelemetryLayer::builder(telemetry())
        .generic_spans(Targets::new().with_target("my_app", tracing::Level::INFO))
        .build();
    let ours = Dispatch::new(tracing_subscriber::registry().with(layer));
    tracing::dispatcher::with_default(&ours, || {
        group.bench_function("telemetry_layer_skipping", |b| b.iter(plain_span));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = bench_genai, bench_skipped
}
criterion_main!(benches);
