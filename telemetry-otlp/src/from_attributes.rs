//! Inbound mapping for spans known only by their name and attributes (a `tracing` span's
//! fields, an SDK span before export): the same reading as OTLP ingest, without ids or times.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use std::sync::Arc;

use serde_json::Map;
use telemetry_types::{
    SpanAttributes, SpanId, SpanRecord, SpanStatus, SpanType, Str, Timestamp, TraceId,
};

use crate::bag::Bag;
use crate::from_otlp::{ResourceInfo, UNKNOWN_SERVICE, classify, span_from_otlp};

/// Reads `name` and `attributes` through [`span_from_otlp`], so `gen_ai.*` (and every dialect
/// it reads) become typed attributes, input, output, status and error exactly as OTLP ingest
/// makes them. The record's ids and times are placeholders: callers take the attributes,
/// name, input, output, metadata, status and error from it.
///
/// ```
/// use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
/// use telemetry_otlp::span_from_attributes;
/// use telemetry_types::SpanType;
///
/// let kv = |k: &str, v: Value| KeyValue { key: k.into(), value: Some(AnyValue { value: Some(v) }), ..Default::default() };
/// let record = span_from_attributes("chat".into(), vec![
///     kv("gen_ai.operation.name", Value::StringValue("chat".into())),
///     kv("gen_ai.request.model", Value::StringValue("gpt-4o".into())),
///     kv("gen_ai.usage.input_tokens", Value::IntValue(12)),
/// ]);
/// assert_eq!(record.attributes.span_type(), SpanType::LlmGeneration);
/// assert_eq!(record.attributes.model(), Some("gpt-4o"));
/// ```
pub fn span_from_attributes(name: String, attributes: Vec<KeyValue>) -> SpanRecord {
    let span = Span {
        trace_id: vec![1; 16],
        span_id: vec![1; 8],
        name,
        attributes,
        ..Default::default()
    };
    let resource = ResourceInfo {
        service_name: UNKNOWN_SERVICE.into(),
        environment: None,
        release: None,
    };
    // The placeholder ids are valid, so the mapping cannot reject the span.
    span_from_otlp(span, &resource, None).unwrap_or_else(|_| empty_record())
}

/// The span type [`span_from_attributes`] would give these attributes, decided the same way
/// (the dialect markers, `gen_ai.operation.name`, then the attributes present) without
/// mapping the rest: for deciding early, e.g. sampling by span type when a span starts.
///
/// ```
/// use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value};
/// use telemetry_otlp::span_type_from_attributes;
/// use telemetry_types::SpanType;
///
/// let op = KeyValue { key: "gen_ai.operation.name".into(), value: Some(AnyValue { value: Some(Value::StringValue("execute_tool".into())) }), ..Default::default() };
/// assert_eq!(span_type_from_attributes(&[op]), SpanType::ToolCall);
/// ```
pub fn span_type_from_attributes(attributes: &[KeyValue]) -> SpanType {
    classify::classify(&mut Bag::new(attributes.to_vec()))
}

#[cold]
fn empty_record() -> SpanRecord {
    SpanRecord {
        trace_id: TraceId::random(),
        span_id: SpanId::random(),
        parent_span_id: None,
        name: Str::from("unknown"),
        service_name: Arc::from(UNKNOWN_SERVICE),
        attributes: SpanAttributes::default(),
        input: None,
        output: None,
        metadata: Map::new(),
        start_time: Timestamp::from_unix_nanos(0),
        end_time: None,
        status: SpanStatus::default(),
        error: None,
        errored_descendants: Vec::new(),
        events: Vec::new(),
        ended_by_drop: false,
        trace: Arc::default(),
    }
}
