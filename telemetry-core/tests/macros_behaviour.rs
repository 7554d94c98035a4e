//! Behaviour of `#[with_span]` through the public API, recorded with the in-memory exporter.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use telemetry_core::attrs::{Generic, Usage};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    FutureExt, SpanRecord, SpanStatus, SpanType, Telemetry, current_span, with_span,
};

fn setup() -> (Telemetry, InMemoryExporter) {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("macros-behaviour")
        .exporter(spans.clone())
        .build()
        .unwrap();
    (telemetry, spans)
}

/// Runs `f` inside a root span of `telemetry` and returns the ended spans.
fn in_root<R>(f: impl FnOnce() -> R) -> (R, Vec<Arc<SpanRecord>>) {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let r = root.in_scope(f);
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    (r, spans.ended_spans())
}

fn find<'a>(spans: &'a [Arc<SpanRecord>], name: &str) -> &'a SpanRecord {
    spans.iter().find(|s| s.name == name).unwrap_or_else(|| {
        panic!(
            "no span {name}; have {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

#[with_span]
fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[test]
fn sync_fn_records_input_output_and_parent() {
    let (r, spans) = in_root(|| add(1, 2));
    assert_eq!(r, 3);
    let root = find(&spans, "root");
    let span = find(&spans, "add");
    assert_eq!(span.parent_span_id, Some(root.span_id));
    assert_eq!(span.input, Some(json!({"a": 1, "b": 2})));
    assert_eq!(span.output, Some(json!(3)));
    assert_eq!(span.status, SpanStatus::Ok);
    assert_eq!(span.attributes.span_type(), SpanType::Generic);
    assert!(!span.ended_by_drop);
}

#[with_span(span_type = llm_generation, name = "chat gpt-4o", attributes(model = "gpt-4o", provider = "openai"))]
async fn generate(prompt: &str) -> String {
    current_span().record_usage(Usage::new(10, 2));
    format!("re: {prompt}")
}

#[tokio::test]
async fn async_fn_with_type_name_and_attributes() {
    let (telemetry, spans) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let out = generate("hi").in_span(&root).await;
    root.end();
    telemetry.flush().await.unwrap();
    assert_eq!(out, "re: hi");
    let spans = spans.ended_spans();
    let span = find(&spans, "chat gpt-4o");
    assert_eq!(span.attributes.span_type(), SpanType::LlmGeneration);
    assert_eq!(span.attributes.model(), Some("gpt-4o"));
    assert_eq!(span.attributes.provider(), Some("openai"));
    assert_eq!(span.attributes.usage().unwrap().output_tokens, Some(2));
    assert_eq!(span.input, Some(json!({"prompt": "hi"})));
    assert_eq!(span.output, Some(json!("re: hi")));
}
