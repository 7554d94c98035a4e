//! Bad input: invalid ids are typed errors that reject one span and keep the others; random
//! and corrupted bytes never panic the decoders or the mapping.

use std::path::PathBuf;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use telemetry_otlp::{self as otel, FromOtlpError, ResourceInfo};
use telemetry_types::IdParseError;

fn span(trace_id: Vec<u8>, span_id: Vec<u8>, parent: Vec<u8>) -> Span {
    Span {
        trace_id,
        span_id,
        parent_span_id: parent,
        name: "s".into(),
        ..Default::default()
    }
}

fn read(span: Span) -> Result<telemetry_types::SpanRecord, FromOtlpError> {
    otel::span_from_otlp(span, &ResourceInfo::from_resource(None), None)
}

#[test]
fn invalid_ids_are_typed_errors() {
    let ok = || (vec![1; 16], vec![2; 8]);
    let (t, s) = ok();
    assert!(
        read(span(t, s, Vec::new()))
            .unwrap()
            .parent_span_id
            .is_none()
    );
    let (t, s) = ok();
    assert!(
        read(span(t, s, vec![0; 8]))
            .unwrap()
            .parent_span_id
            .is_none(),
        "all-zero parent = root"
    );
    assert!(matches!(
        read(span(vec![1; 15], vec![2; 8], Vec::new())),
        Err(FromOtlpError::TraceId(IdParseError::Length { .. }))
    ));
    assert!(matches!(
        read(span(vec![0; 16], vec![2; 8], Vec::new())),
        Err(FromOtlpError::TraceId(IdParseError::AllZero { .. }))
    ));
    assert!(matches!(
        read(span(vec![1; 16], vec![0; 8], Vec::new())),
        Err(FromOtlpError::SpanId(IdParseError::AllZero { .. }))
    ));
    assert!(matches!(
        read(span(vec![1; 16], Vec::new(), Vec::new())),
        Err(FromOtlpError::SpanId(IdParseError::Length { .. }))
    ));
    assert!(matches!(
        read(span(vec![1; 16], vec![2; 8], vec![3; 4])),
        Err(FromOtlpError::ParentSpanId(_))
    ));
    assert_eq!(
        FromOtlpError::TraceId(IdParseError::AllZero { kind: "trace id" }).to_string(),
        "invalid trace id: trace id is all zeros, which W3C Trace Context declares invalid"
    );
}

#[test]
fn a_request_keeps_its_valid_spans_and_counts_the_rejected() {
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![
                    span(vec![1; 16], vec![2; 8], Vec::new()),
                    span(vec![0; 16], vec![2; 8], Vec::new()),
                    span(vec![1; 16], vec![3; 8], vec![2; 8]),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let out = otel::spans_from_request(request);
    assert_eq!(out.spans.len(), 2);
    assert_eq!(out.rejected.len(), 1);
    assert_eq!(&*out.spans[0].service_name, otel::UNKNOWN_SERVICE);
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn ingest(body: &[u8], json: bool) {
    let decoded = if json {
        otel::decode_json(body)
    } else {
        otel::decode_protobuf(body)
    };
    if let Ok(request) = decoded {
        let _ = otel::spans_from_request(request);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Lcg(42);
    for _ in 0..2_000 {
        let len = (rng.next() % 512) as usize;
        let body: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        ingest(&body, false);
        ingest(&body, true);
    }
}

#[test]
fn corrupted_real_payloads_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp");
    let mut rng = Lcg(7);
    for name in [
        "openinference.pb",
        "openllmetry-legacy.pb",
        "otel-genai-content.pb",
    ] {
        let original = std::fs::read(dir.join(name)).unwrap();
        for _ in 0..300 {
            let mut body = original.clone();
            for _ in 0..=(rng.next() % 8) {
                let i = (rng.next() as usize) % body.len();
                body[i] = rng.next() as u8;
            }
            body.truncate(body.len() - (rng.next() as usize % 16));
            ingest(&body, false);
        }
    }
    for name in ["openinference.json", "openllmetry-legacy.json"] {
        let original = std::fs::read(dir.join(name)).unwrap();
        for _ in 0..100 {
            let mut body = original.clone();
            let i = (rng.next() as usize) % body.len();
            body[i] = b"{}[]\":,0a"[(rng.next() % 9) as usize];
            ingest(&body, true);
        }
    }
}

fn odd_values() -> Vec<opentelemetry_proto::tonic::common::v1::any_value::Value> {
    use opentelemetry_proto::tonic::common::v1::{
        AnyValue, ArrayValue, KeyValue, KeyValueList, any_value::Value as Av,
    };
    let nested = AnyValue {
        value: Some(Av::KvlistValue(KeyValueList {
            values: vec![KeyValue {
                key: "k".into(),
                value: None,
                ..Default::default()
            }],
        })),
    };
    vec![
        Av::StringValue(String::new()),
        Av::StringValue("{\"unterminated".into()),
        Av::StringValue("[1, {\"role\": 3}]".into()),
        Av::StringValue("\"quoted\"".into()),
        Av::BoolValue(true),
        Av::IntValue(i64::MIN),
        Av::IntValue(-1),
        Av::DoubleValue(f64::NAN),
        Av::DoubleValue(-1e308),
        Av::BytesValue(vec![0xff, 0]),
        Av::ArrayValue(ArrayValue {
            values: vec![nested.clone(), AnyValue { value: None }],
        }),
        Av::KvlistValue(KeyValueList::default()),
        Av::StringValueStrindex(3),
    ]
}

#[test]
fn odd_values_under_every_known_key_never_panic() {
    use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
    use telemetry_types::SpanType;
    let mut keys: Vec<String> = SpanType::ALL
        .into_iter()
        .flat_map(otel::mapped_keys)
        .map(str::to_owned)
        .collect();
    keys.extend(
        [
            "openinference.span.kind",
            "traceloop.span.kind",
            "langfuse.observation.type",
            "llm.invocation_parameters",
            "langfuse.observation.usage_details",
            "langfuse.observation.cost_details",
            "langfuse.observation.completion_start_time",
            "langfuse.trace.tags",
            "langfuse.trace.metadata",
            "llm.token_count.prompt",
            "gen_ai.prompt.0.content",
            "gen_ai.completion.0.finish_reason",
            "embedding.embeddings.0.embedding.vector",
            "retrieval.documents.0.document.score",
            "input.value",
            "metadata",
        ]
        .map(str::to_owned),
    );
    for (i, odd) in odd_values().into_iter().enumerate() {
        for span_type in SpanType::ALL {
            let mut attributes: Vec<KeyValue> = keys
                .iter()
                .map(|k| KeyValue {
                    key: k.clone(),
                    value: Some(AnyValue {
                        value: Some(odd.clone()),
                    }),
                    ..Default::default()
                })
                .collect();
            // Force each span type once, with every other key holding the odd value.
            attributes.retain(|kv| kv.key != "ai_telemetry.span.type");
            attributes.push(KeyValue {
                key: "ai_telemetry.span.type".into(),
                value: Some(AnyValue {
                    value: Some(
                        opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(
                            span_type.as_str().into(),
                        ),
                    ),
                }),
                ..Default::default()
            });
            let mut s = span(vec![1; 16], vec![2; 8], Vec::new());
            s.attributes = attributes;
            s.start_time_unix_nano = u64::MAX;
            let record = read(s).unwrap();
            assert_eq!(record.span_type(), span_type, "value #{i}");
        }
    }
}
