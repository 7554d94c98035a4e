//! The direct protobuf encoder (`encode_export_request`) writes exactly the bytes of
//! `export_request(..).encode_to_vec()` for every span type, with and without errors, for
//! several services and for values that stress the encoding (long fields, empty keys, NaN,
//! saturated integers, null and nested JSON).

mod otel_support;

use std::sync::Arc;

use otel_support::full_span;
use prost::Message;
use serde_json::json;
use telemetry_otlp as otel;
use telemetry_types::attrs::{LlmGeneration, Usage};
use telemetry_types::{SpanRecord, SpanStatus, SpanType};

fn assert_same_bytes(spans: &[Arc<SpanRecord>]) {
    let reference = otel::export_request(spans).encode_to_vec();
    let direct = otel::encode_export_request(spans);
    assert_eq!(direct.len(), reference.len(), "length differs");
    assert!(direct == reference, "bytes differ");
}

#[test]
fn every_span_type_encodes_to_the_same_bytes() {
    for span_type in SpanType::ALL {
        for failed in [false, true] {
            let span = full_span(span_type, failed);
            assert_same_bytes(&[Arc::new(span)]);
        }
    }
}

#[test]
fn a_batch_of_several_services_encodes_to_the_same_bytes() {
    let mut spans = Vec::new();
    for (i, span_type) in SpanType::ALL.into_iter().enumerate() {
        let mut span = full_span(span_type, i % 2 == 0);
        span.service_name = Arc::from(["support-bot", "billing", "search"][i % 3]);
        spans.push(Arc::new(span));
    }
    assert_same_bytes(&spans);
}

#[test]
fn nothing_to_encode_is_an_empty_request() {
    let none: [Arc<SpanRecord>; 0] = [];
    assert!(otel::encode_export_request(&none).is_empty());
    assert_same_bytes(&none);
}

#[test]
fn unusual_values_encode_to_the_same_bytes() {
    let mut span = full_span(SpanType::LlmGeneration, false);
    let mut llm = LlmGeneration::new("m".repeat(300), "");
    llm.usage = Some(Usage {
        input_tokens: Some(u64::MAX),
        output_tokens: Some(0),
        ..Usage::default()
    });
    llm.time_to_first_token_ms = Some(f64::NAN);
    span.attributes = llm.into();
    span.input = Some(json!("x".repeat(20_000)));
    span.output = Some(json!({"": null, "deep": [[[{"n": -1.5e300}]]], "big": u64::MAX}));
    span.metadata.insert(String::new(), json!(null));
    span.metadata.insert("empty".into(), json!(""));
    span.name = "".into();
    span.status = SpanStatus::Error;
    span.error = None;
    span.end_time = None;
    span.parent_span_id = None;
    assert_same_bytes(&[Arc::new(span)]);
}

#[test]
fn borrowed_spans_and_a_reused_buffer_give_the_same_request() {
    let a = full_span(SpanType::ToolCall, false);
    let b = full_span(SpanType::AgentRun, true);
    let owned = [Arc::new(a.clone()), Arc::new(b.clone())];
    let mut buffer = vec![1, 2, 3];
    otel::encode_export_request_into(&[&a, &b], &mut buffer);
    assert_eq!(&buffer[..3], &[1, 2, 3]);
    assert_eq!(buffer[3..], otel::export_request(&owned).encode_to_vec());
    let decoded = otel::decode_protobuf(&buffer[3..]).unwrap();
    let back = otel::spans_from_request(decoded);
    assert_eq!(back.spans, vec![a, b]);
}

#[test]
fn a_span_already_named_by_the_conventions_encodes_to_the_same_bytes() {
    let mut llm = full_span(SpanType::LlmGeneration, false);
    let conventional = otel::conventional_span_name(&llm).into_owned();
    llm.name = conventional.clone().into();
    let mut near = llm.clone();
    near.name = conventional.replace(' ', "_").into();
    let mut generic = full_span(SpanType::Generic, false);
    generic.name = "plain".into();
    let spans = [Arc::new(llm), Arc::new(near), Arc::new(generic)];
    let request = otel::export_request(&spans);
    let names: Vec<&str> = request.resource_spans[0].scope_spans[0]
        .spans
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [conventional.as_str(), conventional.as_str(), "plain"]
    );
    let renamed: Vec<bool> = request.resource_spans[0].scope_spans[0]
        .spans
        .iter()
        .map(|s| {
            s.attributes
                .iter()
                .any(|kv| kv.key == otel::semconv::ours::SPAN_NAME)
        })
        .collect();
    assert_eq!(renamed, [false, true, false]);
    assert_same_bytes(&spans);
}
