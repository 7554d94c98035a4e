//! Sampling: strategies, inheritance, per-type refinement, run-time changes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{BuildError, SamplingStrategy, SpanAttributes, SpanType, Telemetry, attrs::*};

fn with(strategy: SamplingStrategy) -> (Telemetry, InMemoryExporter) {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("sampling")
        .sampling(strategy)
        .exporter(exporter.clone())
        .build()
        .unwrap();
    (telemetry, exporter)
}

#[tokio::test]
async fn always_off_records_and_emits_nothing() {
    let (telemetry, exporter) = with(SamplingStrategy::AlwaysOff);
    let root = telemetry.trace("root", AgentRun::default()).start();
    assert!(!root.is_recording());
    let mut calls = 0;
    root.update_attributes(|_| calls += 1);
    root.in_scope(|| telemetry.span("child", Generic::default()).start().end());
    root.end();
    telemetry.flush().await.unwrap();
    assert!(exporter.events().is_empty());
    assert_eq!(
        calls, 0,
        "lazy attribute closures never run for sampled-out spans"
    );
}

#[tokio::test]
async fn ratio_is_decided_at_the_root_and_inherited() {
    let (telemetry, exporter) = with(SamplingStrategy::ratio(0.5));
    for i in 0..400 {
        let root = telemetry
            .trace(format!("root-{i}"), Generic::default())
            .start();
        root.in_scope(|| telemetry.span("child", Generic::default()).start().end());
        root.end();
    }
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    let roots = spans.iter().filter(|s| s.parent_span_id.is_none()).count();
    assert!((120..280).contains(&roots), "{roots} of 400 roots sampled");
    // Every sampled root has its child, and no child exists without its root.
    assert_eq!(spans.len(), roots * 2);
    for child in spans.iter().filter(|s| s.parent_span_id.is_some()) {
        assert!(
            spans
                .iter()
                .any(|r| Some(r.span_id) == child.parent_span_id)
        );
    }
}

#[tokio::test]
async fn custom_sampler_and_runtime_change() {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let (telemetry, exporter) = with(SamplingStrategy::custom(move |cx| {
        counter.fetch_add(1, Ordering::Relaxed);
        cx.span_type == SpanType::AgentRun
    }));
    telemetry.trace("agent", AgentRun::default()).start().end();
    telemetry.trace("tool", ToolCall::default()).start().end();
    telemetry.set_sampling(SamplingStrategy::AlwaysOff).unwrap();
    telemetry
        .trace("agent-after", AgentRun::default())
        .start()
        .end();
    telemetry.set_sampling(SamplingStrategy::AlwaysOn).unwrap();
    telemetry
        .trace("tool-after", ToolCall::default())
        .start()
        .end();
    telemetry.flush().await.unwrap();
    let names: Vec<_> = exporter
        .ended_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["agent", "tool-after"]);
    assert_eq!(seen.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn per_span_type_refinement_and_switches() {
    let (telemetry, exporter) = with(SamplingStrategy::AlwaysOn);
    telemetry
        .set_span_type_ratio(SpanType::EmbeddingGeneration, 0.0)
        .unwrap();
    telemetry.set_span_type_enabled(SpanType::MemoryLookup, false);
    let root = telemetry.trace("root", AgentRun::default()).start();
    root.in_scope(|| {
        let embed = telemetry
            .span("embed", EmbeddingGeneration::default())
            .start();
        embed.in_scope(|| {
            telemetry
                .span("under-embed", Generic::default())
                .start()
                .end()
        });
        embed.end();
        telemetry
            .span("memory", MemoryLookup::default())
            .start()
            .end();
        telemetry
            .span("llm", LlmGeneration::default())
            .start()
            .end();
    });
    root.end();
    telemetry.set_enabled(false);
    telemetry
        .trace("disabled", AgentRun::default())
        .start()
        .end();
    telemetry.flush().await.unwrap();
    let names: Vec<_> = exporter
        .ended_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["llm", "root"]);
}

#[tokio::test]
async fn builder_attribute_closures_run_only_for_sampled_spans() {
    let ran = Arc::new(AtomicUsize::new(0));
    for strategy in [SamplingStrategy::AlwaysOff, SamplingStrategy::AlwaysOn] {
        let (telemetry, exporter) = with(strategy);
        let counter = ran.clone();
        telemetry
            .span("llm", LlmGeneration::default())
            .with_attributes(move |a| {
                counter.fetch_add(1, Ordering::Relaxed);
                if let SpanAttributes::LlmGeneration(llm) = a {
                    llm.model = Some("computed".into());
                }
            })
            .start()
            .end();
        telemetry.flush().await.unwrap();
        if let Some(span) = exporter.span("llm") {
            assert_eq!(span.attributes.model(), Some("computed"));
        }
    }
    assert_eq!(
        ran.load(Ordering::Relaxed),
        1,
        "only the sampled span computed its attributes"
    );
}

#[tokio::test]
async fn one_ratio_rule_at_build_time_and_at_run_time() {
    let built = Telemetry::builder("svc")
        .sampling(SamplingStrategy::ratio(1.5))
        .build();
    assert!(matches!(built, Err(BuildError::InvalidRatio(r)) if r == 1.5));
    let (telemetry, exporter) = with(SamplingStrategy::AlwaysOff);
    for bad in [1.5, -0.1, f64::NAN, 50.0] {
        let refused = telemetry
            .set_sampling(SamplingStrategy::ratio(bad))
            .unwrap_err();
        assert!(refused.0.is_nan() || refused.0 == bad);
        assert!(
            telemetry
                .set_span_type_ratio(SpanType::LlmGeneration, bad)
                .is_err()
        );
    }
    assert!(
        matches!(telemetry.sampling(), SamplingStrategy::AlwaysOff),
        "kept"
    );
    telemetry
        .trace("dropped", AgentRun::default())
        .start()
        .end();
    telemetry
        .set_sampling(SamplingStrategy::ratio(1.0))
        .unwrap();
    telemetry.trace("kept", AgentRun::default()).start().end();
    telemetry.flush().await.unwrap();
    let names: Vec<_> = exporter
        .ended_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["kept"]);
}
