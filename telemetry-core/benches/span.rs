//! The span hot path against the reference tracers, in one run:
//!
//! - `sampled_span/*`: start + four attributes + end of a sampled root span with one exporter
//!   (or exporter-equivalent) attached that discards: ours, `opentelemetry_sdk` (batch span
//!   processor), `tracing` with a registry subscriber, and `fastrace`.
//! - `sampled_out_span`: a root span of an always-off sampler (`_ratio`: ratio 0), its
//!   attributes built before the decision (`Telemetry::span`); `sampled_out_span_lazy/*`: the
//!   same through `Telemetry::span_with`, whose closure builds them only for a sampled span.
//! - `sampled_span/telemetry_core_lazy`: the sampled root span through `span_with`.
//! - `child_span_from_context`: a child found through the task-local context.
//! - `tail_sampling/*`: one trace of a root and four LLM children (five spans) with head
//!   sampling only (every span exported), tail sampling keeping everything, tail sampling
//!   dropping everything (no error to keep), and a head ratio of 0.2 for comparison;
//!   `tail_sampling_cpu/*`: the same cases measured in CPU time of the whole process (the
//!   exporter's worker thread included), per trace.
//!
//! Run: `cargo bench -p telemetry-core --bench span`.

use std::hint::black_box;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, SamplingStrategy, TailSampling, Telemetry,
    TelemetryEvent, TelemetryExporter,
    attrs::{AgentRun, LlmGeneration, Usage},
};

/// Takes ended spans and drops them: what is measured is the core, not an exporter.
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

fn ours(sampling: SamplingStrategy) -> Telemetry {
    ours_with_tail(sampling, None)
}

fn ours_with_tail(sampling: SamplingStrategy, tail: Option<TailSampling>) -> Telemetry {
    let builder = Telemetry::builder("bench").sampling(sampling);
    let builder = match tail {
        Some(tail) => builder.tail_sampling(tail),
        None => builder,
    };
    builder.exporter(Discard).build().unwrap()
}

/// A root and four LLM children: five spans.
fn our_trace(telemetry: &Telemetry) {
    let root = telemetry.trace("run", AgentRun::named("agent")).start();
    root.in_scope(|| {
        for _ in 0..4 {
            our_span(telemetry);
        }
    });
    root.end();
}

/// Start, four attributes (model, provider, input and output tokens), end.
#[inline]
fn our_span(telemetry: &Telemetry) {
    let span = telemetry
        .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
        .start();
    span.record_usage(Usage {
        input_tokens: Some(black_box(1200)),
        output_tokens: Some(black_box(80)),
        ..Usage::default()
    });
    span.end();
}

/// [`our_span`] through the lazy entry point.
#[inline]
fn our_lazy_span(telemetry: &Telemetry) {
    let span = telemetry
        .span_with("chat gpt-4o", || LlmGeneration::new("gpt-4o", "openai"))
        .start();
    span.record_usage(Usage {
        input_tokens: Some(black_box(1200)),
        output_tokens: Some(black_box(80)),
        ..Usage::default()
    });
    span.end();
}

fn otel_tracer() -> (
    opentelemetry_sdk::trace::SdkTracerProvider,
    opentelemetry_sdk::trace::SdkTracer,
) {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider, SpanData, SpanExporter};

    #[derive(Debug)]
    struct OtelDiscard;
    impl SpanExporter for OtelDiscard {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            drop(batch);
            Ok(())
        }
    }
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(OtelDiscard).build())
        .build();
    let tracer = provider.tracer("bench");
    (provider, tracer)
}

fn bench_sampled(c: &mut Criterion) {
    let mut group = c.benchmark_group("sampled_span");

    let telemetry = ours(SamplingStrategy::AlwaysOn);
    group.bench_function("telemetry_core", |b| b.iter(|| our_span(&telemetry)));
    report_drops("telemetry_core", &telemetry);
    group.bench_function("telemetry_core_lazy", |b| {
        b.iter(|| our_lazy_span(&telemetry))
    });
    report_drops("telemetry_core_lazy", &telemetry);

    let (provider, tracer) = otel_tracer();
    group.bench_function("opentelemetry_sdk", |b| {
        use opentelemetry::KeyValue;
        use opentelemetry::trace::{Span as _, Tracer as _};
        b.iter(|| {
            let mut span = tracer.start("chat gpt-4o");
            span.set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o"));
            span.set_attribute(KeyValue::new("gen_ai.provider.name", "openai"));
            span.set_attribute(KeyValue::new(
                "gen_ai.usage.input_tokens",
                black_box(1200i64),
            ));
            span.set_attribute(KeyValue::new(
                "gen_ai.usage.output_tokens",
                black_box(80i64),
            ));
            span.end();
        })
    });
    let _ = provider.shutdown();

    {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber =
            tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::INFO);
        tracing::subscriber::with_default(subscriber, || {
            group.bench_function("tracing_registry", |b| {
                b.iter(|| {
                    let span = tracing::info_span!(
                        "chat gpt-4o",
                        model = "gpt-4o",
                        provider = "openai",
                        input_tokens = tracing::field::Empty,
                        output_tokens = tracing::field::Empty
                    );
                    span.record("input_tokens", black_box(1200u64));
                    span.record("output_tokens", black_box(80u64));
                    drop(span);
                })
            });
        });
    }

    {
        struct FastraceDiscard;
        impl fastrace::collector::Reporter for FastraceDiscard {
            fn report(&mut self, spans: Vec<fastrace::collector::SpanRecord>) {
                drop(spans);
            }
        }
        fastrace::set_reporter(FastraceDiscard, fastrace::collector::Config::default());
        group.bench_function("fastrace", |b| {
            b.iter(|| {
                let span =
                    fastrace::Span::root("chat gpt-4o", fastrace::prelude::SpanContext::random())
                        .with_properties(|| [("model", "gpt-4o"), ("provider", "openai")])
                        .with_properties(|| {
                            [
                                ("input_tokens", black_box(1200).to_string()),
                                ("output_tokens", black_box(80).to_string()),
                            ]
                        });
                drop(span);
            })
        });
        fastrace::flush();
    }
    group.finish();
}

