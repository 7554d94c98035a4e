//! Spans as `@mastra/otel-exporter` writes them, by hand (after its span converter): the
//! span types, user / session / thread / resource from `mastra.metadata.*`, `mastra.tags`,
//! `mastra.<span type>.input` / `output`, and a model call's tokens counted once (on the
//! `model_inference` span).

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as Av};
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::json;
use telemetry_otlp::{self as otel, ResourceInfo};
use telemetry_types::{SpanAttributes, SpanRecord, SpanType};

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

fn read(id: u8, mastra_type: &str, operation: &str, mut attributes: Vec<KeyValue>) -> SpanRecord {
    attributes.push(kv("mastra.span.type", s(mastra_type)));
    attributes.push(kv("gen_ai.operation.name", s(operation)));
    let span = Span {
        trace_id: vec![5; 16],
        span_id: vec![id; 8],
        parent_span_id: if id == 1 { vec![] } else { vec![1; 8] },
        name: format!("{operation} {mastra_type}"),
        start_time_unix_nano: START,
        end_time_unix_nano: START + 1_000_000_000,
        attributes,
        ..Default::default()
    };
    let resource = ResourceInfo::from_resource(Some(&otel::resource_for_service("mastra-app")));
    otel::span_from_otlp(span, &resource, None).unwrap()
}

fn usage() -> Vec<KeyValue> {
    vec![
        kv("gen_ai.usage.input_tokens", Av::IntValue(12)),
        kv("gen_ai.usage.output_tokens", Av::IntValue(7)),
    ]
}

fn tokens(record: &SpanRecord) -> Option<(Option<u64>, Option<u64>)> {
    match &record.attributes {
        SpanAttributes::LlmGeneration(a) => a.usage.map(|u| (u.input_tokens, u.output_tokens)),
        _ => None,
    }
}

#[test]
fn agent_run_carries_user_session_tags_and_its_input_output() {
    let agent = read(
        1,
        "agent_run",
        "invoke_agent",
        vec![
            kv("gen_ai.agent.name", s("weather-agent")),
            kv("mastra.metadata.userId", s("u-9")),
            kv("mastra.metadata.threadId", s("thread-1")),
            kv("mastra.metadata.resourceId", s("res-1")),
            kv("mastra.metadata.plan", s("pro")),
            kv("mastra.tags", s(r#"["beta","eu"]"#)),
            kv(
                "mastra.agent_run.input",
                s(r#"[{"role":"user","content":"hi"}]"#),
            ),
            kv("mastra.agent_run.output", s("It is sunny.")),
        ],
    );
    assert_eq!(agent.span_type(), SpanType::AgentRun);
    let t = &agent.trace;
    assert_eq!(t.user_id.as_deref(), Some("u-9"));
    assert_eq!(t.session_id.as_deref(), Some("thread-1"));
    assert_eq!(t.tags, vec!["beta", "eu"]);
    assert_eq!(t.context["resourceId"], "res-1");
    assert_eq!(
        agent.input,
        Some(json!([{"role": "user", "content": "hi"}]))
    );
    assert_eq!(agent.output, Some(json!("It is sunny.")));
    assert_eq!(agent.metadata["plan"], "pro");
    assert_eq!(agent.metadata["mastra.span.type"], "agent_run");

    let with_session = read(
        2,
        "workflow_run",
        "invoke_workflow",
        vec![
            kv("mastra.metadata.sessionId", s("s-2")),
            kv("mastra.metadata.threadId", s("thread-2")),
        ],
    );
    assert_eq!(with_session.span_type(), SpanType::WorkflowRun);
    assert_eq!(with_session.trace.session_id.as_deref(), Some("s-2"));
}

#[test]
fn span_types_and_tokens_counted_on_the_inference_only() {
    let mut inference_attrs = usage();
    inference_attrs.push(kv("gen_ai.request.model", s("gpt-4o-mini")));
    let inference = read(2, "model_inference", "chat", inference_attrs);
    assert_eq!(inference.span_type(), SpanType::LlmGeneration);
    assert_eq!(tokens(&inference), Some((Some(12), Some(7))));

    for (id, kind) in [
        (3, "model_step"),
        (4, "model_generation"),
        (5, "model_chunk"),
    ] {
        let mut attributes = usage();
        attributes.push(kv("gen_ai.request.model", s("gpt-4o-mini")));
        attributes.push(kv(&format!("mastra.{kind}.output"), s("partial")));
        let step = read(id, kind, kind, attributes);
        assert_eq!(step.span_type(), SpanType::WorkflowStep, "{kind}");
        assert_eq!(
            tokens(&step),
            None,
            "{kind} must not count the tokens again"
        );
        assert_eq!(
            step.metadata["gen_ai.usage.input_tokens"], 12,
            "{kind}: kept"
        );
        assert_eq!(step.output, Some(json!("partial")));
    }

    let tool = read(
        6,
        "tool_call",
        "execute_tool",
        vec![kv("gen_ai.tool.name", s("get_weather"))],
    );
    assert_eq!(tool.span_type(), SpanType::ToolCall);
    let mcp = read(7, "mcp_tool_call", "execute_tool", vec![]);
    assert_eq!(mcp.span_type(), SpanType::McpToolCall);
    let step = read(8, "workflow_step", "workflow_step", vec![]);
    assert_eq!(step.span_type(), SpanType::WorkflowStep);
    let embedding = read(9, "rag_embedding", "embeddings", vec![]);
    assert_eq!(embedding.span_type(), SpanType::EmbeddingGeneration);
}
