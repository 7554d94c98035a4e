//! OpenTelemetry ↔ our context, the SDK span processor, and both pipelines running side by
//! side without any span counted twice.
#![cfg(all(feature = "otel-bridge", feature = "tracing-bridge"))]

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, TraceContextExt, Tracer, TracerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use telemetry_bridges::otel::{TelemetrySpanProcessor, context_from_otel, to_otel_context};
use telemetry_bridges::{BridgeSwitch, TelemetryLayer};
use telemetry_core::attrs::{AgentRun, Generic};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{FutureExt, SpanType, Telemetry};
use tracing_subscriber::layer::SubscriberExt;

fn telemetry() -> (Telemetry, InMemoryExporter) {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("app")
        .exporter(spans.clone())
        .build()
        .expect("build");
    (telemetry, spans)
}

fn flush(telemetry: &Telemetry) {
    telemetry
        .flush_blocking(Duration::from_secs(5))
        .expect("flush");
}

#[test]
fn our_span_started_under_an_active_otel_span_is_its_child_in_the_same_trace() {
    telemetry_bridges::install_context_resolver();
    let (telemetry, spans) = telemetry();
    let provider = SdkTracerProvider::builder().build();
    let tracer = provider.tracer("app");
    let (otel_trace, otel_span) = tracer.in_span("http request", |cx| {
        let sc = cx.span().span_context().clone();
        telemetry.span("ours", Generic::default()).start().end();
        (sc.trace_id().to_bytes(), sc.span_id().to_bytes())
    });
    flush(&telemetry);
    let ours = spans.span("ours").expect("ours");
    assert_eq!(ours.trace_id.to_bytes(), otel_trace);
    assert_eq!(ours.parent_span_id.map(|p| p.to_bytes()), Some(otel_span));
}

#[tokio::test]
async fn otel_instrumented_code_nests_under_our_span_and_reaches_our_exporters_typed() {
    let (telemetry, spans) = telemetry();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(TelemetrySpanProcessor::new(telemetry.clone()))
        .build();
    let tracer = provider.tracer("llm-client");
    let run = telemetry.trace("agent", AgentRun::named("support")).start();
    async {
        let parent = to_otel_context(&telemetry_core::Context::current());
        let mut span = tracer
            .span_builder("chat gpt-4o")
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.request.model", "gpt-4o"),
                KeyValue::new("gen_ai.usage.input_tokens", 10),
                KeyValue::new("gen_ai.usage.output_tokens", 4),
            ])
            .start_with_context(&tracer, &parent);
        span.end();
    }
    .in_span(&run)
    .await;
    run.end();
    flush(&telemetry);
    let chat = spans
        .span("chat gpt-4o")
        .expect("otel span in our exporter");
    let agent = spans.span("agent").expect("agent");
    assert_eq!(chat.attributes.span_type(), SpanType::LlmGeneration);
    assert_eq!(
        chat.attributes.usage().and_then(|u| u.input_tokens),
        Some(10)
    );
    assert_eq!(chat.trace_id, agent.trace_id);
    assert_eq!(chat.parent_span_id, Some(agent.span_id));
}

#[test]
fn contexts_round_trip() {
    let (telemetry, _spans) = telemetry();
    let run = telemetry.trace("agent", AgentRun::named("a")).start();
    let otel = to_otel_context(&run.context());
    let back = context_from_otel(&otel).expect("valid");
    assert_eq!(
        back.span_ids().map(|(t, s, _)| (t, s)),
        Some((run.trace_id().expect("t"), run.span_id().expect("s")))
    );
    assert!(context_from_otel(&opentelemetry::Context::new()).is_none());
}

