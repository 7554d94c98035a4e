//! A driver for counting the span hot path's instructions with callgrind: records `N` spans of
//! one case, then flushes, so that the instructions per span are the difference between two
//! runs (`N = 20000` and `N = 10000`) and start-up cancels out.
//!
//! ```text
//! cargo build --release -p telemetry-core --example hot_path
//! valgrind --tool=callgrind --separate-threads=yes --toggle-collect='*span_once*' \
//!     target/release/examples/hot_path root 20000
//! ```
//!
//! Cases: `root`, `root_lazy`, `child`, `sampled_out`, `sampled_out_ratio`, `sampled_out_lazy`,
//! `otel`, `fastrace` (each as in `benches/span.rs`); `flat_out SECS` records flat out for
//! `SECS` seconds and prints the drops (not for callgrind).

use std::hint::black_box;
use std::time::Duration;

use async_trait::async_trait;
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, SamplingStrategy, Telemetry, TelemetryEvent,
    TelemetryExporter,
    attrs::{LlmGeneration, Usage},
};

/// Takes ended spans and drops them.
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
    Telemetry::builder("bench")
        .sampling(sampling)
        .exporter(Discard)
        .build()
        .expect("valid settings")
}

#[inline(never)]
fn span_once_ours(telemetry: &Telemetry) {
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

#[inline(never)]
fn span_once_ours_lazy(telemetry: &Telemetry) {
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

fn run_ours(sampling: SamplingStrategy, n: usize, child: bool, lazy: bool) {
    let telemetry = ours(sampling);
    let record = |t: &Telemetry| {
        for _ in 0..n {
            if lazy {
                span_once_ours_lazy(t)
            } else {
                span_once_ours(t)
            }
        }
    };
    if child {
        let root = telemetry.trace("root", LlmGeneration::default()).start();
        root.in_scope(|| record(&telemetry));
        root.end();
    } else {
        record(&telemetry);
    }
    let _ = telemetry.flush_blocking(Duration::from_secs(60));
    let stats = telemetry.stats();
    eprintln!("{:?}", stats.exporters);
}

#[inline(never)]
fn span_once_otel(tracer: &opentelemetry_sdk::trace::SdkTracer) {
    use opentelemetry::KeyValue;
    use opentelemetry::trace::{Span as _, Tracer as _};
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
}

fn run_otel(n: usize) {
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
    for _ in 0..n {
        span_once_otel(&tracer);
    }
    let _ = provider.force_flush();
    let _ = provider.shutdown();
}

#[inline(never)]
fn span_once_fastrace() {
    let span = fastrace::Span::root("chat gpt-4o", fastrace::prelude::SpanContext::random())
        .with_properties(|| [("model", "gpt-4o"), ("provider", "openai")])
        .with_properties(|| {
            [
                ("input_tokens", black_box(1200).to_string()),
                ("output_tokens", black_box(80).to_string()),
            ]
        });
    drop(span);
}

fn run_fastrace(n: usize) {
    struct FastraceDiscard;
    impl fastrace::collector::Reporter for FastraceDiscard {
        fn report(&mut self, spans: Vec<fastrace::collector::SpanRecord>) {
            drop(spans);
        }
    }
    fastrace::set_reporter(FastraceDiscard, fastrace::collector::Config::default());
    for _ in 0..n {
        span_once_fastrace();
    }
    fastrace::flush();
}

/// One producer recording flat out for `secs` seconds at the default queue size; prints the
/// spans recorded and the exporter's counters (the target is `dropped: 0`).
fn run_flat_out(secs: u64) {
    let telemetry = ours(SamplingStrategy::AlwaysOn);
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    let mut spans = 0u64;
    while std::time::Instant::now() < deadline {
        for _ in 0..1000 {
            span_once_ours_lazy(&telemetry);
        }
        spans += 1000;
    }
    let _ = telemetry.flush_blocking(Duration::from_secs(60));
    let stats = &telemetry.stats().exporters[0];
    println!(
        "{spans} spans in {secs} s ({:.0} k spans/s): accepted {}, exported {}, dropped {}",
        spans as f64 / secs as f64 / 1000.0,
        stats.accepted,
        stats.exported,
        stats.dropped
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "root".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    match case.as_str() {
        "root" => run_ours(SamplingStrategy::AlwaysOn, n, false, false),
        "root_lazy" => run_ours(SamplingStrategy::AlwaysOn, n, false, true),
        "child" => run_ours(SamplingStrategy::AlwaysOn, n, true, false),
        "sampled_out" => run_ours(SamplingStrategy::AlwaysOff, n, false, false),
        "sampled_out_ratio" => run_ours(SamplingStrategy::ratio(0.0), n, false, false),
        "sampled_out_lazy" => run_ours(SamplingStrategy::AlwaysOff, n, false, true),
        "otel" => run_otel(n),
        "flat_out" => run_flat_out(n as u64),
        "fastrace" => run_fastrace(n),
        other => {
            eprintln!("unknown case {other}");
            std::process::exit(2);
        }
    }
}
