//! Round trip of every span type, with every field set: SpanRecord → OTLP (protobuf bytes and
//! OTLP/JSON text) → SpanRecord gives back an equal record.

mod otel_support;

use std::sync::Arc;

use otel_support::full_span;
use prost::Message;
use serde_json::{Map, json};
use telemetry_otlp as otel;
use telemetry_types::attrs::LlmOperation;
use telemetry_types::{SpanAttributes, SpanRecord, SpanStatus, SpanType};

fn through_protobuf(span: &SpanRecord) -> SpanRecord {
    let request = otel::export_request(&[Arc::new(span.clone())]);
    let bytes = request.encode_to_vec();
    let decoded = otel::decode_protobuf(&bytes).unwrap();
    let mut out = otel::spans_from_request(decoded);
    assert!(out.rejected.is_empty(), "{:?}", out.rejected);
    assert_eq!(out.spans.len(), 1);
    out.spans.remove(0)
}

fn through_json(span: &SpanRecord) -> SpanRecord {
    let request = otel::export_request(&[Arc::new(span.clone())]);
    let text = serde_json::to_vec(&request).unwrap();
    let decoded = otel::decode_json(&text).unwrap();
    let mut out = otel::spans_from_request(decoded);
    assert!(out.rejected.is_empty(), "{:?}", out.rejected);
    out.spans.remove(0)
}

#[test]
fn every_span_type_round_trips_with_every_field_set() {
    for span_type in SpanType::ALL {
        for failed in [false, true] {
            let span = full_span(span_type, failed);
            assert_eq!(
                through_protobuf(&span),
                span,
                "{span_type} failed={failed} (protobuf)"
            );
            assert_eq!(
                through_json(&span),
                span,
                "{span_type} failed={failed} (json)"
            );
        }
    }
}

#[test]
fn minimal_spans_round_trip() {
    for span_type in SpanType::ALL {
        let span = SpanRecord {
            parent_span_id: None,
            attributes: SpanAttributes::empty(span_type),
            input: None,
            output: None,
            metadata: Map::new(),
            end_time: None,
            status: SpanStatus::Unset,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Arc::default(),
            ..full_span(span_type, false)
        };
        let mut expected = span.clone();
        if let SpanAttributes::LlmGeneration(a) = &mut expected.attributes {
            // The conventions require an operation name: an unset operation is sent as `chat`.
            a.operation = Some(LlmOperation::Chat);
        }
        assert_eq!(through_protobuf(&span), expected, "{span_type}");
    }
}

#[test]
fn error_status_without_error_details_round_trips() {
    let mut span = full_span(SpanType::ToolCall, false);
    span.status = SpanStatus::Error;
    assert_eq!(through_protobuf(&span), span);
}

#[test]
fn plain_string_input_and_non_message_output_round_trip() {
    let mut span = full_span(SpanType::LlmGeneration, false);
    span.input = Some(json!("{\"looks\": \"like json\"}"));
    span.output = Some(json!({"role": "assistant"}));
    assert_eq!(through_protobuf(&span), span);
}

#[test]
fn spans_group_by_service_into_resource_spans() {
    let a = full_span(SpanType::ToolCall, false);
    let mut b = full_span(SpanType::AgentRun, false);
    b.service_name = Arc::from("billing");
    let c = full_span(SpanType::RagQuery, false);
    let request = otel::export_request(&[Arc::new(a), Arc::new(b), Arc::new(c)]);
    assert_eq!(request.resource_spans.len(), 2);
    let counts: Vec<usize> = request
        .resource_spans
        .iter()
        .map(|r| r.scope_spans[0].spans.len())
        .collect();
    assert_eq!(counts, vec![2, 1]);
    let scope = request.resource_spans[0].scope_spans[0]
        .scope
        .as_ref()
        .unwrap();
    assert_eq!(scope.name, otel::SCOPE_NAME);
    assert_eq!(scope.version, otel::SCOPE_VERSION);
    let back = otel::spans_from_request(request);
    assert_eq!(&*back.spans[2].service_name, "billing");
}
