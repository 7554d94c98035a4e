//! Spans as the Langfuse SDK (v3+, OpenTelemetry based) writes them, by hand: observation
//! types, trace and observation metadata, usage and cost details, level and status message.

use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, KeyValue, any_value::Value as Av,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::json;
use telemetry_otlp::{self as otel, ResourceInfo};
use telemetry_types::{SpanAttributes, SpanStatus, SpanType};

const START: u64 = 1_764_541_865_000_000_000;

fn kv(key: &str, value: Av) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn s(v: &str) -> Av {
    Av::StringValue(v.to_owned())
}

fn span(name: &str, attributes: Vec<KeyValue>) -> Span {
    Span {
        trace_id: vec![7; 16],
        span_id: vec![9; 8],
        parent_span_id: vec![3; 8],
        name: name.to_owned(),
        kind: 1,
        start_time_unix_nano: START,
        end_time_unix_nano: START + 2_000_000_000,
        attributes,
        ..Default::default()
    }
}

fn read(span: Span) -> telemetry_types::SpanRecord {
    let resource = ResourceInfo::from_resource(Some(&otel::resource_for_service("lf-app")));
    otel::span_from_otlp(span, &resource, None).unwrap()
}

#[test]
fn langfuse_generation_with_every_key() {
    let tags = Av::ArrayValue(ArrayValue {
        values: vec![
            AnyValue {
                value: Some(s("beta")),
            },
            AnyValue {
                value: Some(s("eu")),
            },
        ],
    });
    let record = read(span(
        "summarize",
        vec![
            kv("langfuse.observation.type", s("generation")),
            kv("langfuse.trace.name", s("support")),
            kv("langfuse.user.id", s("u-1")),
            kv("session.id", s("s-1")),
            kv("langfuse.trace.tags", tags),
            kv("langfuse.trace.metadata.tenant", s("acme")),
            kv("langfuse.trace.metadata.region", s(r#""eu""#)),
            kv("langfuse.trace.input", s(r#"{"question": "why?"}"#)),
            kv("langfuse.trace.output", s("because")),
            kv("langfuse.observation.metadata.prompt_version", s("3")),
            kv("langfuse.observation.metadata.team", s(r#""search""#)),
            kv("langfuse.observation.prompt.name", s("summarizer")),
            kv("langfuse.observation.prompt.version", Av::IntValue(4)),
            kv("langfuse.observation.model.name", s("claude-3-5-sonnet")),
            kv(
                "langfuse.observation.model.parameters",
                s(r#"{"temperature": 0.5, "max_tokens": 100}"#),
            ),
            kv(
                "langfuse.observation.usage_details",
                s(r#"{"input": 10, "output": 5, "total": 15, "cache_read_input_tokens": 2}"#),
            ),
            kv(
                "langfuse.observation.cost_details",
                s(r#"{"input": 0.001, "output": 0.002, "total": 0.003}"#),
            ),
            kv(
                "langfuse.observation.input",
                s(r#"[{"role": "user", "content": "hi"}]"#),
            ),
            kv("langfuse.observation.output", s(r#""hello""#)),
            kv("langfuse.observation.level", s("ERROR")),
            kv("langfuse.observation.status_message", s("rate limited")),
            kv(
                "langfuse.observation.completion_start_time",
                s("2025-11-30T22:31:05.120Z"),
            ),
            kv("langfuse.release", s("v2")),
            kv("langfuse.environment", s("staging")),
            kv("langfuse.version", s("7")),
        ],
    ));
    let SpanAttributes::LlmGeneration(a) = &record.attributes else {
        panic!("expected an LLM generation, got {:?}", record.span_type());
    };
    assert_eq!(a.model.as_deref(), Some("claude-3-5-sonnet"));
    let u = a.usage.unwrap();
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.total_tokens,
            u.cache_read_tokens
        ),
        (Some(10), Some(5), Some(15), Some(2))
    );
    let c = a.cost.clone().unwrap();
    assert_eq!(
        (c.input, c.output, c.total),
        (Some(0.001), Some(0.002), Some(0.003))
    );
    let p = a.parameters.clone().unwrap();
    assert_eq!((p.temperature, p.max_tokens), (Some(0.5), Some(100)));
    assert_eq!(a.time_to_first_token_ms, Some(120.0));
    assert_eq!(
        record.input,
        Some(json!([{"role": "user", "content": "hi"}]))
    );
    assert_eq!(record.output, Some(json!("hello")));
    assert_eq!(record.status, SpanStatus::Error);
    let error = record.error.as_ref().unwrap();
    assert_eq!(
        (&*error.kind, error.message.as_str()),
        ("langfuse.error", "rate limited")
    );
    let t = &record.trace;
    assert_eq!(t.user_id.as_deref(), Some("u-1"));
    assert_eq!(t.session_id.as_deref(), Some("s-1"));
    assert_eq!(t.tags, vec!["beta", "eu"]);
    assert_eq!(t.environment.as_deref(), Some("staging"));
    assert_eq!(t.release.as_deref(), Some("v2"));
    assert_eq!(t.context["tenant"], "acme");
    // The SDK writes metadata values as JSON text: decoded, without extra quotes.
    assert_eq!(t.context["region"], "eu");
    assert_eq!(record.metadata["prompt_version"], 3);
    assert_eq!(record.metadata["team"], "search");
    assert_eq!(
        record.metadata["prompt"],
        json!({"name": "summarizer", "version": 4})
    );
    assert_eq!(t.name.as_deref(), Some("support"));
    assert_eq!(t.input, Some(json!({"question": "why?"})));
    assert_eq!(t.output, Some(json!("because")));
    assert!(!record.metadata.contains_key("langfuse.trace.name"));
    // Kept: the parameters JSON; unknown keys.
    assert_eq!(record.metadata["langfuse.version"], "7");
    assert!(
        record
            .metadata
            .contains_key("langfuse.observation.model.parameters")
    );
    assert!(
        !record
            .metadata
            .contains_key("langfuse.observation.usage_details")
    );
    assert_eq!(&*record.service_name, "lf-app");
    assert_eq!(record.name, "summarize");
}

#[test]
fn langfuse_observation_types() {
    let cases = [
        ("generation", SpanType::LlmGeneration),
        ("embedding", SpanType::EmbeddingGeneration),
        ("agent", SpanType::AgentRun),
        ("tool", SpanType::ToolCall),
        ("retriever", SpanType::RagQuery),
        ("evaluator", SpanType::EvalExecution),
        ("chain", SpanType::WorkflowRun),
        ("span", SpanType::Generic),
        ("event", SpanType::Generic),
        ("guardrail", SpanType::Generic),
    ];
    for (observation_type, expected) in cases {
        let record = read(span(
            "search_docs",
            vec![kv("langfuse.observation.type", s(observation_type))],
        ));
        assert_eq!(record.span_type(), expected, "{observation_type}");
    }
    // A tool observation is named by its span; the name becomes the tool name.
    let tool = read(span(
        "search_docs",
        vec![kv("langfuse.observation.type", s("tool"))],
    ));
    let SpanAttributes::ToolCall(t) = &tool.attributes else {
        unreachable!()
    };
    assert_eq!(t.tool_name.as_deref(), Some("search_docs"));
    // Types that do not map one to one are kept.
    let generic = read(span(
        "check",
        vec![kv("langfuse.observation.type", s("guardrail"))],
    ));
    let SpanAttributes::Generic(g) = &generic.attributes else {
        unreachable!()
    };
    assert_eq!(g.fields["langfuse.observation.type"], "guardrail");
}

#[test]
fn langfuse_sdk_value_encodings() {
    let record = read(span(
        "g",
        vec![
            kv("langfuse.observation.type", s("generation")),
            kv("langfuse.observation.input", s("2")),
            kv("langfuse.observation.output", s("plain text answer")),
            kv("langfuse.trace.tags", s("a, b")),
            kv(
                "langfuse.observation.completion_start_time",
                s("\"2025-11-30T22:31:05.250000+00:00\""),
            ),
            kv("gen_ai.usage.cost", Av::DoubleValue(0.25)),
        ],
    ));
    assert_eq!(
        record.input,
        Some(json!("2")),
        "strings are written as they are"
    );
    assert_eq!(record.output, Some(json!("plain text answer")));
    assert_eq!(record.trace.tags, vec!["a", "b"]);
    let SpanAttributes::LlmGeneration(a) = &record.attributes else {
        panic!()
    };
    assert_eq!(a.time_to_first_token_ms, Some(250.0));
    assert_eq!(a.cost.as_ref().and_then(|c| c.total), Some(0.25));
}

#[test]
fn langfuse_levels_other_than_error_are_kept() {
    let record = read(span(
        "s",
        vec![
            kv("langfuse.observation.type", s("generation")),
            kv("langfuse.observation.level", s("WARNING")),
            kv("langfuse.observation.status_message", s("slow")),
        ],
    ));
    assert_eq!(record.status, SpanStatus::Unset);
    assert!(record.error.is_none());
    assert_eq!(record.metadata["langfuse.observation.level"], "WARNING");
    assert_eq!(
        record.metadata["langfuse.observation.status_message"],
        "slow"
    );
}