/// Both pipelines at once: the application's OpenTelemetry SDK (fed by
/// `tracing-opentelemetry` and by direct OpenTelemetry instrumentation) exporting to its own
/// exporter, and ours (our `tracing` layer plus our SDK span processor). Each span reaches
/// each pipeline exactly once.
#[test]
fn both_pipelines_in_parallel_count_every_span_once() {
    let (telemetry, ours) = telemetry();
    let theirs = InMemorySpanExporter::default();
    let processor_switch = BridgeSwitch::new(true);
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(theirs.clone())
        .with_span_processor(
            TelemetrySpanProcessor::builder(telemetry.clone())
                .skip_scope("tracing")
                .switch(processor_switch.clone())
                .build(),
        )
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tracing")))
        .with(TelemetryLayer::new(telemetry.clone()));
    let direct = provider.tracer("direct");
    tracing::subscriber::with_default(subscriber, || {
        let request = tracing::info_span!("request");
        let _r = request.enter();
        let _chat = tracing::info_span!(
            "chat",
            gen_ai.operation.name = "chat",
            gen_ai.request.model = "m"
        )
        .entered();
        direct.in_span("db query", |_| {});
    });
    direct.in_span("background job", |_| {});
    provider.force_flush().expect("otel flush");
    flush(&telemetry);

    let count = |names: Vec<String>| {
        let mut counts = HashMap::new();
        for n in names {
            *counts.entry(n).or_insert(0) += 1;
        }
        counts
    };
    let ours_counts = count(
        ours.ended_spans()
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
    );
    let theirs_counts = count(
        theirs
            .get_finished_spans()
            .expect("spans")
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
    );
    for name in ["request", "chat", "db query", "background job"] {
        assert_eq!(ours_counts.get(name), Some(&1), "ours: {ours_counts:?}");
        assert_eq!(
            theirs_counts.get(name),
            Some(&1),
            "theirs: {theirs_counts:?}"
        );
    }
    assert_eq!(ours_counts.len(), 4, "{ours_counts:?}");

    // Switching our processor off leaves their pipeline alone.
    processor_switch.set(false);
    direct.in_span("after switch", |_| {});
    provider.force_flush().expect("otel flush");
    flush(&telemetry);
    assert!(ours.span("after switch").is_none());
    assert!(
        theirs
            .get_finished_spans()
            .expect("spans")
            .iter()
            .any(|s| s.name == "after switch")
    );
}

/// Tail sampling holds what both bridges hand in with the trace it belongs to: an error in
/// an OpenTelemetry span keeps our root and the `tracing` span too; a clean trace is dropped
/// whole.
#[test]
fn tail_sampling_decides_bridged_spans_with_their_trace() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("app")
        .tail_sampling(telemetry_core::TailSampling::new().keep_errors())
        .exporter(spans.clone())
        .build()
        .expect("build");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(TelemetrySpanProcessor::new(telemetry.clone()))
        .build();
    let tracer = provider.tracer("llm-client");
    let subscriber = tracing_subscriber::registry().with(TelemetryLayer::new(telemetry.clone()));
    let run_trace = |name: &'static str, fail: bool| {
        let run = telemetry.trace(name, AgentRun::named("support")).start();
        run.in_scope(|| {
            tracing::info_span!("step").in_scope(|| {});
            let parent = to_otel_context(&telemetry_core::Context::current());
            let mut span = tracer.start_with_context("chat", &parent);
            if fail {
                span.set_status(opentelemetry::trace::Status::error("rate limited"));
            }
            span.end();
        });
        let id = run.trace_id().expect("trace id");
        run.end();
        id
    };
    let (failed, clean) = tracing::subscriber::with_default(subscriber, || {
        (run_trace("failed", true), run_trace("clean", false))
    });
    flush(&telemetry);
    let ended = spans.ended_spans();
    let mut names: Vec<_> = ended.iter().map(|s| s.name.to_string()).collect();
    names.sort();
    assert_eq!(names, ["chat", "failed", "step"], "{ended:?}");
    assert!(
        ended
            .iter()
            .all(|s| s.trace_id == failed && s.trace_id != clean)
    );
    let stats = telemetry.stats().tail;
    assert_eq!((stats.traces_kept, stats.traces_dropped), (1, 1));
}