fn bench_sampled_out(c: &mut Criterion) {
    let telemetry = ours(SamplingStrategy::AlwaysOff);
    c.bench_function("sampled_out_span", |b| b.iter(|| our_span(&telemetry)));
    let ratio = ours(SamplingStrategy::ratio(0.0));
    c.bench_function("sampled_out_span_ratio", |b| b.iter(|| our_span(&ratio)));
    let mut lazy = c.benchmark_group("sampled_out_span_lazy");
    lazy.bench_function("always_off", |b| b.iter(|| our_lazy_span(&telemetry)));
    lazy.bench_function("ratio_0", |b| b.iter(|| our_lazy_span(&ratio)));
    lazy.finish();
}

fn bench_child(c: &mut Criterion) {
    let telemetry = ours(SamplingStrategy::AlwaysOn);
    let root = telemetry.trace("root", LlmGeneration::default()).start();
    root.in_scope(|| {
        c.bench_function("child_span_from_context", |b| {
            b.iter(|| our_span(&telemetry))
        });
    });
    root.end();
    report_drops("child", &telemetry);
}

/// The tail-sampling cases: label, head sampler, tail sampling.
fn tail_cases() -> Vec<(&'static str, SamplingStrategy, Option<TailSampling>)> {
    vec![
        ("head_only", SamplingStrategy::AlwaysOn, None),
        (
            "tail_keep_all",
            SamplingStrategy::AlwaysOn,
            Some(TailSampling::new().keep_all()),
        ),
        (
            "tail_drop_all",
            SamplingStrategy::AlwaysOn,
            Some(TailSampling::new().keep_errors()),
        ),
        ("head_ratio_0.2", SamplingStrategy::ratio(0.2), None),
    ]
}

/// Wall time on the recording thread (what the application waits for).
fn bench_tail(c: &mut Criterion) {
    let mut group = c.benchmark_group("tail_sampling");
    for (label, head, tail) in tail_cases() {
        let telemetry = ours_with_tail(head, tail);
        group.bench_function(label, |b| b.iter(|| our_trace(&telemetry)));
        report_drops(label, &telemetry);
        eprintln!("{label}: tail stats {:?}", telemetry.stats().tail);
    }
    group.finish();
}

/// CPU time of the whole process per trace, the exporter's worker included (flushed before
/// the clock is read): what exporting a span really costs, and what dropping it saves.
fn bench_tail_cpu(c: &mut Criterion) {
    let mut group = c.benchmark_group("tail_sampling_cpu");
    for (label, head, tail) in tail_cases() {
        let telemetry = ours_with_tail(head, tail);
        group.bench_function(label, |b| {
            b.iter_custom(|iters| {
                let before = process_cpu();
                for _ in 0..iters {
                    our_trace(&telemetry);
                }
                let _ = telemetry.flush_blocking(Duration::from_secs(10));
                process_cpu().saturating_sub(before)
            })
        });
        report_drops(label, &telemetry);
    }
    group.finish();
}

/// CPU time of every thread of this process so far (Linux `schedstat`, nanoseconds).
fn process_cpu() -> Duration {
    let tasks = std::fs::read_dir("/proc/self/task").into_iter().flatten();
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

fn report_drops(label: &str, telemetry: &Telemetry) {
    let _ = telemetry.flush_blocking(Duration::from_secs(10));
    let stats = telemetry.stats();
    eprintln!("{label}: exporter stats {:?}", stats.exporters);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench_sampled, bench_sampled_out, bench_child, bench_tail, bench_tail_cpu
}
criterion_main!(benches);
